package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.http.Json;
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
 * {@code /v1/workspaces/{id}/members}: a user's role in a workspace, the projects it reaches and
 * a default project. A change takes effect on the very next verification of the user's keys.
 *
 * <p>{@code PUT …/members/{user_id}} replaces the whole membership: {@code projects} absent or
 * {@code []} means every project of the workspace, {@code default_project_id} absent means none.
 * It answers 201 when the user was not a member before and 200 when an existing membership was
 * replaced. The user must exist (else 404 "User not found."). Only a deployment-wide key adds a
 * user who is not yet a member; a workspace-scoped key changes its members' memberships and gets
 * the same 404 for everyone else, so it can neither enroll a user of another workspace (and then
 * read their e-mail or mint keys as them) nor learn which user ids exist.
 * Projects must belong to the workspace (else 400 naming {@code projects} or {@code
 * default_project_id}); an unknown role is 400 naming {@code role}.
 *
 * <p>{@code DELETE …/members/{user_id}} answers {@code {"object": "membership", "workspace_id",
 * "user_id", "deleted": true}}; a user who is not a member (or does not exist) is 404
 * "Membership not found.". A workspace the caller may not see is 404 like an unknown one.
 */
final class MembersApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of("role", "projects", "default_project_id");

  MembersApi(Keywarden kw, OperatorAuth auth) {
    super(kw, auth);
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.GET, "/v1/workspaces/{id}/members", this::list);
    on(r, HttpMethod.PUT, "/v1/workspaces/{id}/members/{user_id}", this::put);
    on(r, HttpMethod.DELETE, "/v1/workspaces/{id}/members/{user_id}", this::remove);
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    Responses.page(ctx, kw.store().memberships(ws.id(), page), Views::membership);
  }

  private void put(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    String role = b.string("role", true);
    var projects = b.strings("projects");
    String defaultProject = b.string("default_project_id", false);
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    String userId = ctx.pathParam("user_id");
    boolean existed = kw.store().membership(ws.id(), userId).isPresent();
    // A workspace-bound key sees users only through its workspace's memberships: it may change a
    // member's membership, but anyone else (of another workspace, of none, or no one) is "User not
    // found.", so it neither enrolls nor learns of users outside its workspace.
    if (!existed && (!c.isDeploymentWide() || kw.store().user(userId).isEmpty())) {
      throw notFound("User");
    }
    Membership m = kw.tenants().putMembership(ws.id(), userId, role, projects, defaultProject,
        c.actor());
    Responses.data(ctx, existed ? 200 : 201, Views.membership(m));
  }

  private void remove(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    Workspace ws = visibleWorkspace(c, ctx.pathParam("id"));
    String userId = ctx.pathParam("user_id");
    kw.store().removeMembership(ws.id(), userId, c.actor());
    Responses.data(ctx, 200, removed(ws.id(), userId));
  }


  /** The answer to a removal; memberships have no id of their own, so both ids are given. */
  private static ObjectNode removed(String workspaceId, String userId) {
    ObjectNode o = Json.object();
    o.put("object", "membership");
    o.put("workspace_id", workspaceId);
    o.put("user_id", userId);
    o.put("deleted", true);
    return o;
  }
}
