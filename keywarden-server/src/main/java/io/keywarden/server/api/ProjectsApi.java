package io.keywarden.server.api;

import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /v1/workspaces/{id}/projects} and {@code /v1/projects/{id}}: the projects of a workspace.
 *
 * <p>A workspace-scoped operator key sees only its own workspace's projects: another workspace,
 * or a project of another workspace, is answered exactly like an unknown one (404). {@code PATCH}
 * without {@code name} changes nothing and returns the project as it is; deleting a project also
 * deletes its project keys and takes it out of memberships (see {@code Store#deleteProject}).
 *
 * <p>A project's {@code external_id} is unique among the projects of its workspace (409 {@code
 * external_id_taken}), not across workspaces: two tenants may use the same id for their own
 * projects, and a tenant's key never learns from a 409 that another workspace has one. {@code GET
 * /v1/projects?external_id=…[&workspace_id=…]} lists the projects with that id the caller may see.
 */
final class ProjectsApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of("name", LabelFields.EXTERNAL_ID,
      LabelFields.METADATA);

  ProjectsApi(Keywarden kw, OperatorAuth auth) {
    super(kw, auth);
  }

  @Override
  void mount(Router r) {
    onCreate(r, HttpMethod.POST, "/v1/workspaces/{id}/projects", false, this::create);
    on(r, HttpMethod.GET, "/v1/workspaces/{id}/projects", Query.page(), this::list);
    on(r, HttpMethod.GET, "/v1/projects", Query.page("external_id", "workspace_id"), this::byExternalId);
    on(r, HttpMethod.GET, "/v1/projects/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/projects/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/projects/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    Project p = kw.tenants().createProject(ws.id(), b.string("name", true),
        LabelFields.externalId(b), LabelFields.metadata(b), c.actor());
    Responses.data(ctx, 201, Views.project(p));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    Responses.page(ctx, kw.store().projects(ws.id(), page), Views::project);
  }

  private void byExternalId(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    String externalId = ctx.request().getParam("external_id");
    if (externalId == null || externalId.isEmpty()) {
      throw io.keywarden.core.errors.KeywardenException.invalid("external_id",
          "external_id is required (list a workspace's projects at /v1/workspaces/{id}/projects).");
    }
    String ws = ctx.request().getParam("workspace_id");
    if (ws != null && !c.canSee(ws)) {
      Responses.page(ctx, new io.keywarden.store.Page<Project>(java.util.List.of(), false, null, false, null),
          Views::project);
      return;
    }
    Responses.page(ctx, kw.store().projectsByExternalId(externalId,
        c.isDeploymentWide() ? ws : c.workspaceId(), page), Views::project);
  }

  private void get(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    Responses.data(ctx, 200, Views.project(visible(c, ctx.pathParam("id"))));
  }

  private void update(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    Project p = visible(c, ctx.pathParam("id"));
    if (b.isNull("name")) {
      throw io.keywarden.core.errors.KeywardenException.invalid("name", "name is required.");
    }
    if (b.has("name") || b.has(LabelFields.EXTERNAL_ID) || b.has(LabelFields.METADATA)) {
      p = kw.tenants().updateProject(p.id(), b.string("name", false), LabelFields.change(b), c.actor());
    }
    Responses.data(ctx, 200, Views.project(p));
  }

  private void delete(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    Project p = visible(c, ctx.pathParam("id"));
    kw.store().deleteProject(p.id(), c.actor());
    Responses.data(ctx, 200, Deleted.of(p.id(), "project"));
  }


  private Project visible(Caller c, String id) {
    return kw.store().project(id).filter(p -> c.canSee(p.workspaceId()))
        .orElseThrow(() -> notFound("Project"));
  }
}
