package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A tenant account: it holds projects, memberships and keys, and is on one plan.
 *
 * @param maxTtlDays the longest key lifetime allowed in this workspace, or {@code null} for the
 *     deployment's rules alone
 * @param rateLimits the workspace's rate-limit overrides as canonical JSON text (a list of
 *     {@code {"name", "limit"[, "window", "by"]}}), or {@code null} when it has none
 * @param externalId the provider's own id for this workspace (unique among workspaces), or
 *     {@code null}
 * @param metadata the provider's labels, string to string (sorted by name)
 * @param suspended whether its keys are refused ({@code workspace_suspended})
 * @param suspensionReason why it is suspended, as the operator wrote it, or {@code null}
 */
public record Workspace(
    String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt,
    String rateLimits, String externalId, Map<String, String> metadata, boolean suspended,
    String suspensionReason) {
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Labels.copy(metadata);
  }

  /** A workspace without labels, not suspended. */
  public Workspace(
      String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt,
      String rateLimits) {
    this(id, name, plan, maxTtlDays, createdAt, updatedAt, rateLimits, null, Map.of(), false, null);
  }

  /** A workspace without rate-limit overrides. */
  public Workspace(
      String id, String name, String plan, Integer maxTtlDays, Instant createdAt, Instant updatedAt) {
    this(id, name, plan, maxTtlDays, createdAt, updatedAt, null);
  }
}
