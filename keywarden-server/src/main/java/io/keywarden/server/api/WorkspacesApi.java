package io.keywarden.server.api;

import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** {@code /v1/workspaces}: tenant accounts, each on a plan. */
final class WorkspacesApi extends Endpoint {
  private final io.keywarden.server.ratelimit.RateLimits limits;

  WorkspacesApi(Keywarden kw, OperatorAuth auth, io.keywarden.server.ratelimit.RateLimits limits) {
    super(kw, auth);
    this.limits = limits;
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.POST, "/v1/workspaces", this::create);
    on(r, HttpMethod.GET, "/v1/workspaces", this::list);
    on(r, HttpMethod.GET, "/v1/workspaces/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/workspaces/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/workspaces/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(Set.of("name", "plan", "max_ttl_days", "rate_limits"));
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    if (limits != null) {
      String plan = b.string("plan", false);
      limits.checkOverrides(plan == null ? kw.model().defaultPlan() : plan, b.raw("rate_limits"));
    }
    Workspace ws = kw.tenants().createWorkspace(b.string("name", true), b.string("plan", false),
        b.integer("max_ttl_days"), b.raw("rate_limits"), c.actor());
    Responses.data(ctx, 201, Views.workspace(ws));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    if (c.isDeploymentWide()) {
      Responses.page(ctx, kw.store().workspaces(page), Views::workspace);
      return;
    }
    List<Workspace> own = kw.store().workspace(c.workspaceId()).map(List::of).orElse(List.of());
    Responses.page(ctx, new Page<>(own, false, null, false, null), Views::workspace);
  }

  private void get(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    Responses.data(ctx, 200, Views.workspace(visibleWorkspace(c, ctx.pathParam("id"))));
  }

  private void update(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(Set.of("name", "plan", "max_ttl_days", "rate_limits"));
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    if ((b.has("plan") || b.has("rate_limits")) && !c.isDeploymentWide()) {
      // A tenant's own operator key must not raise its plan or its limits.
      throw deploymentWideOnly();
    }
    if (limits != null) {
      String plan = b.string("plan", false);
      limits.checkOverrides(plan == null ? ws.plan() : plan,
          b.has("rate_limits") ? b.raw("rate_limits") : ws.rateLimits());
    }
    Workspace updated = kw.tenants().updateWorkspace(ws.id(), b.string("name", false),
        b.string("plan", false), b.integer("max_ttl_days"), b.isNull("max_ttl_days"),
        b.isNull("rate_limits") ? "[]" : b.raw("rate_limits"), c.actor());
    Responses.data(ctx, 200, Views.workspace(updated));
  }

  private void delete(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    kw.store().deleteWorkspace(ws.id(), c.actor());
    Responses.data(ctx, 200, Deleted.of(ws.id(), "workspace"));
  }

}
