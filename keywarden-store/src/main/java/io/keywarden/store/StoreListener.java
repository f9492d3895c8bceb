package io.keywarden.store;

import io.keywarden.core.keys.KeyHash;

/**
 * Told by the store after a change has committed, so that caches drop what it made stale. A
 * cluster event can call the same methods on other nodes.
 */
public interface StoreListener {
  /** A key changed (updated, revoked, rotated, deleted). */
  default void keyChanged(String keyId, KeyHash hash) {}

  /** A user changed or was deleted; their memberships and keys may be stale. */
  default void userChanged(String userId) {}

  /** A membership was added, changed or removed. */
  default void membershipChanged(String workspaceId, String userId) {}

  /** A project was changed or deleted. */
  default void projectChanged(String projectId) {}

  /**
   * A workspace was changed, suspended, reinstated or deleted. Deletion also announces each of
   * its keys, projects and memberships.
   */
  default void workspaceChanged(String workspaceId) {}

  /** A plan was created, changed or deleted: rate-limit plans must be read again. */
  default void plansChanged() {}
}
