package io.keywarden.server.gateway;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteMatch;
import io.vertx.core.http.HttpServerRequest;

/**
 * One request on its way through the gateway's stages: what each stage found, for the stages
 * after it. The only object the chain allocates per request; it lives on the event loop (and, on
 * a cache miss, a worker thread that hands it back).
 */
final class Exchange {
  /** The client's request. */
  final HttpServerRequest request;
  /** The configuration in force when the request arrived (a reload does not change it). */
  final Gateway.State state;
  /** When the request arrived ({@link System#nanoTime}), for the record stage. */
  final long startedNanos;
  /** Index of the next stage to run. */
  int next;

  /** Route: the match and its route, what forwarding needs of it, and its error style. */
  RouteMatch.Matched match;
  Route route;
  Gateway.RoutePlan plan;
  ErrorStyle style;
  /** Credential: the key the route's sources carry, {@code null} when none. */
  String credential;
  /** Client address: the client's IP behind trusted proxies and the forwarded-for chain. */
  ClientAddress.Resolved client;
  /** Decide: a client over its failed-authentication budget ({@code null}: not blocked). */
  RateOutcome blocked;
  /** Decide: what was asked of the decision engine. */
  VerifyRequest verify;
  /** Decide: the accepted key's decision; {@code null} for a request without a key. */
  Decision decision;
  /** Limit: the counted outcome; {@code null} when no policy applied. */
  RateOutcome rate;
  /** Limit: how {@link io.keywarden.server.ratelimit.RateLimits#admit} answered, synchronously. */
  Stage.Outcome admitted;

  Exchange(HttpServerRequest request, Gateway.State state) {
    this.request = request;
    this.state = state;
    this.startedNanos = System.nanoTime();
  }
}
