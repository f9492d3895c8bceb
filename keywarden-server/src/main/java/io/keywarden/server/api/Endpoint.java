package io.keywarden.server.api;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Base of a family of management endpoints: mounts blocking handlers (they read the store) and
 * records every route it mounts, so the OpenAPI document can be checked against the real routes.
 *
 * <p>Every route declares the query parameters it reads ({@link Query}); any other parameter is
 * refused with 400 naming it, before the handler runs. A misspelt filter ({@code ?workspace=}
 * for {@code ?workspace_id=}) would otherwise be ignored and widen the answer to everything.
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

  /** The query parameters a route accepts: names, and name prefixes such as {@code metadata.}. */
  record Query(Set<String> names, Set<String> prefixes) {
    /** No query parameters at all. */
    static final Query NONE = new Query(Set.of(), Set.of());

    /** These names. */
    static Query of(String... names) {
      return new Query(Set.of(names), Set.of());
    }

    /** A list: {@code limit}, {@code cursor}, {@code before} and these names. */
    static Query page(String... names) {
      Set<String> all = new TreeSet<>(List.of("limit", "cursor", "before"));
      all.addAll(List.of(names));
      return new Query(Set.copyOf(all), Set.of());
    }

    /** Also every name that starts with {@code prefix} (and has more after it). */
    Query withPrefix(String prefix) {
      Set<String> p = new TreeSet<>(prefixes);
      p.add(prefix);
      return new Query(names, Set.copyOf(p));
    }

    private boolean accepts(String name) {
      if (names.contains(name)) {
        return true;
      }
      for (String p : prefixes) {
        if (name.length() > p.length() && name.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    /** 400 naming the first unknown parameter (in sorted order), listing what is accepted. */
    void check(RoutingContext ctx) {
      if (ctx.request().query() == null) {
        return;
      }
      Set<String> unknown = new TreeSet<>();
      for (String n : ctx.queryParams().names()) {
        if (!accepts(n)) {
          unknown.add(n);
        }
      }
      if (unknown.isEmpty()) {
        return;
      }
      String first = unknown.iterator().next();
      Set<String> known = new TreeSet<>(names);
      prefixes.forEach(p -> known.add(p + "NAME"));
      throw KeywardenException.invalid(first, "Unknown query parameter" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown.stream().map(u -> "\"" + u + "\"").toList())
          + (known.isEmpty() ? "; this endpoint takes none." : "; this endpoint takes " + String.join(", ", known) + "."));
    }
  }

  /**
   * Mounts a handler that runs on a worker thread and takes no query parameters; {@code path} uses
   * {@code {param}} syntax.
   */
  protected void on(Router router, HttpMethod method, String path, Consumer<RoutingContext> handler) {
    on(router, method, path, Query.NONE, handler);
  }

  /** Mounts a handler that runs on a worker thread and accepts the query parameters of {@code query}. */
  protected void on(Router router, HttpMethod method, String path, Query query,
      Consumer<RoutingContext> handler) {
    routes.add(new RouteSpec(method, path));
    String vertxPath = path.replaceAll("\\{([a-z_]+)}", ":$1");
    router.route(method, vertxPath).blockingHandler(ctx -> {
      query.check(ctx);
      handler.accept(ctx);
    }, false);
  }

  /**
   * Mounts a creation: as {@link #on}, and an {@code Idempotency-Key} header makes a repeat
   * answer like the first request (see {@link Idempotency}).
   *
   * @param secretBearing whether the answer carries a key's secret
   */
  protected void onCreate(Router router, HttpMethod method, String path, boolean secretBearing,
      Consumer<RoutingContext> handler) {
    on(router, method, path, Idempotency.wrap(kw.store(), kw.clock(), secretBearing, handler));
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
