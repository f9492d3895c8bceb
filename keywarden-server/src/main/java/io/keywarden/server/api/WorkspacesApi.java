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

/**
 * {@code /v1/workspaces}: tenant accounts, each on a plan.
 *
 * <p>{@code external_id} is unique among workspaces (409 {@code external_id_taken}); {@code GET
 * /v1/workspaces?external_id=…} finds one. Only a deployment-wide operator key sets a workspace's
 * external id, plan, rate limits or suspension: a tenant's own key must not lift its suspension,
 * and a 409 on another workspace's external id would tell it that id exists.
 *
 * <p>{@code PATCH} with {@code suspended: true} (and an optional {@code suspension_reason})
 * suspends the workspace: every access key of it is refused with 403 {@code
 * workspace_suspended} at the gateway and the verify API from the next request on, on every
 * node; {@code suspended: false} lifts it. Both are audited ({@code workspace.suspended}, {@code
 * workspace.reinstated}). Management of the workspace goes on as before.
 */
final class WorkspacesApi extends Endpoint {
  private static final Set<String> CREATE_FIELDS = Set.of("name", "plan", "max_ttl_days",
      "rate_limits", LabelFields.EXTERNAL_ID, LabelFields.METADATA);
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "plan", "max_ttl_days",
      "rate_limits", LabelFields.EXTERNAL_ID, LabelFields.METADATA, "suspended", "suspension_reason");

  private final io.keywarden.server.ratelimit.RateLimits limits;

  WorkspacesApi(Keywarden kw, OperatorAuth auth, io.keywarden.server.ratelimit.RateLimits limits) {
    super(kw, auth);
    this.limits = limits;
  }

  @Override
  void mount(Router r) {
    onCreate(r, HttpMethod.POST, "/v1/workspaces", false, this::create);
    on(r, HttpMethod.GET, "/v1/workspaces", Query.page("external_id"), this::list);
    on(r, HttpMethod.GET, "/v1/workspaces/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/workspaces/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/workspaces/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(CREATE_FIELDS);
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    if (limits != null) {
      String plan = b.string("plan", false);
      limits.checkOverrides(plan == null ? kw.model().defaultPlan() : plan, b.raw("rate_limits"));
    }
    Workspace ws = kw.tenants().createWorkspace(b.string("name", true), b.string("plan", false),
        b.integer("max_ttl_days"), b.raw("rate_limits"), LabelFields.externalId(b),
        LabelFields.metadata(b), c.actor());
    Responses.data(ctx, 201, Views.workspace(ws));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    String externalId = ctx.request().getParam("external_id");
    if (externalId != null) {
      List<Workspace> found = kw.store().workspaceByExternalId(externalId)
          .filter(w -> c.canSee(w.id())).map(List::of).orElse(List.of());
      Responses.page(ctx, new Page<>(found, false, null, false, null), Views::workspace);
      return;
    }
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
    JsonBody b = JsonBody.of(ctx, true).only(UPDATE_FIELDS);
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    if ((b.has("plan") || b.has("rate_limits") || b.has("suspended") || b.has("suspension_reason")
        || b.has(LabelFields.EXTERNAL_ID)) && !c.isDeploymentWide()) {
      // A tenant's own operator key must not raise its plan or its limits, lift its suspension,
      // or probe other workspaces' external ids.
      throw deploymentWideOnly();
    }
    Boolean suspended = b.bool("suspended");
    if (b.isNull("suspended")) {
      throw io.keywarden.core.errors.KeywardenException.invalid("suspended", "suspended must be true or false.");
    }
    String reason = b.string("suspension_reason", false);
    if (b.has("suspension_reason") && suspended == null) {
      throw io.keywarden.core.errors.KeywardenException.invalid("suspension_reason",
          "suspension_reason goes with suspended: true.");
    }
    if (limits != null) {
      String plan = b.string("plan", false);
      limits.checkOverrides(plan == null ? ws.plan() : plan,
          b.has("rate_limits") ? b.raw("rate_limits") : ws.rateLimits());
    }
    Workspace updated = ws;
    if (b.has("name") || b.has("plan") || b.has("max_ttl_days") || b.has("rate_limits")
        || b.has(LabelFields.EXTERNAL_ID) || b.has(LabelFields.METADATA)) {
      updated = kw.tenants().updateWorkspace(ws.id(), b.string("name", false),
          b.string("plan", false), b.integer("max_ttl_days"), b.isNull("max_ttl_days"),
          b.isNull("rate_limits") ? "[]" : b.raw("rate_limits"), LabelFields.change(b), c.actor());
    }
    if (suspended != null) {
      updated = kw.tenants().setSuspended(ws.id(), suspended, reason, c.actor());
    }
    Responses.data(ctx, 200, Views.workspace(updated));
  }

  private void delete(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    kw.store().deleteWorkspace(ws.id(), c.actor());
    Responses.data(ctx, 200, Deleted.of(ws.id(), "workspace"));
  }

}
