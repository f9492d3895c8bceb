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
import io.keywarden.server.api.CacheOnlyDirectory;
import io.keywarden.server.config.GatewayConfig;
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
 * The gateway's per-request work, assembled in one place and read top to bottom in {@link
 * #handle}: match the route, extract the credential, resolve the client's address, verify the key
 * (client IP and origin, project, allow-list, scopes: the decision engine's order), rate limits
 * and quotas (last, counted only when everything else passed; all applicable policies or none),
 * forward with the caller's identity, and the decision is recorded (counts and last use) by {@link
 * Keywarden#verify}.
 *
 * <p>A client IP that has used up its failed-authentication budget is refused with 429 before its
 * credential is looked at; each 401 other than a missing key counts against that budget.
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
  private record State(GatewayConfig config, Forwarder forwarder, ClientAddress clients,
      Map<Route, RoutePlan> plans) {}

  /**
   * Per route, computed at load: the lower-case names of the credential headers removed before
   * forwarding; the canonical name ({@link QueryString#canonical}) of each credential source that
   * is a query parameter, aligned with the route's sources ({@code null} for the others); those
   * names again when the route strips its credential (else none); and the path rewrite.
   */
  private record RoutePlan(Set<String> strippedHeaders, String[] queryNames, String[] strippedQueryNames,
      PathRewrite rewrite) {}

  private static final String[] NO_NAMES = new String[0];

  private final Vertx vertx;
  private final Keywarden kw;
  private final CacheOnlyDirectory cacheOnly;
  private final AtomicReference<State> state = new AtomicReference<>();
  private final RateLimits limits;
  private final GatewayDenials denials = new GatewayDenials();

  /** A gateway without rate limits. */
  public Gateway(Vertx vertx, Keywarden kw, GatewayConfig config) {
    this(vertx, kw, config, null);
  }

  /** A gateway that enforces {@code limits} ({@code null}: none). */
  public Gateway(Vertx vertx, Keywarden kw, GatewayConfig config, RateLimits limits) {
    this.vertx = vertx;
    this.kw = kw;
    this.limits = limits;
    this.cacheOnly = new CacheOnlyDirectory(kw.cache());
    state.set(stateOf(config));
  }

  private State stateOf(GatewayConfig config) {
    Map<Route, RoutePlan> plans = new IdentityHashMap<>();
    for (Route r : config.routes().routes()) {
      Set<String> names = new HashSet<>();
      String[] queryNames = new String[r.credentials().size()];
      List<String> strippedQuery = new java.util.ArrayList<>();
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
          strippedQuery.isEmpty() ? NO_NAMES : strippedQuery.toArray(NO_NAMES), config.rewrite(r)));
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

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    State s = state.get();
    String problem = RequestTarget.problem(req);
    if (problem != null) {
      refuseTarget(req, s, problem);
      return;
    }
    if (isPreflight(req)) {
      preflight(req, s);
      return;
    }
    RouteMatch match = s.config().routes().match(req.method().name(), host(req), RequestTarget.path(req));
    if (!(match instanceof RouteMatch.Matched matched)) {
      refuseUnmatched(req, s, match);
      return;
    }
    Route route = matched.route();
    ErrorStyle style = s.config().style(route.errorStyle());
    ClientAddress.Resolved client = s.clients().resolve(req);
    if (route.authentication() == Authentication.NONE) {
      limitAnonymous(req, s, route, client, style);
      return;
    }
    if (limits != null) {
      RateOutcome blocked = limits.blocked(client.client());
      if (blocked != null) {
        tooMany(req, style, blocked);
        return;
      }
    }
    VerifyRequest vr = new VerifyRequest(credential(req, route, s.plans().get(route)), projectId(req, route, matched),
        route.project().selection(), route.requirementFor(req.method().name()), client.client(),
        req.getHeader("Origin"), route.isPublic());
    try {
      decided(req, s, route, client, style, kw.decide(vr, cacheOnly));
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      vertx.executeBlocking(() -> {
        Decision d = kw.decide(vr, kw.cache());
        if (limits != null && d.isValid()) {
          limits.loadWorkspace(d.key().workspaceId()); // while on a worker anyway
        }
        return d;
      }, false).onComplete(ar -> {
        if (ar.succeeded()) {
          decided(req, s, route, client, style, ar.result());
        } else {
          LOG.error("verification failed for {} {}", req.method(), route.id(), ar.cause());
          req.resume();
          style.write(req.response(), ErrorCode.SERVICE_UNAVAILABLE, "Keys cannot be checked right now.", null);
        }
      });
    }
  }

  /** After the decision: deny, or pass anonymously (optional routes), or limit and forward. */
  private void decided(HttpServerRequest req, State s, Route route, ClientAddress.Resolved client,
      ErrorStyle style, Decision d) {
    if (!d.isValid()) {
      if (d.status() == DecisionStatus.MISSING && route.authentication() == Authentication.OPTIONAL) {
        limitAnonymous(req, s, route, client, style);
        return;
      }
      if (limits != null && RateLimits.isFailedAuthentication(d.status())) {
        whenDone(limits.failedAuthentication(client.client()), ar -> {
          if (ar.succeeded() && !ar.result().allowed()) {
            tooMany(req, style, ar.result());
            return;
          }
          if (ar.succeeded()) {
            limits.writeHeaders(req.response().headers(), ar.result());
          }
          deny(req, route, style, d.status(), d);
        });
        return;
      }
      denyWithLimits(req, route, client, style, d.status(), d);
      return;
    }
    if (!route.accepts(d.key().type())) {
      denyWithLimits(req, route, client, style, DecisionStatus.PUBLISHABLE_NOT_ALLOWED, d);
      return;
    }
    // Rate limits and quotas: last, after every other check passed.
    if (limits != null) {
      String workspace = d.key().workspaceId();
      RateLimits.WorkspaceLimits w = limits.cachedWorkspace(workspace);
      if (w != null) {
        limit(req, s, route, d, client, style, w);
      } else {
        vertx.executeBlocking(() -> limits.loadWorkspace(workspace), false).onComplete(ar -> {
          if (ar.succeeded()) {
            limit(req, s, route, d, client, style, ar.result());
          } else {
            LOG.error("plan lookup failed for workspace {}", workspace, ar.cause());
            req.resume();
            style.write(req.response(), ErrorCode.SERVICE_UNAVAILABLE, "Rate limits cannot be checked right now.", null);
          }
        });
      }
      return;
    }
    pass(req, s, route, d, client, style);
  }

  /**
   * A refusal of a known key (403, 404, 400): the answer still carries the key's rate-limit state,
   * read without counting (refused requests never count), when its workspace's limits are cached.
   */
  private void denyWithLimits(HttpServerRequest req, Route route, ClientAddress.Resolved client, ErrorStyle style,
      DecisionStatus status, Decision d) {
    if (limits != null && d.key() != null) {
      RateLimits.WorkspaceLimits w = limits.cachedWorkspace(d.key().workspaceId());
      if (w != null) {
        RateSubject subject = RateLimits.subject(d, client.client(), route.group());
        List<RatePolicy> policies = limits.policies(w, d.key(), subject);
        if (!policies.isEmpty()) {
          whenDone(limits.peek(policies, subject), ar -> {
            if (ar.succeeded()) {
              limits.writeHeaders(req.response().headers(), ar.result());
            }
            deny(req, route, style, status, d);
          });
          return;
        }
      }
    }
    deny(req, route, style, status, d);
  }

  /** Counts an accepted request against every policy that applies to it, then passes or refuses it. */
  private void limit(HttpServerRequest req, State s, Route route, Decision d, ClientAddress.Resolved client,
      ErrorStyle style, RateLimits.WorkspaceLimits w) {
    RateSubject subject = RateLimits.subject(d, client.client(), route.group());
    List<RatePolicy> policies = limits.policies(w, d.key(), subject);
    if (policies.isEmpty()) {
      pass(req, s, route, d, client, style);
      return;
    }
    whenDone(limits.check(policies, subject), ar -> limited(req, s, route, d, client, style, ar));
  }

  /** A request without a key: the common policies that count it (per client IP, say), then forward. */
  private void limitAnonymous(HttpServerRequest req, State s, Route route, ClientAddress.Resolved client,
      ErrorStyle style) {
    if (limits == null) {
      forward(req, s, route, null, client, style);
      return;
    }
    RateSubject subject = RateLimits.anonymous(client.client(), route.group());
    List<RatePolicy> policies = limits.anonymousPolicies(subject);
    if (policies.isEmpty()) {
      forward(req, s, route, null, client, style);
      return;
    }
    whenDone(limits.check(policies, subject), ar -> limited(req, s, route, null, client, style, ar));
  }

  private void limited(HttpServerRequest req, State s, Route route, Decision d, ClientAddress.Resolved client,
      ErrorStyle style, AsyncResult<RateOutcome> ar) {
    if (ar.failed()) {
      if (!(ar.cause() instanceof io.keywarden.server.ratelimit.redis.RateLimitUnavailableException)) {
        LOG.warn("rate limits could not be checked for route {}: {}", route.id(), ar.cause().toString());
      }
      req.resume();
      style.write(req.response(), ErrorCode.RATE_LIMIT_UNAVAILABLE, "Rate limits cannot be checked right now.",
          null);
      return;
    }
    RateOutcome o = ar.result();
    if (!o.allowed()) {
      tooMany(req, style, o);
      return;
    }
    limits.writeHeaders(req.response().headers(), o);
    if (d == null) {
      forward(req, s, route, null, client, style);
    } else {
      pass(req, s, route, d, client, style);
    }
  }

  /** 429 in the route's style, with the limit's headers and {@code Retry-After}. */
  private void tooMany(HttpServerRequest req, ErrorStyle style, RateOutcome o) {
    req.resume();
    denials.count(o.reason());
    limits.writeHeaders(req.response().headers(), o);
    if (LOG.isDebugEnabled()) {
      LOG.debug("gateway limited policy={} reason={}", o.policy().name(), o.reason());
    }
    style.write(req.response(), o.error(), RateLimits.message(o), o.reason());
  }

  /** Runs {@code then} now if {@code f} is complete (the local backend), else when it completes. */
  private static <T> void whenDone(Future<T> f, io.vertx.core.Handler<AsyncResult<T>> then) {
    if (f.isComplete()) {
      then.handle(f);
    } else {
      f.onComplete(then);
    }
  }

  /** Every check passed: forward with the caller's identity. */
  private void pass(HttpServerRequest req, State s, Route route, Decision d, ClientAddress.Resolved client,
      ErrorStyle style) {
    String origin = req.getHeader("Origin");
    if (route.isPublic() && origin != null) {
      // The key's own origin allow-list has passed; let the browser read the answer.
      req.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
    }
    forward(req, s, route, d, client, style);
  }

  /**
   * Every check passed (and was counted): the key's use is recorded now, never for a request that
   * a rate limit refused, and the request goes to the upstream with the target {@link
   * ForwardedTarget} builds.
   */
  private void forward(HttpServerRequest req, State s, Route route, Decision d,
      ClientAddress.Resolved client, ErrorStyle style) {
    if (d != null) {
      kw.markUsed(d);
    }
    RoutePlan plan = s.plans().get(route);
    String rawPath = RequestTarget.path(req);
    String target = ForwardedTarget.of(rawPath,
        plan.rewrite().isNone() ? null : io.keywarden.core.routes.RequestPath.parse(rawPath),
        RequestTarget.query(req), plan.rewrite(), plan.strippedQueryNames(),
        route.stripCredential() ? credential(req, route, plan) : null);
    var spec = new Forwarder.Spec(client.forwardedFor(), plan.strippedHeaders(), s.config().identity().lowerPrefix(),
        s.config().identity().of(d), s.config().timeouts(route));
    s.forwarder().forward(req, route.upstream(), target, spec, style);
  }

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
    style.write(req.response(), status.error(), status.message(), status.reason());
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
