package io.keywarden.server.gateway;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.routes.Authentication;
import io.keywarden.core.routes.CredentialSource;
import io.keywarden.core.routes.ProjectRule;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.store.cache.CacheOnlyDirectory;
import io.keywarden.server.http.Bearer;
import io.keywarden.server.http.Headers;
import io.keywarden.server.ratelimit.RateLimits;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's per-request work as a chain of named {@link Stage}s over one {@link Exchange} per
 * request, assembled in one place ({@link #chain}) and read top to bottom: route (request target
 * checks, CORS preflight, route match), credential, client address, decide (client IP and origin,
 * project, allow-list, scopes: the decision engine's order), limit (rate limits and quotas through
 * {@link RateLimits#admit}: last, counted only when everything else passed; all applicable
 * policies or none), forward with the caller's identity, and record (the key's last use, never
 * for a refused request). Each stage continues, answers, or continues asynchronously and resumes
 * the chain when its work completes.
 *
 * <p>A client IP that has used up its failed-authentication budget is refused with 429 before its
 * credential is looked up in the store; each 401 other than a missing key counts against that
 * budget.
 *
 * <p>The verification runs on the event loop against the cache only; when something must be read
 * from the store, the same verification moves to a worker thread and the chain continues when it
 * returns. The request is paused first, so no body byte is lost meanwhile. Every denial is
 * answered in the route's error style with its stable reason code, counted by that code in {@link
 * #denials()}, and logged at debug level with the reason and the key's id, never the key.
 */
public final class Gateway implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /**
   * What a reload swaps as one: the configuration, the forwarder for its upstreams, and per route
   * what forwarding needs computed once ({@link RoutePlan}).
   */
  record State(GatewayConfig config, Forwarder forwarder, ClientAddress clients,
      Map<Route, RoutePlan> plans) {}

  /**
   * Per route, computed at load: the lower-case names of the credential headers removed before
   * forwarding; the canonical name ({@link QueryString#canonical}) of each credential source that
   * is a query parameter, aligned with the route's sources ({@code null} for the others); those
   * names again when the route strips its credential, and always the method-override parameter
   * {@value #METHOD_OVERRIDE_PARAMETER}; and the path rewrite.
   */
  record RoutePlan(Set<String> strippedHeaders, String[] queryNames, String[] strippedQueryNames,
      PathRewrite rewrite) {}

  private static final String[] NO_NAMES = new String[0];

  /**
   * The query parameter through which Laravel, Symfony and Express's method-override let a POST
   * run as another method; compared like a query credential's name ({@link QueryString#canonical}),
   * and removed before forwarding, so the upstream runs the method the key was authorized for.
   */
  static final String METHOD_OVERRIDE_PARAMETER = "_method";

  private final Vertx vertx;
  private final Keywarden kw;
  private final CacheOnlyDirectory cacheOnly;
  private final AtomicReference<State> state = new AtomicReference<>();
  private final RateLimits limits;
  private final GatewayDenials denials = new GatewayDenials();

  /** A gateway without rate limits. */
  public Gateway(Vertx vertx, Keywarden kw, GatewayConfig config) {
    this(vertx, kw, config, RateLimits.none());
  }

  /** A gateway that enforces {@code limits} ({@code null} or {@link RateLimits#none()}: none). */
  public Gateway(Vertx vertx, Keywarden kw, GatewayConfig config, RateLimits limits) {
    this.vertx = vertx;
    this.kw = kw;
    this.limits = limits == null ? RateLimits.none() : limits;
    this.cacheOnly = new CacheOnlyDirectory(kw.cache());
    state.set(stateOf(config));
  }

  private State stateOf(GatewayConfig config) {
    Map<Route, RoutePlan> plans = new IdentityHashMap<>();
    for (Route r : config.routes().routes()) {
      Set<String> names = new HashSet<>();
      String[] queryNames = new String[r.credentials().size()];
      List<String> strippedQuery = new java.util.ArrayList<>();
      // A method override in the query is dropped like the override headers (security finding 10).
      strippedQuery.add(METHOD_OVERRIDE_PARAMETER);
      for (int i = 0; i < queryNames.length; i++) {
        CredentialSource c = r.credentials().get(i);
        if (c.kind() == CredentialSource.Kind.QUERY) {
          queryNames[i] = QueryString.canonical(c.name());
          if (r.stripCredential()) {
            strippedQuery.add(queryNames[i]);
          }
        } else if (r.stripCredential()) {
          names.add(c.name().toLowerCase(Locale.ROOT));
        }
      }
      plans.put(r, new RoutePlan(Set.copyOf(names), queryNames,
          strippedQuery.toArray(NO_NAMES), config.rewrite(r)));
    }
    return new State(config, new Forwarder(vertx, config.upstreams()), new ClientAddress(config.trustedProxies()),
        plans);
  }

  /**
   * Replaces routes, upstreams and styles for the requests that start from now on. Requests in
   * flight finish with what they started with, streams (server-sent events, WebSocket sessions,
   * long downloads) however long they last: the old forwarder is retired after {@link
   * #RETIRE_AFTER} (time for requests still being verified to reach it) and closes its connection
   * pools when its last exchange ends.
   */
  public void reload(GatewayConfig config) {
    State old = state.getAndSet(stateOf(config));
    long ms = retireAfter.toMillis();
    if (ms < 1) {
      old.forwarder().closeWhenIdle();
    } else {
      vertx.setTimer(ms, t -> old.forwarder().closeWhenIdle());
    }
  }

  /** How long a replaced forwarder takes new exchanges before it is retired. */
  public static final java.time.Duration RETIRE_AFTER = java.time.Duration.ofSeconds(60);

  private volatile java.time.Duration retireAfter = RETIRE_AFTER;

  /** Sets how long a replaced forwarder takes new exchanges (tests: zero, to retire it at once). */
  void retireAfter(java.time.Duration d) {
    this.retireAfter = d;
  }

  /** Refusals so far by stable reason code, for metrics. */
  public GatewayDenials denials() {
    return denials;
  }

  /** The configuration in force. */
  public GatewayConfig config() {
    return state.get().config();
  }

  // ---- The chain ---------------------------------------------------------------------------

  /**
   * The stages every request passes, in order. Each fills the {@link Exchange} for the ones after
   * it and answers {@link Stage.Outcome#CONTINUE}, {@link Stage.Outcome#ANSWERED} (it refused or
   * answered the request) or {@link Stage.Outcome#ASYNC} (it resumes the chain when its work
   * completes). Bound once, so running them allocates nothing.
   */
  private final Stage[] chain = {
      this::route,          // request target checks, CORS preflight, route match, error style
      this::credential,     // the key from the route's credential sources
      this::clientAddress,  // the client's IP behind trusted proxies
      this::decide,         // the decision engine (cache first, a worker on a miss)
      this::limit,          // rate limits and quotas: last, counted only when all else passed
      this::forward,        // to the upstream with the caller's identity
      this::record,         // the key's last use (observability adds its records here)
  };

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    proceed(new Exchange(req, state.get()));
  }

  /** Runs the stages from {@link Exchange#next} until one answers or continues elsewhere. */
  private void proceed(Exchange x) {
    while (x.next < chain.length) {
      if (chain[x.next++].run(x) != Stage.Outcome.CONTINUE) {
        return;
      }
    }
  }

  // ---- Route -------------------------------------------------------------------------------

  private Stage.Outcome route(Exchange x) {
    HttpServerRequest req = x.request;
    State s = x.state;
    String problem = RequestTarget.problem(req);
    if (problem != null) {
      refuseTarget(req, s, problem);
      return Stage.Outcome.ANSWERED;
    }
    if (isPreflight(req)) {
      preflight(req, s);
      return Stage.Outcome.ANSWERED;
    }
    RouteMatch match = s.config().routes().match(req.method().name(), host(req), RequestTarget.path(req));
    if (!(match instanceof RouteMatch.Matched matched)) {
      refuseUnmatched(req, s, match);
      return Stage.Outcome.ANSWERED;
    }
    x.match = matched;
    x.route = matched.route();
    x.plan = s.plans().get(x.route);
    x.style = s.config().style(x.route.errorStyle());
    return Stage.Outcome.CONTINUE;
  }

  // ---- Credential --------------------------------------------------------------------------

  /** Read for the decision, and for the forwarded target when the route strips a query credential. */
  private Stage.Outcome credential(Exchange x) {
    if (x.route.authentication() != Authentication.NONE || x.route.stripCredential()) {
      x.credential = credential(x.request, x.route, x.plan);
    }
    return Stage.Outcome.CONTINUE;
  }

  // ---- Client address ----------------------------------------------------------------------

  private Stage.Outcome clientAddress(Exchange x) {
    x.client = x.state.clients().resolve(x.request);
    return Stage.Outcome.CONTINUE;
  }

  // ---- Decide ------------------------------------------------------------------------------

  /**
   * Verifies the key against the cache on the event loop; on a cache miss the same verification
   * runs on a worker (which also loads the workspace's limits, being there) and the chain resumes
   * when it returns. A route without authentication continues without a decision.
   */
  private Stage.Outcome decide(Exchange x) {
    Route route = x.route;
    if (route.authentication() == Authentication.NONE) {
      return Stage.Outcome.CONTINUE;
    }
    HttpServerRequest req = x.request;
    // A client over its failed-authentication budget is still served with a valid key the cache
    // knows (the budget limits failures), but gets no store lookups.
    x.blocked = limits.blocked(x.client.client());
    x.verify = new VerifyRequest(x.credential, projectId(req, route, x.match), route.project().selection(),
        route.requirementFor(req.method().name()), x.client.client(), req.getHeader("Origin"), route.isPublic());
    Decision d;
    try {
      d = kw.decide(x.verify, cacheOnly);
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      if (x.blocked != null) {
        tooMany(x, x.blocked);
        return Stage.Outcome.ANSWERED;
      }
      vertx.executeBlocking(() -> {
        Decision decided = kw.decide(x.verify, kw.cache());
        if (decided.isValid()) {
          limits.loadWorkspace(decided.key().workspaceId()); // while on a worker anyway
        }
        return decided;
      }, false).onComplete(ar -> {
        if (ar.failed()) {
          LOG.error("verification failed for {} {}", req.method(), route.id(), ar.cause());
          req.resume();
          x.style.write(req.response(), ErrorCode.SERVICE_UNAVAILABLE, "Keys cannot be checked right now.", null);
        } else if (judge(x, ar.result()) == Stage.Outcome.CONTINUE) {
          proceed(x);
        }
      });
      return Stage.Outcome.ASYNC;
    }
    return judge(x, d);
  }

  /** The decision taken: deny, or go on anonymously (optional routes), or go on with the key. */
  private Stage.Outcome judge(Exchange x, Decision d) {
    Route route = x.route;
    if (!d.isValid()) {
      if (d.status() == DecisionStatus.MISSING && route.authentication() == Authentication.OPTIONAL) {
        return Stage.Outcome.CONTINUE; // without a decision: limited and forwarded as anonymous
      }
      if (RateLimits.isFailedAuthentication(d.status())) {
        Future<RateOutcome> f = limits.failedAuthentication(x.client.client());
        whenDone(f, ar -> {
          if (ar.succeeded() && !ar.result().allowed()) {
            tooMany(x, ar.result());
            return;
          }
          if (ar.succeeded()) {
            limits.writeHeaders(x.request.response().headers(), ar.result());
          }
          deny(x.request, route, x.style, d.status(), d);
        });
        return f.isComplete() ? Stage.Outcome.ANSWERED : Stage.Outcome.ASYNC;
      }
      return denyWithLimits(x, d.status(), d);
    }
    if (!route.accepts(d.key().type())) {
      return denyWithLimits(x, DecisionStatus.PUBLISHABLE_NOT_ALLOWED, d);
    }
    x.decision = d;
    return Stage.Outcome.CONTINUE;
  }

  /**
   * A refusal of a known key (403, 404, 400): the answer still carries the key's rate-limit state,
   * read without counting (refused requests never count), when its workspace's limits are cached.
   */
  private Stage.Outcome denyWithLimits(Exchange x, DecisionStatus status, Decision d) {
    HttpServerRequest req = x.request;
    if (d.key() != null) {
      RateLimits.WorkspaceLimits w = limits.cachedWorkspace(d.key().workspaceId());
      if (w != null) {
        RateSubject subject = RateLimits.subject(d, x.client.client(), x.route.group());
        List<RatePolicy> policies = limits.policies(w, d.key(), subject);
        if (!policies.isEmpty()) {
          Future<RateOutcome> f = limits.peek(policies, subject);
          whenDone(f, ar -> {
            if (ar.succeeded()) {
              limits.writeHeaders(req.response().headers(), ar.result());
            }
            deny(req, x.route, x.style, status, d);
          });
          return f.isComplete() ? Stage.Outcome.ANSWERED : Stage.Outcome.ASYNC;
        }
      }
    }
    deny(req, x.route, x.style, status, d);
    return Stage.Outcome.ANSWERED;
  }

  // ---- Limit -------------------------------------------------------------------------------

  /**
   * Rate limits and quotas, after every other check passed: {@link RateLimits#admit} for the key
   * (its workspace's limits read on a worker first if not cached) or, without a key, for the
   * client.
   */
  private Stage.Outcome limit(Exchange x) {
    Decision d = x.decision;
    RateLimits.WorkspaceLimits w = null;
    if (d != null) {
      String workspace = d.key().workspaceId();
      w = limits.cachedWorkspace(workspace);
      if (w == null) {
        vertx.executeBlocking(() -> limits.loadWorkspace(workspace), false).onComplete(ar -> {
          if (ar.succeeded()) {
            if (limits.admit(ar.result(), d, x.client.client(), x.route.group(), x, admitted)
                && x.admitted == Stage.Outcome.CONTINUE) {
              proceed(x);
            }
          } else {
            LOG.error("plan lookup failed for workspace {}", workspace, ar.cause());
            x.request.resume();
            x.style.write(x.request.response(), ErrorCode.SERVICE_UNAVAILABLE,
                "Rate limits cannot be checked right now.", null);
          }
        });
        return Stage.Outcome.ASYNC;
      }
    }
    return limits.admit(w, d, x.client.client(), x.route.group(), x, admitted) ? x.admitted : Stage.Outcome.ASYNC;
  }

  private final RateLimits.Admitted<Exchange> admitted = this::admitted;

  /** The answer of {@link RateLimits#admit}: go on (with the limit's headers), 429, or 503. */
  private void admitted(Exchange x, RateLimits.Admission admission, RateOutcome o, boolean later) {
    switch (admission) {
      case UNLIMITED -> x.admitted = Stage.Outcome.CONTINUE;
      case ALLOWED -> {
        x.rate = o;
        limits.writeHeaders(x.request.response().headers(), o);
        x.admitted = Stage.Outcome.CONTINUE;
      }
      case REFUSED -> {
        tooMany(x, o);
        x.admitted = Stage.Outcome.ANSWERED;
      }
      case UNAVAILABLE -> {
        x.request.resume();
        x.style.write(x.request.response(), ErrorCode.RATE_LIMIT_UNAVAILABLE,
            "Rate limits cannot be checked right now.", null);
        x.admitted = Stage.Outcome.ANSWERED;
      }
    }
    if (later && x.admitted == Stage.Outcome.CONTINUE) {
      proceed(x);
    }
  }

  /** 429 in the route's style, with the limit's headers and {@code Retry-After}. */
  private void tooMany(Exchange x, RateOutcome o) {
    HttpServerRequest req = x.request;
    req.resume();
    denials.count(o.reason());
    limits.writeHeaders(req.response().headers(), o);
    if (LOG.isDebugEnabled()) {
      LOG.debug("gateway limited policy={} reason={}", o.policy().name(), o.reason());
    }
    x.style.write(req.response(), o.error(), RateLimits.message(o), o.reason());
  }

  /** Runs {@code then} now if {@code f} is complete (the local backend), else when it completes. */
  private static <T> void whenDone(Future<T> f, io.vertx.core.Handler<AsyncResult<T>> then) {
    if (f.isComplete()) {
      then.handle(f);
    } else {
      f.onComplete(then);
    }
  }

  // ---- Forward -----------------------------------------------------------------------------

  /**
   * Every check passed (and was counted): the request goes to the upstream with the caller's
   * identity and the target {@link ForwardedTarget} builds. A public route lets the browser read
   * the answer of a key whose origin allow-list passed.
   */
  private Stage.Outcome forward(Exchange x) {
    HttpServerRequest req = x.request;
    State s = x.state;
    Route route = x.route;
    Decision d = x.decision;
    if (d != null && route.isPublic()) {
      String origin = req.getHeader("Origin");
      if (origin != null) {
        req.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
      }
    }
    RoutePlan plan = x.plan;
    String rawPath = RequestTarget.path(req);
    String query = RequestTarget.query(req);
    String target = ForwardedTarget.of(RequestTarget.originForm(req), rawPath,
        plan.rewrite().isNone() ? null : io.keywarden.core.routes.RequestPath.parse(rawPath),
        query, plan.rewrite(), plan.strippedQueryNames(),
        query != null && route.stripCredential() ? x.credential : null);
    var spec = new Forwarder.Spec(x.client.forwardedFor(), plan.strippedHeaders(), s.config().identity().lowerPrefix(),
        s.config().identity().of(d), s.config().timeouts(route));
    s.forwarder().forward(req, route.upstream(), target, spec, x.style);
    return Stage.Outcome.CONTINUE;
  }

  // ---- Record ------------------------------------------------------------------------------

  /**
   * The key's use is recorded (batched, off the request path), never for a request that a check or
   * a rate limit refused: a refused request never reaches this stage.
   */
  private Stage.Outcome record(Exchange x) {
    if (x.decision != null) {
      kw.markUsed(x.decision);
    }
    return Stage.Outcome.CONTINUE;
  }

  // ---- Answers -----------------------------------------------------------------------------

  private void deny(HttpServerRequest req, Route route, ErrorStyle style, DecisionStatus status, Decision d) {
    req.resume();
    denials.count(status);
    String challenge = Bearer.challenge(status, null);
    if (challenge != null) {
      req.response().putHeader(Headers.WWW_AUTHENTICATE, challenge);
    }
    if (LOG.isDebugEnabled()) {
      var k = d == null ? null : d.key();
      LOG.debug("gateway denied route={} reason={} key={} display={}", route.id(), status.reason(),
          k == null ? "-" : k.id(), k == null ? "-" : k.display());
    }
    String message = d != null && d.status() == status ? d.message() : status.message();
    style.write(req.response(), status.error(), message, status.reason());
  }

  /** A request target or host that cannot be read one way only: 400 in the default style. */
  private void refuseTarget(HttpServerRequest req, State s, String reason) {
    req.resume();
    denials.count(reason);
    if (LOG.isDebugEnabled()) {
      LOG.debug("gateway refused the request target reason={}", reason);
    }
    s.config().style(null).write(req.response(), ErrorCode.INVALID_REQUEST,
        "The request target or Host header is not acceptable (" + reason + ").", reason);
  }

  private void refuseUnmatched(HttpServerRequest req, State s, RouteMatch match) {
    req.resume();
    ErrorStyle style = s.config().style(null);
    switch (match) {
      case RouteMatch.MethodNotAllowed m -> {
        denials.count("method_not_allowed");
        req.response().putHeader("Allow", m.allowHeader());
        style.write(req.response(), ErrorCode.METHOD_NOT_ALLOWED, "Method " + req.method() + " is not allowed here.", null);
      }
      case RouteMatch.BadPath b -> {
        denials.count(b.problem().code());
        style.write(req.response(), ErrorCode.INVALID_REQUEST,
            "The request path is not acceptable: " + b.problem().message(), b.problem().code());
      }
      default -> {
        denials.count("no_route");
        style.write(req.response(), ErrorCode.NOT_FOUND, "Not found.", null);
      }
    }
  }

  private static boolean isPreflight(HttpServerRequest req) {
    return req.method() == io.vertx.core.http.HttpMethod.OPTIONS && req.getHeader("Origin") != null
        && req.getHeader("Access-Control-Request-Method") != null;
  }

  /**
   * Answers a browser's CORS preflight for a public route: it carries no key, so it is judged by
   * the route alone; the real request that follows is checked in full, the key's allowed origins
   * included. Preflights for routes that are not public are refused with 403.
   */
  private void preflight(HttpServerRequest req, State s) {
    req.resume();
    String method = req.getHeader("Access-Control-Request-Method").trim();
    RouteMatch match = s.config().routes().match(method, host(req), RequestTarget.path(req));
    var out = req.response();
    if (!(match instanceof RouteMatch.Matched m) || !m.route().isPublic()) {
      denials.count("cors_not_allowed");
      ErrorStyle style = match instanceof RouteMatch.Matched mm ? s.config().style(mm.route().errorStyle()) : s.config().style(null);
      style.write(out, ErrorCode.FORBIDDEN, "Cross-origin requests are allowed only on public routes.", "cors_not_allowed");
      return;
    }
    List<String> headers = new java.util.ArrayList<>();
    for (CredentialSource c : m.route().credentials()) {
      if (c.kind() != CredentialSource.Kind.QUERY) {
        headers.add(c.name());
      }
    }
    headers.add("Content-Type");
    if (m.route().project().source() == ProjectRule.Source.HEADER) {
      headers.add(m.route().project().name());
    }
    out.setStatusCode(204)
        .putHeader("Access-Control-Allow-Origin", req.getHeader("Origin"))
        .putHeader("Access-Control-Allow-Methods", method)
        .putHeader("Access-Control-Allow-Headers", String.join(", ", headers))
        .putHeader("Access-Control-Max-Age", "600")
        .putHeader("Vary", "Origin")
        .end();
  }

  /**
   * The key from the route's credential sources, in order; {@code null} when there is none. A query
   * credential is read by {@link QueryString}, the parser that also removes it before forwarding.
   */
  private static String credential(HttpServerRequest req, Route route, RoutePlan plan) {
    List<CredentialSource> sources = route.credentials();
    for (int i = 0; i < sources.size(); i++) {
      CredentialSource c = sources.get(i);
      String v = switch (c.kind()) {
        case BEARER -> Bearer.token(req.getHeader(c.name()));
        case HEADER -> blankToNull(req.getHeader(c.name()));
        case QUERY -> QueryString.find(RequestTarget.query(req), plan.queryNames()[i]);
      };
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String projectId(HttpServerRequest req, Route route, RouteMatch.Matched m) {
    ProjectRule rule = route.project();
    return switch (rule.source()) {
      case HEADER -> blankToNull(req.getHeader(rule.name()));
      case PATH_PARAMETER -> m.params().get(rule.name());
      case NONE -> null;
    };
  }

  private static String host(HttpServerRequest req) {
    var authority = req.authority();
    return authority == null ? req.getHeader("Host") : authority.host();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Closes the connection pools. */
  public void close() {
    state.get().forwarder().close();
  }

  /** Names of the upstreams in force, for logs. */
  public List<String> upstreamNames() {
    return state.get().config().upstreams().stream().map(Upstream::name).toList();
  }
}
