package io.keywarden.server.api;

import io.keywarden.server.config.ServerSettings;
import io.keywarden.server.http.Failures;
import io.keywarden.server.http.Headers;
import io.keywarden.server.http.RequestIds;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The API port's router, assembled in one place: request ids, body limit, health, the
 * management endpoint families, the verification API and the OpenAPI document, then the one
 * failure handler that turns every error into a catalogue response.
 */
public final class ApiRouter {
  private final Router router;
  private final List<Endpoint.RouteSpec> routes = new ArrayList<>();
  private OperatorAuth auth;

  private ApiRouter(Router router) {
    this.router = router;
  }

  /** Builds the router for a node; {@code limits} may be {@code null} (no rate limits). */
  public static ApiRouter create(Vertx vertx, Keywarden kw, ServerSettings settings,
      io.keywarden.server.ratelimit.RateLimits limits) {
    Router r = Router.router(vertx);
    ApiRouter api = new ApiRouter(r);
    r.route().handler(RequestIds::assign);
    r.route().handler(ctx -> {
      ctx.response().putHeader(Headers.CACHE_CONTROL, Headers.NO_STORE);
      ctx.next();
    });
    r.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    HealthApi health = new HealthApi(kw, vertx);
    health.mount(r);
    api.routes.addAll(health.routes());

    OperatorAuth auth = new OperatorAuth(kw, limits);
    api.auth = auth;
    List<Endpoint> endpoints = List.of(
        new VerifyApi(kw, auth, vertx, limits),
        new WorkspacesApi(kw, auth, limits),
        new ProjectsApi(kw, auth),
        new UsersApi(kw, auth),
        new MembersApi(kw, auth),
        new KeysApi(kw, auth, limits),
        new OperatorKeysApi(kw, auth),
        new AuditApi(kw, auth),
        new LimitsApi(kw, auth, limits),
        new PlansApi(kw, auth, limits));
    for (Endpoint e : endpoints) {
      e.mount(r);
      api.routes.addAll(e.routes());
    }
    byte[] openapi = resource("/openapi.json");
    api.routes.add(new Endpoint.RouteSpec(io.vertx.core.http.HttpMethod.GET, "/v1/openapi.json"));
    r.get("/v1/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json").end(withServer(openapi, ctx)));

    r.route().failureHandler(Failures::handle);
    r.errorHandler(404, Failures::notFound);
    r.errorHandler(405, Failures::handle);
    return api;
  }

  public Router router() {
    return router;
  }

  /**
   * Sets how a request's client address is worked out (the socket peer until this is called):
   * the server passes the gateway's resolution with its trusted proxies, so the management API's
   * failed-authentication budget is charged to the real client behind a load balancer.
   */
  public void clientAddresses(java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> resolver) {
    auth.clientAddresses(resolver);
  }

  /**
   * Every route mounted, as "METHOD /path/{param}", for checking the OpenAPI document: the
   * health checks, the {@code /v1} endpoints and the document itself.
   */
  public List<String> routeDescriptions() {
    return routes.stream().map(s -> s.method().name() + " " + s.path()).toList();
  }

  /**
   * The packaged document with its {@code servers} entry naming the address this node listens on,
   * as the request reached it (the packaged one names the default address, which is wrong on any
   * other port or interface).
   */
  private static Buffer withServer(byte[] openapi, io.vertx.ext.web.RoutingContext ctx) {
    var local = ctx.request().localAddress();
    if (local == null || local.hostAddress() == null) {
      return Buffer.buffer(openapi);
    }
    String host = local.hostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    try {
      var doc = (com.fasterxml.jackson.databind.node.ObjectNode) io.keywarden.server.http.Json.parseOrEmpty(
          new String(openapi, java.nio.charset.StandardCharsets.UTF_8));
      var servers = doc.putArray("servers");
      servers.addObject().put("url", "http://" + host + ":" + local.port())
          .put("description", "This Keywarden node.");
      return Buffer.buffer(io.keywarden.server.http.Json.bytes(doc));
    } catch (ClassCastException e) {
      return Buffer.buffer(openapi);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApiRouter.class.getResourceAsStream(name)) {
      if (in == null) {
        return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
