package io.keywarden.core.decision;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.net.CidrBlock;
import io.keywarden.core.net.IpAddress;
import io.keywarden.core.net.OriginPattern;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.scopes.ScopeSet;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A stored key compiled for the verify path: grant bitset, parsed CIDR blocks and origin
 * patterns. Caches hold these, so compiling happens once per load, not per request.
 *
 * <p>It also carries the second of its last recorded use, so that recording {@code last_used_at}
 * costs one compare (and one CAS per key per second), not a map write per request.
 */
public final class ResolvedKey {
  private static final VarHandle LAST_USE;

  static {
    try {
      LAST_USE = MethodHandles.lookup().findVarHandle(ResolvedKey.class, "lastUseSecond", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ApiKey key;
  private final ScopeSet grant;
  private final CidrBlock[] allowedIps;
  private final OriginPattern[] allowedOrigins;
  @SuppressWarnings("unused") // accessed through LAST_USE
  private volatile long lastUseSecond;
  private volatile MembershipMemo membershipMemo;
  private volatile Object rendering;

  /**
   * The owner's membership as a directory last found it, stamped with the directory's
   * invalidation epoch at the time; {@code value} is {@code null} when the owner was no member.
   */
  public record MembershipMemo(long epoch, ResolvedMembership value) {}

  private ResolvedKey(ApiKey key, ScopeSet grant, CidrBlock[] ips, OriginPattern[] origins) {
    this.key = key;
    this.grant = grant;
    this.allowedIps = ips;
    this.allowedOrigins = origins;
    this.lastUseSecond = key.lastUsedAt() == null ? Long.MIN_VALUE : key.lastUsedAt().getEpochSecond();
  }

  /**
   * Compiles a stored key. Scopes the vocabulary no longer defines are ignored (the key simply
   * no longer has them), and so are allow-list entries that no longer parse.
   */
  public static ResolvedKey of(ApiKey key, AccessModel model) {
    return of(key, model, UnaryOperator.identity());
  }

  /**
   * Compiles a stored key for a cache that holds many: values that many keys share (workspace,
   * owner, environment, prefix, creator, metadata and name text, scope lists, the compiled grant)
   * are replaced by one canonical instance each, so a million cached keys of a few thousand
   * workspaces do not hold a million copies of the same strings and sets. Strings are interned
   * (the JVM's string table drops what nothing references any more); lists and grants go through
   * {@code canonical}, which returns an equal instance it already holds, or its argument.
   *
   * @param hash the instance to keep as the key's hash: pass the cache's own key so that entry and
   *     value share it ({@code null} keeps the stored key's)
   * @param canonical a canonicalizing map for immutable lists and {@link ScopeSet}s; it must
   *     return a value equal to its argument
   */
  public static ResolvedKey compact(ApiKey key, KeyHash hash, AccessModel model, UnaryOperator<Object> canonical) {
    ApiKey k = new ApiKey(key.id(), intern(key.name()), key.kind(), key.type(), intern(key.environment()),
        intern(key.workspaceId()), intern(key.ownerUserId()), intern(key.ownerProjectId()),
        canonicalList(key.scopes(), canonical), canonicalList(key.projectIds(), canonical),
        canonicalList(key.allowedIps(), canonical), canonicalList(key.allowedOrigins(), canonical),
        intern(key.metadata()), intern(key.prefix()), key.display(),
        hash != null && hash.equals(key.hash()) ? hash : key.hash(), key.hashVersion(), key.expiresAt(),
        key.createdAt(), intern(key.createdBy()), key.lastUsedAt(), key.revokedAt(), key.enabled(),
        key.replacesKeyId(), key.replacedByKeyId(), key.rateLimits() == null ? null : key.rateLimits().intern());
    return of(k, model, canonical);
  }

  private static String intern(String s) {
    return s == null ? null : s.intern();
  }

  @SuppressWarnings("unchecked")
  private static List<String> canonicalList(List<String> list, UnaryOperator<Object> canonical) {
    if (list.isEmpty()) {
      return List.of();
    }
    List<String> interned = new ArrayList<>(list.size());
    for (String s : list) {
      interned.add(s.intern());
    }
    return (List<String>) canonical.apply(List.copyOf(interned));
  }

  private static ResolvedKey of(ApiKey key, AccessModel model, UnaryOperator<Object> canonical) {
    ScopeSet grant;
    if (key.kind() == KeyKind.PROJECT) {
      grant = model.scopes().all();
    } else {
      ScopeVocabulary vocabulary = key.kind() == KeyKind.OPERATOR ? model.operatorScopes() : model.scopes();
      List<String> known = key.scopes().stream().filter(vocabulary::isValidGrant).toList();
      grant = vocabulary.grant(known);
    }
    List<CidrBlock> ips = new ArrayList<>();
    for (String c : key.allowedIps()) {
      try {
        ips.add(CidrBlock.parse(c, "allowed_ips"));
      } catch (RuntimeException ignored) {
        // An entry that no longer parses allows nothing.
      }
    }
    List<OriginPattern> origins = new ArrayList<>();
    for (String o : key.allowedOrigins()) {
      try {
        origins.add(OriginPattern.parse(o, "allowed_origins"));
      } catch (RuntimeException ignored) {
        // An entry that no longer parses allows nothing.
      }
    }
    boolean ipListGiven = !key.allowedIps().isEmpty();
    boolean originListGiven = !key.allowedOrigins().isEmpty();
    grant = (ScopeSet) canonical.apply(grant);
    return new ResolvedKey(key, grant,
        ipListGiven ? ips.toArray(new CidrBlock[0]) : null,
        originListGiven ? origins.toArray(new OriginPattern[0]) : null);
  }

  /** The stored key. */
  public ApiKey key() {
    return key;
  }

  /** The scopes the key itself grants (all, for project keys). */
  public ScopeSet grant() {
    return grant;
  }

  boolean isRevoked() {
    return key.revokedAt() != null;
  }

  boolean isExpired(long nowMillis) {
    // Read from the key rather than copied into two fields: 16 bytes less per cached key.
    Instant expiresAt = key.expiresAt();
    return expiresAt != null && nowMillis >= expiresAt.toEpochMilli();
  }

  /** Whether the key has an IP allow-list. */
  boolean hasIpAllowList() {
    return allowedIps != null;
  }

  boolean ipAllowed(String clientIp) {
    IpAddress addr = IpAddress.parse(clientIp);
    if (addr == null) {
      return false;
    }
    for (CidrBlock b : allowedIps) {
      if (b.contains(addr)) {
        return true;
      }
    }
    return false;
  }

  boolean hasOriginAllowList() {
    return allowedOrigins != null;
  }

  boolean originAllowed(String origin) {
    for (OriginPattern p : allowedOrigins) {
      if (p.matches(origin)) {
        return true;
      }
    }
    return false;
  }

  /** The remembered owner membership, or {@code null}; see {@link AccessDirectory#findOwnerMembership}. */
  public MembershipMemo membershipMemo() {
    return membershipMemo;
  }

  /**
   * A serving layer's rendering of this key (e.g. its JSON), remembered here because the key is
   * immutable: a change to the key loads a new {@code ResolvedKey}. {@code null} until set.
   */
  public Object rendering() {
    return rendering;
  }

  /** Remembers a rendering of this key; see {@link #rendering()}. */
  public void rememberRendering(Object r) {
    this.rendering = r;
  }

  /** Remembers the owner membership a directory found. */
  public void rememberMembership(MembershipMemo memo) {
    this.membershipMemo = memo;
  }

  /**
   * Records a use at {@code epochSecond}. Returns {@code true} exactly once per key per second in
   * which it was used, so the caller queues a {@code last_used_at} write only then.
   */
  public boolean markUsed(long epochSecond) {
    long prev = (long) LAST_USE.getVolatile(this);
    return prev < epochSecond && LAST_USE.compareAndSet(this, prev, epochSecond);
  }

  @Override
  public String toString() {
    return "ResolvedKey[" + key + "]";
  }
}
