package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A project: the unit a request is scoped to, inside exactly one workspace.
 *
 * @param externalId the provider's own id (unique among the projects of its workspace), or {@code
 *     null}
 * @param metadata the provider's labels, string to string (sorted by name)
 */
public record Project(
    String id, String workspaceId, String name, Instant createdAt, Instant updatedAt,
    String externalId, Map<String, String> metadata) {
  public Project {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Labels.copy(metadata);
  }

  /** A project without labels. */
  public Project(String id, String workspaceId, String name, Instant createdAt, Instant updatedAt) {
    this(id, workspaceId, name, createdAt, updatedAt, null, Map.of());
  }
}
