package io.keywarden.server.api;

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
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Authenticates management API requests: a bearer operator key that grants the endpoint's scope.
 * Access keys (user and project keys) are refused here ({@code wrong_realm}), as operator keys are
 * refused by the gateway and the verify API's key field.
 */
final class OperatorAuth {
  private final Keywarden kw;
  private final RateLimits limits;
  private final Map<String, ScopeRequirement> requirements = new HashMap<>();
  /** The client's address of a request, as the server resolves it (trusted proxies). */
  private final java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> clients;

  OperatorAuth(Keywarden kw, RateLimits limits) {
    this(kw, limits, OperatorAuth::peerAddress);
  }

  OperatorAuth(Keywarden kw, RateLimits limits,
      java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> clients) {
    this.kw = kw;
    this.limits = limits;
    this.clients = clients;
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
    String ip = clientIp(ctx);
    if (limits != null) {
      RateOutcome blocked = limits.blocked(ip);
      if (blocked != null) {
        limits.writeHeaders(ctx.response().headers(), blocked);
        throw new Limited(blocked, RateLimits.message(blocked));
      }
    }
    Decision d = kw.verifyOperator(
        new VerifyRequest(bearer(ctx), null, null, req, ip, null, true), directory);
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
    return new Caller(d.key(), d.key().workspaceId(),
        new Actor("operator:" + d.key().id(), ip, ctx.request().getHeader("User-Agent")));
  }

  /** The token of {@code Authorization: Bearer <token>}, or {@code null}. */
  static String bearer(RoutingContext ctx) {
    return Bearer.token(ctx.request().getHeader("Authorization"));
  }

  String clientIp(RoutingContext ctx) {
    return clients.apply(ctx.request());
  }

  /** The socket peer's address: the client when no proxy is trusted. */
  static String peerAddress(io.vertx.core.http.HttpServerRequest request) {
    var a = request.remoteAddress();
    return a == null ? null : a.hostAddress();
  }
}
