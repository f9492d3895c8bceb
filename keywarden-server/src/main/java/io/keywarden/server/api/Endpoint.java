package io.keywarden.server.api;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Base of a family of management endpoints: mounts blocking handlers (they read the store) and
 * records every route it mounts, so the OpenAPI document can be checked against the real routes.
 */
abstract class Endpoint {
  /** A mounted route: method and path pattern in OpenAPI form ({@code /v1/keys/{id}}). */
  record RouteSpec(HttpMethod method, String path) {}

  protected final Keywarden kw;
  protected final OperatorAuth auth;
  private final List<RouteSpec> routes = new ArrayList<>();

  Endpoint(Keywarden kw, OperatorAuth auth) {
    this.kw = kw;
    this.auth = auth;
  }

  /** Mounts this family's routes. */
  abstract void mount(Router router);

  List<RouteSpec> routes() {
    return routes;
  }

  /** Mounts a handler that runs on a worker thread; {@code path} uses {@code {param}} syntax. */
  protected void on(Router router, HttpMethod method, String path, Consumer<RoutingContext> handler) {
    routes.add(new RouteSpec(method, path));
    String vertxPath = path.replaceAll("\\{([a-z_]+)}", ":$1");
    router.route(method, vertxPath).blockingHandler(handler::accept, false);
  }

  /** The workspace if the caller may see it; else 404, exactly as for an unknown one. */
  protected io.keywarden.core.tenancy.Workspace visibleWorkspace(Caller c, String id) {
    if (!c.canSee(id)) {
      throw notFound("Workspace");
    }
    return kw.store().workspace(id).orElseThrow(() -> notFound("Workspace"));
  }

  /** 404 for an object that does not exist or that the caller may not see. */
  protected static KeywardenException notFound(String what) {
    return KeywardenException.notFound(what);
  }

  /** 403 for a workspace-scoped operator key asking for something deployment-wide. */
  protected static KeywardenException deploymentWideOnly() {
    return new KeywardenException(ErrorCode.FORBIDDEN, null,
        "This operation needs an operator key that is not bound to a workspace.");
  }
}
