package io.keywarden.demo.upstream;

import io.keywarden.demo.DemoSystem;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A demo upstream: one small Vert.x server answering a reference system's endpoints. It trusts
 * the identity headers Keywarden adds ({@code X-Keywarden-Workspace-Id}, {@code -Project-Id},
 * {@code -Key-Kind}, {@code -Scopes}, {@code -Allowed-Projects}, ...), which the gateway always
 * strips from incoming requests, and answers only with its caller's tenant's data.
 */
public final class DemoUpstream implements AutoCloseable {
  /** The identity header prefix Keywarden uses by default. */
  public static final String PREFIX = "X-Keywarden-";

  private final Vertx vertx;
  private final HttpServer server;
  private final DemoData data;

  private DemoUpstream(Vertx vertx, HttpServer server, DemoData data) {
    this.vertx = vertx;
    this.server = server;
    this.data = data;
  }

  /** Starts the upstream of {@code system} on {@code host}, port 0 (any free port). */
  public static DemoUpstream start(DemoSystem system, String host) {
    Vertx vertx = Vertx.vertx();
    DemoData data = new DemoData();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    // A body of the wrong shape (a string where an object belongs, say) is the client's error.
    router.route().failureHandler(ctx -> {
      Throwable t = ctx.failure();
      boolean client = t instanceof ClassCastException || t instanceof IllegalArgumentException
          || t instanceof io.vertx.core.json.DecodeException;
      int status = client ? 400 : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      json(ctx, status, new JsonObject().put("error", new JsonObject()
          .put("code", status == 400 ? "invalid_request" : status == 413 ? "payload_too_large" : "internal")
          .put("message", status == 400 ? "The request body does not have the expected shape." : "The demo upstream failed.")));
    });
    switch (system) {
      case NOMETRIA -> NometriaUpstream.mount(router, data);
      case METORIAL -> MetorialUpstream.mount(router, data);
      case NOMACMS -> NomaCmsUpstream.mount(router, data);
      case NODION -> NodionUpstream.mount(router, data);
      case NOMOTIC -> NomoticUpstream.mount(router, data);
    }
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, host)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new DemoUpstream(vertx, server, data);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot start the demo upstream on " + host + ": " + e.getMessage(), e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** Its tenants, which the demo set-up fills in. */
  public DemoData data() {
    return data;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }

  // ---- helpers shared by the systems ----

  /**
   * Who is calling, from Keywarden's identity headers. {@code allowedProjects} is {@code null}
   * when the key reaches every project of its workspace, else the projects it reaches (maybe none).
   */
  record Caller(String keyId, String kind, String type, String environment, String workspaceId,
      String projectId, String userId, List<String> scopes, List<String> allowedProjects) {
    static Caller of(RoutingContext ctx) {
      var h = ctx.request().headers();
      String scopes = h.get(PREFIX + "Scopes");
      String allowed = h.get(PREFIX + "Allowed-Projects");
      return new Caller(h.get(PREFIX + "Key-Id"), h.get(PREFIX + "Key-Kind"), h.get(PREFIX + "Key-Type"),
          h.get(PREFIX + "Environment"), h.get(PREFIX + "Workspace-Id"), h.get(PREFIX + "Project-Id"),
          h.get(PREFIX + "User-Id"), words(scopes), allowed == null ? null : words(allowed));
    }

    private static List<String> words(String s) {
      return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }
  }

  static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
  }

  /** The JSON body, or {@code null} when the request is not JSON (the caller answers the error). */
  static JsonObject jsonBody(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return null;
    }
    try {
      var b = ctx.body().buffer();
      return b == null || b.length() == 0 ? new JsonObject() : new JsonObject(b);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static int intParam(RoutingContext ctx, String name, int def, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return def;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  static String shortId(String prefix, long n) {
    return prefix + Long.toString(n + 46_656L * 7, 36);
  }
}
