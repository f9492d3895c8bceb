package io.keywarden.server.api;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.User;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/users}: the people who own user keys. Emails are unique ignoring case (a duplicate
 * is 409 naming {@code email}).
 *
 * <p>Users are deployment-wide: one user may be a member of several workspaces. So:
 * <ul>
 *   <li>only a deployment-wide operator key creates, changes or deletes users; a workspace-scoped
 *       key gets 403 for {@code POST}, {@code PATCH} and {@code DELETE}, whatever the user (so
 *       the answer reveals nothing about users of other workspaces);
 *   <li>a workspace-scoped key sees only the members of its workspace: {@code GET /v1/users} lists
 *       them (in the order and with the cursors of the workspace's member list), and {@code GET
 *       /v1/users/{id}} of anyone else is 404, exactly like an unknown id.
 * </ul>
 * Deleting a user removes their memberships and revokes (keeps) their keys.
 *
 * <p>{@code external_id} is unique among users (409 {@code external_id_taken}); {@code GET
 * /v1/users?external_id=…} finds one (for a workspace-scoped key, only among its members).
 */
final class UsersApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of("email", "name", LabelFields.EXTERNAL_ID,
      LabelFields.METADATA);

  UsersApi(Keywarden kw, OperatorAuth auth) {
    super(kw, auth);
  }

  @Override
  void mount(Router r) {
    onCreate(r, HttpMethod.POST, "/v1/users", false, this::create);
    on(r, HttpMethod.GET, "/v1/users", Query.page("external_id"), this::list);
    on(r, HttpMethod.GET, "/v1/users/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/users/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/users/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    User u = kw.tenants().createUser(b.string("email", true), b.string("name", true),
        LabelFields.externalId(b), LabelFields.metadata(b), c.actor());
    Responses.data(ctx, 201, Views.user(u));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    PageRequest page = Pagination.of(ctx);
    String externalId = ctx.request().getParam("external_id");
    if (externalId != null) {
      List<User> found = kw.store().userByExternalId(externalId)
          .filter(u -> c.isDeploymentWide() || kw.store().membership(c.workspaceId(), u.id()).isPresent())
          .map(List::of).orElse(List.of());
      Responses.page(ctx, new Page<>(found, false, null, false, null), Views::user);
      return;
    }
    if (c.isDeploymentWide()) {
      Responses.page(ctx, kw.store().users(page), Views::user);
      return;
    }
    Page<Membership> members = kw.store().memberships(c.workspaceId(), page);
    List<User> users = new ArrayList<>(members.items().size());
    for (Membership m : members.items()) {
      // A user deleted since the page was read is simply left out.
      kw.store().user(m.userId()).ifPresent(users::add);
    }
    Responses.page(ctx, new Page<>(users, members.hasMore(), members.nextCursor(),
        members.hasMoreBefore(), members.prevCursor()), Views::user);
  }

  private void get(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    Responses.data(ctx, 200, Views.user(visible(c, ctx.pathParam("id"))));
  }

  private void update(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    String id = ctx.pathParam("id");
    for (String field : List.of("email", "name")) {
      if (b.isNull(field)) {
        throw KeywardenException.invalid(field, field + " must not be null.");
      }
    }
    String email = b.string("email", false);
    String name = b.string("name", false);
    var labels = LabelFields.change(b);
    User u = email == null && name == null && labels.isEmpty()
        ? visible(c, id)
        : kw.tenants().updateUser(id, email, name, labels, c.actor());
    Responses.data(ctx, 200, Views.user(u));
  }

  private void delete(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    String id = ctx.pathParam("id");
    kw.store().deleteUser(id, c.actor());
    Responses.data(ctx, 200, Deleted.of(id, "user"));
  }

  /** The user, if it exists and (for a workspace-scoped caller) is a member of its workspace. */
  private User visible(Caller c, String id) {
    Optional<User> u = kw.store().user(id);
    if (u.isPresent() && !c.isDeploymentWide()
        && kw.store().membership(c.workspaceId(), id).isEmpty()) {
      u = Optional.empty();
    }
    return u.orElseThrow(() -> notFound("User"));
  }
}
