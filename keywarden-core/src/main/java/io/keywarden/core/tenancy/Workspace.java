package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Objects;

/**
 * A tenant account: it holds projects, memberships and keys, and is on one plan.
 *
 * @param maxTtlDays the longest key lifetime allowed in this workspace, or {@code null} for the
 *     deployment's rules alone
 * @param rateLimits the workspace's rate-limit overrides as canonical JSON text (a list of
 *     {@code {"name", "limit"[, "window", "by"]}}), or {@code null} when it has none
 */
public record Workspace(
    String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt,
    String rateLimits) {
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A workspace without rate-limit overrides. */
  public Workspace(
      String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt) {
    this(id, name, plan, maxTtlDays, createdAt, updatedAt, null);
  }
}
