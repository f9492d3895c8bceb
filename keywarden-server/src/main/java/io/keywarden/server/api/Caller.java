package io.keywarden.server.api;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.store.Actor;

/**
 * The authenticated operator of a management API request.
 *
 * @param workspaceId the one workspace a workspace-scoped operator key may act on, or {@code null}
 *     for a deployment-wide key
 */
record Caller(ApiKey key, String workspaceId, Actor actor) {
  /** Whether this caller may see objects of {@code ws}; others are answered as not found. */
  boolean canSee(String ws) {
    return workspaceId == null || workspaceId.equals(ws);
  }

  boolean isDeploymentWide() {
    return workspaceId == null;
  }
}
