package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Objects;

/**
 * A tenant account: it holds projects, memberships and keys, and is on one plan.
 *
 * @param maxTtlDays the longest key lifetime allowed in this workspace, or {@code null} for the
 *     deployment's rules alone
 */
public record Workspace(
    String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt) {
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
