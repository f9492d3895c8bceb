package io.keywarden.server.ratelimit;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.RateLimitHeaders;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePlans;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.config.RateLimitConfig;
import io.keywarden.store.Store;
import io.keywarden.store.StoreListener;
import io.keywarden.store.ratelimit.RateLimitOverride;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The server's one entry to rate limits: which policies apply to a request (by the workspace's
 * plan, the key's type and environment, the route group, and overrides), the backend that counts
 * them, the failed-authentication guard per client IP, the management API's limit per operator
 * key, and the response headers.
 *
 * <p>Workspace plans are read from the store once and kept until the store says the workspace
 * changed ({@link StoreListener#workspaceChanged}); {@link #cachedPlan} never reads the store, so
 * the event loop can call it, and {@link #loadPlan} (which may) runs on a worker.
 */
public final class RateLimits implements StoreListener, AutoCloseable {
  /** Most client IPs remembered as blocked at once; beyond, the limiter alone still rejects. */
  static final int MAX_BLOCKED = 100_000;

  private final RateLimitConfig config;
  private final Limiter limiter;
  private final LocalRateLimiter perNode;
  private final Store store;
  private final LongSupplier micros;
  private final RatePlans plans;
  private final RateLimitHeaders headers;
  private final List<RatePolicy> failedAuth;
  private final List<RatePolicy> management;
  private final ConcurrentHashMap<String, WorkspaceLimits> workspaces = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<RateLimitOverride>> parsedOverrides = new ConcurrentHashMap<>();
  private final java.util.Set<String> skippedOverrides = ConcurrentHashMap.newKeySet();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RateLimits.class);

  /** What the limits of a workspace's requests depend on: its plan and its overrides. */
  public record WorkspaceLimits(String plan, List<RatePolicy> overrides) {}
  private final ConcurrentHashMap<String, Long> blockedUntil = new ConcurrentHashMap<>();

  /**
   * @param limiter the backend that counts gateway and verify requests and failed authentications
   * @param perNode counts management API calls on this node (the management API decides
   *     synchronously, on worker threads and on the event loop alike)
   */
  public RateLimits(RateLimitConfig config, Limiter limiter, LocalRateLimiter perNode, Store store, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.perNode = Objects.requireNonNull(perNode, "perNode");
    this.store = Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    this.micros = () -> {
      var i = clock.instant();
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    };
    this.plans = config.plans();
    this.headers = config.headers();
    this.failedAuth = config.failedAuth() == null ? List.of() : List.of(config.failedAuth());
    this.management = config.management() == null ? List.of() : List.of(config.management());
  }

  /**
   * The rate limits of a node: the configured backend counting gateway and verify requests, an
   * in-process limiter for the management API, and {@code kw}'s store for workspace plans. The
   * caller registers the result as a store listener.
   */
  public static RateLimits create(io.vertx.core.Vertx vertx, RateLimitConfig config,
      io.keywarden.store.service.Keywarden kw) {
    Clock clock = kw.clock();
    LocalRateLimiter local = LocalRateLimiter.builder().clock(clock).maxCounters(config.maxCounters())
        .quotaLedger(kw.quotaLedger()).build();
    Limiter limiter;
    if (config.backend() == RateLimitConfig.Backend.REDIS) {
      var options = io.keywarden.server.ratelimit.redis.RedisLimiter.Options.of(config.redisUrl())
          .withTimeout(config.redisTimeout())
          .withOnFailure(config.onFailure() == RateLimitConfig.OnFailure.REFUSE
              ? io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure.REFUSE
              : io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure.LOCAL);
      limiter = new io.keywarden.server.ratelimit.redis.RedisLimiter(vertx, options, clock, kw.quotaLedger(), local);
    } else {
      limiter = new LocalLimiter(local);
    }
    LocalRateLimiter perNode = LocalRateLimiter.builder().clock(clock).build();
    return new RateLimits(config, limiter, perNode, kw.store(), clock);
  }

  /** The configuration in force. */
  public RateLimitConfig config() {
    return config;
  }

  /** The counting backend. */
  public Limiter limiter() {
    return limiter;
  }

  /** The plans and their policies. */
  public RatePlans plans() {
    return plans;
  }

  // ---- Policies of a request ---------------------------------------------------------------

  /** The request's values for every dimension, from an accepted key's decision. */
  public static RateSubject subject(Decision d, String clientIp, String routeGroup) {
    ApiKey k = d.key();
    return new RateSubject(k.id(), k.ownerUserId(), d.projectId(), k.workspaceId(), clientIp,
        k.environment(), routeGroup);
  }

  /** The values of a request without a key (a route with authentication none or optional). */
  public static RateSubject anonymous(String clientIp, String routeGroup) {
    return new RateSubject(null, null, null, null, clientIp, null, routeGroup);
  }

  /** The plan and overrides of {@code workspaceId} if known without reading the store, else {@code null}. */
  public WorkspaceLimits cachedWorkspace(String workspaceId) {
    return workspaces.get(workspaceId);
  }

  /** The plan and overrides of {@code workspaceId}, read from the store if needed: call off the event loop. */
  public WorkspaceLimits loadWorkspace(String workspaceId) {
    WorkspaceLimits cached = workspaces.get(workspaceId);
    if (cached != null) {
      return cached;
    }
    Optional<Workspace> w = store.workspace(workspaceId);
    String plan = w.map(Workspace::plan).orElse(plans.defaultPlan().name());
    List<RatePolicy> overrides = w.map(ws -> resolve(plan, ws.rateLimits())).orElse(List.of());
    WorkspaceLimits out = new WorkspaceLimits(plan, overrides);
    if (w.isPresent()) {
      workspaces.put(workspaceId, out);
    }
    return out;
  }

  /** Stored overrides as policies, against the policies of {@code plan} they may replace. */
  List<RatePolicy> resolve(String plan, String overridesJson) {
    if (overridesJson == null) {
      return List.of();
    }
    List<RateLimitOverride> parsed = parsedOverrides.get(overridesJson);
    if (parsed == null) {
      parsed = RateLimitOverride.parse(overridesJson);
      if (parsedOverrides.size() < 10_000) {
        parsedOverrides.put(overridesJson, parsed);
      }
    }
    List<RatePolicy> out = new java.util.ArrayList<>(parsed.size());
    for (RateLimitOverride o : parsed) {
      try {
        out.addAll(RateLimitOverride.toPolicies(List.of(o), name -> policyNamed(plan, name)));
      } catch (IllegalArgumentException e) {
        // Refused when set (checkOverrides); one stored before a plan changed is skipped, not fatal.
        if (skippedOverrides.add(plan + "|" + o.name())) {
          LOG.warn("rate-limit override \"{}\" cannot apply on plan {} and is ignored: {}", o.name(), plan,
              e.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * Checks overrides (JSON as the API received it) against the policies of {@code plan} they
   * replace: a limit the policy's window cannot hold is refused with 400 naming {@code
   * rate_limits}, before anything is stored.
   */
  public void checkOverrides(String plan, String overridesJson) {
    if (overridesJson == null || overridesJson.equals("null")) {
      return;
    }
    String canonical = RateLimitOverride.canonical(overridesJson, "rate_limits");
    if (canonical == null) {
      return;
    }
    List<RateLimitOverride> parsed = RateLimitOverride.parse(canonical);
    for (int i = 0; i < parsed.size(); i++) {
      RateLimitOverride o = parsed.get(i);
      try {
        o.toPolicy(o.window() == null ? policyNamed(plan, o.name()) : null);
      } catch (IllegalArgumentException e) {
        throw io.keywarden.core.errors.KeywardenException.invalid("rate_limits",
            "rate_limits[" + i + "]: " + e.getMessage() + ".");
      }
    }
  }

  /** The common or plan policy named {@code name}, or {@code null}. */
  RatePolicy policyNamed(String plan, String name) {
    for (RatePolicy p : plans.common()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    var pl = plans.plan(plan);
    for (RatePolicy p : (pl == null ? plans.defaultPlan() : pl).policies()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The policies for a request with the accepted key {@code key} of a workspace with {@code w}. */
  public List<RatePolicy> policies(WorkspaceLimits w, ApiKey key, RateSubject subject) {
    List<RatePolicy> keyOverrides = key.rateLimits() == null ? List.of() : resolve(w.plan(), key.rateLimits());
    if (w.overrides().isEmpty() && keyOverrides.isEmpty()) {
      return plans.select(w.plan(), key.type(), subject);
    }
    return plans.select(w.plan(), key.type(), subject, w.overrides(), keyOverrides);
  }

  /**
   * Every policy that may apply to requests of a workspace with {@code w} (and of {@code key},
   * when given), overrides applied, before filtering by request: for the usage endpoints.
   */
  public List<RatePolicy> candidates(WorkspaceLimits w, ApiKey key) {
    List<RatePolicy> out = new java.util.ArrayList<>(plans.common());
    var pl = plans.plan(w.plan());
    out.addAll((pl == null ? plans.defaultPlan() : pl).policies());
    applyOverrides(out, w.overrides());
    if (key != null && key.rateLimits() != null) {
      applyOverrides(out, resolve(w.plan(), key.rateLimits()));
    }
    return out;
  }

  private static void applyOverrides(List<RatePolicy> out, List<RatePolicy> overrides) {
    for (RatePolicy o : overrides) {
      boolean replaced = false;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).name().equals(o.name())) {
          out.set(i, o);
          replaced = true;
          break;
        }
      }
      if (!replaced) {
        out.add(o);
      }
    }
  }

  /** The policies for a request without a key: common policies that count it (per client IP, say). */
  public List<RatePolicy> anonymousPolicies(RateSubject subject) {
    List<RatePolicy> out = null;
    for (RatePolicy p : plans.common()) {
      if (p.appliesTo().matches(null, null, subject.routeGroup()) && p.counts(subject)) {
        if (out == null) {
          out = new java.util.ArrayList<>(2);
        }
        out.add(p);
      }
    }
    return out == null ? List.of() : out;
  }

  /** Checks and counts a request against {@code policies}. */
  public Future<RateOutcome> check(List<RatePolicy> policies, RateSubject subject) {
    return limiter.check(policies, subject, 1);
  }

  /** The state of {@code policies} for {@code subject}, counting nothing. */
  public Future<RateOutcome> peek(List<RatePolicy> policies, RateSubject subject) {
    return limiter.peek(policies, subject, 1);
  }

  /** Current usage of {@code policies} for {@code subject}. */
  public Future<List<PolicyUsage>> usage(List<RatePolicy> policies, RateSubject subject) {
    return limiter.usage(policies, subject);
  }

  // ---- Failed authentication per client IP ---------------------------------------------------

  /** Whether failed authentications are limited. */
  public boolean guardsFailedAuth() {
    return !failedAuth.isEmpty();
  }

  /**
   * Whether a refusal counts against the client's failed-authentication budget: every 401 but a
   * missing key (which guesses nothing).
   */
  public static boolean isFailedAuthentication(io.keywarden.core.decision.DecisionStatus status) {
    return status != io.keywarden.core.decision.DecisionStatus.MISSING && status.error() != null
        && status.error().httpStatus() == 401;
  }

  /**
   * A rejection if {@code clientIp} has used up its failed-authentication budget, else {@code
   * null}. One map lookup; never reads the store.
   *
   * <p>What the budget limits is failures, not the client: callers (the gateway, the management
   * and verify APIs) still decide such a client's credential against the cache alone, serve a
   * valid key the cache knows, and answer this rejection for a key the cache does not know (no
   * store lookup: that keeps floods off the store) and for every invalid key. So one client with
   * a stale key behind a shared address (a load balancer, a NAT) locks out no other client. The
   * difference in answers (429 for a key the cache does not know, success for one it knows) helps
   * no guesser: a key carries about 178 random bits, and a guess the cache knows is a guess that
   * was already right.
   */
  public RateOutcome blocked(String clientIp) {
    if (clientIp == null || blockedUntil.isEmpty()) {
      return null;
    }
    Long until = blockedUntil.get(clientIp);
    if (until == null) {
      return null;
    }
    long now = micros.getAsLong();
    if (now >= until) {
      blockedUntil.remove(clientIp, until);
      return null;
    }
    RatePolicy p = failedAuth.get(0);
    long wait = until - now;
    return new RateOutcome(false, p, p.limit(), 0, wait, wait, windowMicros(p), now);
  }

  /**
   * Counts a failed authentication from {@code clientIp}. When the budget is used up the outcome
   * is a rejection, and the client is blocked until it may try again.
   */
  public Future<RateOutcome> failedAuthentication(String clientIp) {
    if (failedAuth.isEmpty() || clientIp == null) {
      return Future.succeededFuture(RateOutcome.unlimited(micros.getAsLong()));
    }
    return limiter.check(failedAuth, anonymous(clientIp, null), 1).map(o -> {
      if (!o.allowed()) {
        if (blockedUntil.size() >= MAX_BLOCKED) {
          long now = micros.getAsLong();
          blockedUntil.values().removeIf(u -> u <= now);
        }
        if (blockedUntil.size() < MAX_BLOCKED) {
          blockedUntil.merge(clientIp, o.decidedAtMicros() + o.retryAfterMicros(), Math::max);
        }
      }
      return o;
    });
  }

  /**
   * Counts a failed authentication from {@code clientIp} on this node, deciding at once (for the
   * management API, which decides synchronously).
   */
  public RateOutcome failedAuthenticationHere(String clientIp) {
    if (failedAuth.isEmpty() || clientIp == null) {
      return RateOutcome.unlimited(micros.getAsLong());
    }
    RateOutcome o = perNode.check(failedAuth, anonymous(clientIp, null), 1);
    if (!o.allowed() && blockedUntil.size() < MAX_BLOCKED) {
      blockedUntil.merge(clientIp, o.decidedAtMicros() + o.retryAfterMicros(), Math::max);
    }
    return o;
  }

  // ---- Management API ------------------------------------------------------------------------

  /** Checks and counts one management API call by the operator key {@code keyId} (per node). */
  public RateOutcome managementCall(String keyId) {
    if (management.isEmpty()) {
      return RateOutcome.unlimited(micros.getAsLong());
    }
    return perNode.check(management, new RateSubject(keyId, null, null, null, null, null, null), 1);
  }

  // ---- Headers -------------------------------------------------------------------------------

  /** Writes the outcome's headers ({@code X-RateLimit-*}, the IETF pair, {@code Retry-After}). */
  public void writeHeaders(MultiMap out, RateOutcome outcome) {
    if (outcome == null || !outcome.limited()) {
      return;
    }
    for (RateLimitHeaders.Header h : headers.format(outcome)) {
      out.set(h.name(), h.value());
    }
  }

  /** The message of a 429: names the policy and when to come back. */
  public static String message(RateOutcome o) {
    long seconds = RateLimitHeaders.retryAfterSeconds(o);
    if (o.policy().isQuota()) {
      return "The quota \"" + o.policy().name() + "\" of " + o.limit()
          + " requests is used up for this period; it renews in " + seconds + " s.";
    }
    return "Rate limit \"" + o.policy().name() + "\" of " + o.limit() + " requests per "
        + describe(o.windowMicros()) + " exceeded; retry after " + seconds + " s.";
  }

  private static String describe(long windowMicros) {
    long s = windowMicros / 1_000_000L;
    if (windowMicros % 1_000_000L != 0) {
      return (windowMicros / 1000) + " ms";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 == 1 ? "day" : (s / 86_400) + " days";
    }
    if (s % 3600 == 0) {
      return s / 3600 == 1 ? "hour" : (s / 3600) + " hours";
    }
    if (s % 60 == 0) {
      return s / 60 == 1 ? "minute" : (s / 60) + " minutes";
    }
    return s == 1 ? "second" : s + " seconds";
  }

  private static long windowMicros(RatePolicy p) {
    return p.window() instanceof io.keywarden.core.ratelimit.RateWindow.Rolling r ? r.micros() : 0;
  }

  // ---- Invalidation --------------------------------------------------------------------------

  @Override
  public void workspaceChanged(String workspaceId) {
    workspaces.remove(workspaceId);
  }

  /** Forgets every cached plan (a cluster-wide invalidation). */
  public void invalidateAll() {
    workspaces.clear();
  }

  /** Blocked client IPs, for tests and metrics. */
  Map<String, Long> blockedClients() {
    return blockedUntil;
  }

  @Override
  public void close() {
    limiter.close();
  }
}
