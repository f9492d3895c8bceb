package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user's place in a workspace: a role, the projects it reaches and a default project.
 *
 * @param projectIds the projects this membership reaches; empty means every project of the
 *     workspace, present and future
 * @param defaultProjectId the project a request falls back to when a route allows it, or {@code
 *     null}
 */
public record Membership(
    String workspaceId,
    String userId,
    String role,
    List<String> projectIds,
    String defaultProjectId,
    Instant createdAt,
    Instant updatedAt) {
  public Membership {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    projectIds = List.copyOf(projectIds);
  }

  /** Whether this membership reaches {@code projectId}. */
  public boolean reaches(String projectId) {
    return projectIds.isEmpty() || projectIds.contains(projectId);
  }
}
