package io.keywarden.store.cache;

import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.ProjectRef;
import io.keywarden.core.decision.ResolvedKey;
import io.keywarden.core.decision.ResolvedMembership;
import io.keywarden.core.keys.KeyHash;
import java.util.Optional;

/**
 * A view of the {@link KeyCache} that never blocks: it answers from the cache or throws {@link
 * CacheMiss}, so an event loop can try a verification and move it to a worker thread only when
 * the store must be read.
 */
public final class CacheOnlyDirectory implements AccessDirectory {
  /** Thrown when an answer needs the store. Preallocated, without a stack trace. */
  public static final class CacheMiss extends RuntimeException {
    public static final CacheMiss INSTANCE = new CacheMiss();

    private CacheMiss() {
      super("cache miss", null, false, false);
    }
  }

  private final KeyCache cache;

  public CacheOnlyDirectory(KeyCache cache) {
    this.cache = cache;
  }

  @Override
  public ResolvedKey findKey(KeyHash hash) {
    ResolvedKey k = cache.cachedKey(hash);
    if (k != null) {
      return k;
    }
    if (cache.isKnownUnknown(hash)) {
      return null;
    }
    throw CacheMiss.INSTANCE;
  }

  @Override
  public io.keywarden.core.decision.WorkspaceStanding findWorkspace(String workspaceId) {
    var w = cache.cachedWorkspace(workspaceId);
    if (w == null) {
      throw CacheMiss.INSTANCE;
    }
    return w;
  }

  @Override
  public ProjectRef findProject(String projectId) {
    Optional<ProjectRef> p = cache.cachedProject(projectId);
    if (p == null) {
      throw CacheMiss.INSTANCE;
    }
    return p.orElse(null);
  }

  @Override
  public ResolvedMembership findOwnerMembership(ResolvedKey key) {
    Optional<ResolvedMembership> m = cache.cachedOwnerMembership(key);
    if (m == null) {
      throw CacheMiss.INSTANCE;
    }
    return m.orElse(null);
  }

  @Override
  public ResolvedMembership findMembership(String workspaceId, String userId) {
    Optional<ResolvedMembership> m = cache.cachedMembership(workspaceId, userId);
    if (m == null) {
      throw CacheMiss.INSTANCE;
    }
    return m.orElse(null);
  }
}
