package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.server.http.Json;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.List;

/** {@code GET /healthz} (the process is alive) and {@code GET /readyz} (the store answers). */
final class HealthApi {
  private final Keywarden kw;
  private final Vertx vertx;

  HealthApi(Keywarden kw, Vertx vertx) {
    this.kw = kw;
    this.vertx = vertx;
  }

  /** The routes {@link #mount} adds, for {@link ApiRouter#routeDescriptions()}. */
  List<Endpoint.RouteSpec> routes() {
    return List.of(new Endpoint.RouteSpec(HttpMethod.GET, "/healthz"), new Endpoint.RouteSpec(HttpMethod.GET, "/readyz"));
  }

  void mount(Router r) {
    r.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end("{\"status\":\"ok\"}"));
    r.get("/readyz").handler(ctx -> vertx.executeBlocking(() -> kw.store().ping(), false)
        .onComplete(ar -> {
          boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
          ObjectNode o = Json.object();
          o.put("status", up ? "ready" : "unavailable");
          o.put("store", up ? "ok" : "unreachable");
          ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
              .end(Buffer.buffer(Json.bytes(o)));
        }));
  }
}
