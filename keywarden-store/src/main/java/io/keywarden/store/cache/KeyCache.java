package io.keywarden.store.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.ProjectRef;
import io.keywarden.core.decision.ResolvedKey;
import io.keywarden.core.decision.ResolvedMembership;
import io.keywarden.core.decision.WorkspaceStanding;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.store.Store;
import io.keywarden.store.StoreListener;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link AccessDirectory} of a node: Caffeine caches of keys (by hash), unknown hashes,
 * projects and memberships in front of the {@link Store}, with an invalidation API.
 *
 * <p><b>Invalidation.</b> The store calls this cache (as a {@link StoreListener}) after every
 * committed change; a cluster event calls the same methods on other nodes. By-hash invalidation
 * is exact. Wider invalidations (by user, project) scan the cached values, which is fine for
 * events that are rare next to requests. A workspace change drops one entry, the workspace's
 * standing (suspended or not), by id: no cached key depends on the workspace row otherwise, and
 * deleting a workspace announces each of its keys, projects and memberships. A load that raced with an invalidation must not
 * leave a stale entry behind: every invalidation bumps {@link #epoch}, and a loader that sees the
 * epoch moved while it read the database removes what it just cached. Entries also expire after a
 * configured time, as a safety net for a lost event. Operator keys are few and are also indexed
 * by hash in {@link #operatorHashes}, so that a change made by another process (a node notices it
 * through the store's operator-key generation) drops exactly them, without a scan.
 *
 * <p><b>Memory.</b> A loaded key is compacted ({@link ResolvedKey#compact}): text and lists that
 * many keys share are held once, and the entry's key is the same {@link KeyHash} instance as the
 * value's. {@code bench/run} measures the heap per cached key (docs/benchmarks.md).
 *
 * <p><b>Hot path.</b> A hit is one {@code getIfPresent}; nothing is allocated. A miss reads the
 * store and so blocks: callers on an event loop use {@link #cachedKey} first and move a miss to
 * a worker thread.
 */
public final class KeyCache implements AccessDirectory, StoreListener {
  private final Store store;
  private final AccessModel model;
  private final Cache<KeyHash, ResolvedKey> keys;
  private final Cache<KeyHash, Boolean> unknown;
  private final Cache<String, Optional<ProjectRef>> projects;
  private final Cache<MemberKey, Optional<ResolvedMembership>> memberships;
  private final Cache<String, WorkspaceStanding> standings;
  private final boolean showSuspensionReason;
  /** Canonical instances of values many cached keys share (scope lists, grants); see {@link #canonical}. */
  private final Cache<Object, Object> shared = Caffeine.newBuilder().maximumSize(10_000).build();
  private final AtomicLong epoch = new AtomicLong();
  /** Hashes of the operator keys cached now (and perhaps a few evicted ones: a superset). */
  private final java.util.Set<KeyHash> operatorHashes = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final LongAdder storeReads = new LongAdder();

  public KeyCache(Store store, AccessModel model, CacheSettings settings, Ticker ticker) {
    this(store, model, settings, ticker, false);
  }

  /**
   * @param showSuspensionReason whether a suspended workspace's keys are refused with the
   *     operator's reason in the message (else the generic message alone)
   */
  public KeyCache(Store store, AccessModel model, CacheSettings settings, Ticker ticker,
      boolean showSuspensionReason) {
    this.store = store;
    this.showSuspensionReason = showSuspensionReason;
    this.model = model;
    this.keys = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(settings.maximumKeys())
        .expireAfterWrite(settings.keyTtl())
        .build();
    this.unknown = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(settings.maximumNegative())
        .expireAfterWrite(settings.negativeTtl())
        .build();
    this.projects = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(Math.max(10_000, settings.maximumKeys() / 10))
        .expireAfterWrite(settings.tenancyTtl())
        .build();
    this.memberships = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(Math.max(10_000, settings.maximumKeys() / 10))
        .expireAfterWrite(settings.tenancyTtl())
        .build();
    this.standings = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(Math.max(10_000, settings.maximumKeys() / 10))
        .expireAfterWrite(settings.tenancyTtl())
        .build();
  }

  // ---- lookups ----

  /**
   * The cached key for a hash without touching the store: the key, or {@code null}. Use {@link
   * #isKnownUnknown} to tell "cached as unknown" from "not cached".
   */
  public ResolvedKey cachedKey(KeyHash hash) {
    return keys.getIfPresent(hash);
  }

  /** Whether the hash is cached as belonging to no key. */
  public boolean isKnownUnknown(KeyHash hash) {
    return unknown.getIfPresent(hash) != null;
  }

  /** The cached project: present, cached as absent ({@code Optional.empty()}), or {@code null} if not cached. */
  public Optional<ProjectRef> cachedProject(String projectId) {
    return projects.getIfPresent(projectId);
  }

  /** The cached membership: present, cached as absent, or {@code null} if not cached. */
  public Optional<ResolvedMembership> cachedMembership(String workspaceId, String userId) {
    return memberships.getIfPresent(new MemberKey(workspaceId, userId));
  }

  @Override
  public ResolvedKey findKey(KeyHash hash) {
    ResolvedKey k = keys.getIfPresent(hash);
    if (k != null) {
      return k;
    }
    if (unknown.getIfPresent(hash) != null) {
      return null;
    }
    long before = epoch.get();
    storeReads.increment();
    ResolvedKey loaded = store.keyByHash(hash)
        .map(key -> ResolvedKey.compact(key, hash, model, this::canonical)).orElse(null);
    if (loaded == null) {
      unknown.put(hash, Boolean.TRUE);
      if (epoch.get() != before) {
        unknown.invalidate(hash);
      }
      return null;
    }
    if (loaded.key().kind() == io.keywarden.core.keys.KeyKind.OPERATOR) {
      operatorHashes.add(hash);
    }
    ResolvedKey raced = keys.asMap().putIfAbsent(hash, loaded);
    if (raced != null) {
      return raced;
    }
    if (epoch.get() != before) {
      keys.asMap().remove(hash, loaded);
    }
    return loaded;
  }

  /**
   * The owner's membership, remembered on the cached key until the next invalidation of any kind
   * (the epoch moves), so a cached user key costs one cache lookup instead of two.
   */
  @Override
  public ResolvedMembership findOwnerMembership(ResolvedKey key) {
    long e = epoch.get();
    ResolvedKey.MembershipMemo memo = key.membershipMemo();
    if (memo != null && memo.epoch() == e) {
      return memo.value();
    }
    ResolvedMembership m = findMembership(key.key().workspaceId(), key.key().ownerUserId());
    key.rememberMembership(new ResolvedKey.MembershipMemo(e, m));
    return m;
  }

  /**
   * The owner's membership from the memo or the cache without reading the store: present,
   * cached as absent, or {@code null} when it would need the store.
   */
  public Optional<ResolvedMembership> cachedOwnerMembership(ResolvedKey key) {
    long e = epoch.get();
    ResolvedKey.MembershipMemo memo = key.membershipMemo();
    if (memo != null && memo.epoch() == e) {
      return Optional.ofNullable(memo.value());
    }
    Optional<ResolvedMembership> m = cachedMembership(key.key().workspaceId(), key.key().ownerUserId());
    if (m != null) {
      key.rememberMembership(new ResolvedKey.MembershipMemo(e, m.orElse(null)));
    }
    return m;
  }

  /** The cached standing of a workspace, or {@code null} if not cached. */
  public WorkspaceStanding cachedWorkspace(String workspaceId) {
    return standings.getIfPresent(workspaceId);
  }

  @Override
  public WorkspaceStanding findWorkspace(String workspaceId) {
    WorkspaceStanding w = standings.getIfPresent(workspaceId);
    if (w != null) {
      return w;
    }
    long before = epoch.get();
    storeReads.increment();
    WorkspaceStanding loaded = store.workspace(workspaceId).map(this::standing)
        .orElse(WorkspaceStanding.ACTIVE);
    standings.put(workspaceId, loaded);
    if (epoch.get() != before) {
      standings.asMap().remove(workspaceId, loaded);
    }
    return loaded;
  }

  private WorkspaceStanding standing(io.keywarden.core.tenancy.Workspace w) {
    if (!w.suspended()) {
      return WorkspaceStanding.ACTIVE;
    }
    String reason = w.suspensionReason();
    return new WorkspaceStanding(true, showSuspensionReason && reason != null && !reason.isBlank()
        ? "The workspace of this API key is suspended: " + reason : null);
  }

  @Override
  public ProjectRef findProject(String projectId) {
    Optional<ProjectRef> p = projects.getIfPresent(projectId);
    if (p != null) {
      return p.orElse(null);
    }
    long before = epoch.get();
    storeReads.increment();
    Optional<ProjectRef> loaded =
        store.project(projectId).map(pr -> new ProjectRef(pr.id(), pr.workspaceId()));
    projects.put(projectId, loaded);
    if (epoch.get() != before) {
      projects.asMap().remove(projectId, loaded);
    }
    return loaded.orElse(null);
  }

  @Override
  public ResolvedMembership findMembership(String workspaceId, String userId) {
    MemberKey k = new MemberKey(workspaceId, userId);
    Optional<ResolvedMembership> m = memberships.getIfPresent(k);
    if (m != null) {
      return m.orElse(null);
    }
    long before = epoch.get();
    storeReads.increment();
    Optional<ResolvedMembership> loaded =
        store.membership(workspaceId, userId).map(ms -> ResolvedMembership.of(ms, model));
    memberships.put(k, loaded);
    if (epoch.get() != before) {
      memberships.asMap().remove(k, loaded);
    }
    return loaded.orElse(null);
  }

  /**
   * The instance of {@code value} that cached keys share: an equal one already held, else {@code
   * value} itself (then held). Bounded, so a population with more distinct scope lists than that
   * only shares less.
   */
  private Object canonical(Object value) {
    return shared.get(value, v -> v);
  }

  /** How many times this cache has read the store since it was made. */
  public long storeReads() {
    return storeReads.sum();
  }

  /** Number of keys cached now (approximate). */
  public long cachedKeyCount() {
    return keys.estimatedSize();
  }

  // ---- invalidation API ----

  /** Drops one key, by id and, when known, by hash. */
  public void invalidateKey(String keyId, KeyHash hash) {
    epoch.incrementAndGet();
    if (hash != null) {
      keys.invalidate(hash);
      unknown.invalidate(hash);
    }
    if (keyId != null) {
      keys.asMap().values().removeIf(k -> keyId.equals(k.key().id()));
    }
  }

  /** Drops every cached operator key (and nothing else), by the hashes they were cached under. */
  public void invalidateOperatorKeys() {
    epoch.incrementAndGet();
    for (KeyHash h : operatorHashes) {
      operatorHashes.remove(h);
      keys.invalidate(h);
    }
  }

  /** Drops a user's keys and memberships. */
  public void invalidateUser(String userId) {
    epoch.incrementAndGet();
    keys.asMap().values().removeIf(k -> userId.equals(k.key().ownerUserId()));
    memberships.asMap().keySet().removeIf(k -> k.userId().equals(userId));
  }

  /** Drops one membership. */
  public void invalidateMembership(String workspaceId, String userId) {
    epoch.incrementAndGet();
    memberships.invalidate(new MemberKey(workspaceId, userId));
  }

  /** Drops a project and its project keys. */
  public void invalidateProject(String projectId) {
    epoch.incrementAndGet();
    projects.invalidate(projectId);
    keys.asMap().values().removeIf(k -> projectId.equals(k.key().ownerProjectId()));
  }

  /**
   * Drops the workspace's standing, by id (no scan): its keys' next decision reads whether it is
   * suspended. A deleted workspace's keys, projects and memberships are announced one by one.
   */
  public void invalidateWorkspace(String workspaceId) {
    epoch.incrementAndGet();
    standings.invalidate(workspaceId);
  }

  /** Drops everything. */
  public void invalidateAll() {
    epoch.incrementAndGet();
    keys.invalidateAll();
    operatorHashes.clear();
    unknown.invalidateAll();
    projects.invalidateAll();
    memberships.invalidateAll();
    standings.invalidateAll();
  }

  // ---- StoreListener ----

  @Override
  public void keyChanged(String keyId, KeyHash hash) {
    invalidateKey(keyId, hash);
  }

  @Override
  public void userChanged(String userId) {
    invalidateUser(userId);
  }

  @Override
  public void membershipChanged(String workspaceId, String userId) {
    invalidateMembership(workspaceId, userId);
  }

  @Override
  public void projectChanged(String projectId) {
    invalidateProject(projectId);
  }

  @Override
  public void workspaceChanged(String workspaceId) {
    invalidateWorkspace(workspaceId);
  }

  /** Cache key of a membership; both strings cache their hash codes, so hashing is cheap. */
  private record MemberKey(String workspaceId, String userId) {}
}
