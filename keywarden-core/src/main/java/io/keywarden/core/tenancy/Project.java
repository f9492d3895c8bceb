package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Objects;

/** A project: the unit a request is scoped to, inside exactly one workspace. */
public record Project(
    String id, String workspaceId, String name, Instant createdAt, Instant updatedAt) {
  public Project {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
