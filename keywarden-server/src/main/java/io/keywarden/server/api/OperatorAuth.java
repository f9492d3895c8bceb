package io.keywarden.server.api;

import io.keywarden.store.cache.CacheOnlyDirectory;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.server.http.Limited;
import io.keywarden.server.ratelimit.RateLimits;

import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.server.http.Bearer;
import io.keywarden.server.http.Denied;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Authenticates management API requests: a bearer operator key that grants the endpoint's scope.
 * Access keys (user and project keys) are refused here ({@code wrong_realm}), as operator keys are
 * refused by the gateway and the verify API's key field.
 *
 * <p>Failed authentications are counted per client address, the real one behind trusted proxies
 * (the resolution the gateway uses, set by {@link #clientAddresses}). What that budget limits is
 * failures: a client over it is refused (429) for every key the cache does not know, without a
 * store lookup, and for every invalid key, but a valid key the cache knows still passes, so one
 * client presenting stale keys from behind a shared address locks no one else out.
 */
final class OperatorAuth {
  private final Keywarden kw;
  private final RateLimits limits;
  private final CacheOnlyDirectory cacheOnly;
  private final Map<String, ScopeRequirement> requirements = new HashMap<>();
  private volatile Function<HttpServerRequest, String> clientAddress = OperatorAuth::peer;

  OperatorAuth(Keywarden kw, RateLimits limits) {
    this.kw = kw;
    this.limits = limits;
    this.cacheOnly = new CacheOnlyDirectory(kw.cache());
    ScopeVocabulary v = kw.model().operatorScopes();
    for (String s : v.names()) {
      requirements.put(s, v.requireAll(List.of(s)));
    }
  }

  /**
   * Authenticates with the full cache (may read the store: call off the event loop). Looks at
   * the store's operator-key generation first, so an operator-key change made by another process
   * (another node, {@code keywarden admin reset-key}) is in force from this request on.
   */
  Caller require(RoutingContext ctx, String scope) {
    kw.refreshOperatorKeys();
    return require(ctx, scope, kw.cache());
  }

  /** Authenticates looking things up in {@code directory}. */
  Caller require(RoutingContext ctx, String scope, AccessDirectory directory) {
    ScopeRequirement req = requirements.get(scope);
    if (req == null) {
      throw new IllegalArgumentException("unknown operator scope " + scope);
    }
    String ip = clientAddress.apply(ctx.request());
    RateOutcome blocked = limits == null ? null : limits.blocked(ip);
    Decision d;
    try {
      // A blocked address gets no store lookups: only keys the cache knows are decided.
      d = kw.verifyOperator(new VerifyRequest(bearer(ctx), null, null, req, ip, null, true),
          blocked == null ? directory : cacheOnly);
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      if (blocked == null) {
        throw miss;
      }
      limits.writeHeaders(ctx.response().headers(), blocked);
      throw new Limited(blocked, RateLimits.message(blocked));
    }
    if (!d.isValid()) {
      if (limits != null && RateLimits.isFailedAuthentication(d.status())) {
        RateOutcome o = limits.failedAuthenticationHere(ip);
        limits.writeHeaders(ctx.response().headers(), o);
        if (!o.allowed()) {
          throw new Limited(o, RateLimits.message(o));
        }
      }
      throw new Denied(d.status(), scope);
    }
    if (limits != null && !scope.equals("verify")) {
      // The verify API is a data-plane call an upstream makes per request of its own: it is
      // limited per verified key (its policies), not by the management API's budget.
      RateOutcome o = limits.managementCall(d.key().id());
      limits.writeHeaders(ctx.response().headers(), o);
      if (!o.allowed()) {
        throw new Limited(o, RateLimits.message(o));
      }
    }
    Caller caller = new Caller(d.key(), d.key().workspaceId(),
        new Actor("operator:" + d.key().id(), ip, ctx.request().getHeader("User-Agent")));
    Idempotency.reserve(ctx, caller); // a creation with an Idempotency-Key: per operator key
    return caller;
  }

  /** The token of {@code Authorization: Bearer <token>}, or {@code null}. */
  static String bearer(RoutingContext ctx) {
    return Bearer.token(ctx.request().getHeader("Authorization"));
  }

  /**
   * Sets how the client's address is worked out from a request (the socket peer by default);
   * the server sets the gateway's resolution with its trusted proxies, again on every reload.
   */
  void clientAddresses(Function<HttpServerRequest, String> resolver) {
    this.clientAddress = java.util.Objects.requireNonNull(resolver, "resolver");
  }

  private static String peer(HttpServerRequest req) {
    var a = req.remoteAddress();
    return a == null ? null : a.hostAddress();
  }
}
