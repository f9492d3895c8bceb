package io.keywarden.store;

import java.time.Instant;

/**
 * One entry of the audit trail: who did what to which target, when and from where.
 *
 * @param id {@code evt_…}
 * @param action e.g. {@code key.created}, {@code key.revoked}, {@code membership.updated}
 * @param targetType {@code workspace}, {@code project}, {@code user}, {@code membership} or {@code key}
 * @param targetId the target's id ({@code ws_…/usr_…} for memberships)
 * @param workspaceId the workspace the change belongs to, or {@code null} (users, operator keys)
 * @param details a small JSON object describing the change; never contains a key
 */
public record AuditEvent(
    String id,
    Instant at,
    String actor,
    String action,
    String targetType,
    String targetId,
    String workspaceId,
    String clientIp,
    String userAgent,
    String details) {}
