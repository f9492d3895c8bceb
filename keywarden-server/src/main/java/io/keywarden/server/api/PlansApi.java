package io.keywarden.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ratelimit.Plan;
import io.keywarden.core.ratelimit.RatePlans;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.RateLimitConfig;
import io.keywarden.server.http.Json;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Responses;
import io.keywarden.server.ratelimit.RateLimits;
import io.keywarden.store.Page;
import io.keywarden.store.StoredPlan;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/plans}: the plans workspaces are on and their rate-limit policies, changed without a
 * restart.
 *
 * <p>A plan's policies are written as in the configuration file ({@code rate_limits.plans.NAME})
 * and checked by the same parser; an error names the entry ({@code policies[0].window}). A change
 * is stored and audited ({@code plan.created}, {@code plan.updated}, {@code plan.deleted}), in
 * force on this node when the answer is sent, and on the others as soon as the cluster event
 * arrives. The configuration file seeds the store at start with the plans it names and the store
 * does not have yet; from then on the stored version wins.
 *
 * <p>Scopes: {@code tenants:read} to read; {@code tenants:write} and a deployment-wide operator
 * key to change (a workspace-bound key must not change what every tenant pays for). Deleting a
 * plan that a workspace is on, the default plan, or a plan the configuration file names ({@code
 * access.plans}) is 409.
 */
final class PlansApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of("policies");

  private final RateLimits limits;

  PlansApi(Keywarden kw, OperatorAuth auth, RateLimits limits) {
    super(kw, auth);
    this.limits = limits;
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.GET, "/v1/plans", Query.page(), this::list);
    on(r, HttpMethod.GET, "/v1/plans/{name}", this::get);
    on(r, HttpMethod.PUT, "/v1/plans/{name}", this::put);
    on(r, HttpMethod.DELETE, "/v1/plans/{name}", this::delete);
  }

  private void list(RoutingContext ctx) {
    auth.require(ctx, "tenants:read");
    Responses.page(ctx, kw.store().plans(io.keywarden.server.http.Pagination.of(ctx)), this::view);
  }

  private void get(RoutingContext ctx) {
    auth.require(ctx, "tenants:read");
    StoredPlan p = kw.store().plan(ctx.pathParam("name")).orElseThrow(() -> notFound("Plan"));
    Responses.data(ctx, 200, view(p));
  }

  private void put(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    JsonBody b = JsonBody.of(ctx, true).only(FIELDS);
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    String name = ctx.pathParam("name");
    if (!Plan.NAME.matcher(name).matches()) {
      throw KeywardenException.invalid("name",
          "A plan name is 1 to 40 lower-case letters, digits, '-' or '_', starting with a letter.");
    }
    JsonNode policies = Json.parseOrEmpty(b.raw("policies") == null ? "null" : b.raw("policies"));
    List<RatePolicy> parsed;
    try {
      RatePlans current = limits != null ? limits.plans() : RatePlans.defaults();
      parsed = RateLimitConfig.planPolicies(policies.isNull() ? null : policies, "policies",
          kw.model(), current);
      new Plan(name, parsed);
    } catch (ConfigException e) {
      throw KeywardenException.invalid(e.setting(), e.getMessage() + ".");
    } catch (IllegalArgumentException e) {
      throw KeywardenException.invalid("policies", e.getMessage() + ".");
    }
    boolean existed = kw.store().plan(name).isPresent();
    StoredPlan stored = kw.store().putPlan(name, RateLimitConfig.policiesJson(parsed).toString(),
        c.actor());
    if (limits != null) {
      limits.refreshPlans(); // in force on this node before the answer
    }
    Responses.data(ctx, existed ? 200 : 201, view(stored));
  }

  private void delete(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:write");
    if (!c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    String name = ctx.pathParam("name");
    StoredPlan p = kw.store().plan(name).orElseThrow(() -> notFound("Plan"));
    if (name.equals(kw.model().defaultPlan())) {
      throw KeywardenException.conflict("name", "Plan \"" + name
          + "\" is the default plan (access.default_plan) and cannot be deleted.");
    }
    if (kw.model().plans().contains(name)) {
      throw KeywardenException.conflict("name", "Plan \"" + name + "\" is named in the configuration"
          + " file (access.plans), which would bring it back at the next start; remove it there first,"
          + " or change its policies with PUT.");
    }
    kw.store().deletePlan(p.name(), c.actor());
    if (limits != null) {
      limits.refreshPlans();
    }
    Responses.data(ctx, 200, Deleted.of(name, "plan"));
  }

  private ObjectNode view(StoredPlan p) {
    ObjectNode o = Json.object();
    o.put("object", "plan");
    o.put("name", p.name());
    o.put("default", p.name().equals(kw.model().defaultPlan()));
    o.set("policies", Json.parseOrEmpty(p.policies()));
    Json.putTime(o, "created_at", p.createdAt());
    Json.putTime(o, "updated_at", p.updatedAt());
    return o;
  }
}
