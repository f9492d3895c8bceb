package io.keywarden.store;

import java.time.Instant;

/**
 * Which audit events to list; {@code null} fields do not filter.
 *
 * @param target a target id
 * @param action an action, e.g. {@code key.revoked}
 * @param from inclusive lower bound of the event time
 * @param to exclusive upper bound of the event time
 */
public record AuditFilter(String workspaceId, String target, String action, Instant from, Instant to) {
  public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null);
}
