package io.keywarden.core.decision;

import io.keywarden.core.keys.KeyHash;

/**
 * Where the decision engine looks up keys, projects and memberships.
 *
 * <p>The store implements it with caches in front of the database. Implementations may block
 * when they must read storage; a caller on an event loop uses a cache-only directory first and
 * moves the verification to a worker thread on a miss.
 */
public interface AccessDirectory {
  /** The key with this hash, or {@code null} if there is none. */
  ResolvedKey findKey(KeyHash hash);

  /** The project with this id, or {@code null} if there is none. */
  ProjectRef findProject(String projectId);

  /** The user's membership of the workspace, or {@code null} if they are not a member. */
  ResolvedMembership findMembership(String workspaceId, String userId);

  /**
   * The membership of a user key's owner in the key's workspace, or {@code null}. A directory
   * may remember it on the key (see {@link ResolvedKey#membershipMemo}) as long as it forgets it
   * whenever a membership may have changed.
   */
  default ResolvedMembership findOwnerMembership(ResolvedKey key) {
    return findMembership(key.key().workspaceId(), key.key().ownerUserId());
  }

  /**
   * This directory as seen by a caller confined to one workspace: keys of other workspaces are
   * not there at all, so the engine answers them {@link DecisionStatus#NOT_FOUND} exactly as an
   * unknown key, before any state, rate limit or last-use is touched.
   *
   * @param workspaceId the caller's workspace, or {@code null} for no confinement (this directory)
   */
  default AccessDirectory within(String workspaceId) {
    return workspaceId == null ? this : new WorkspaceConfinedDirectory(this, workspaceId);
  }
}
