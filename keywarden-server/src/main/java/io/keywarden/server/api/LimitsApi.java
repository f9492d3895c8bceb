package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.core.ratelimit.RateWindow;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.http.Json;
import io.keywarden.server.http.Responses;
import io.keywarden.server.ratelimit.RateLimits;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Limits and current usage: {@code GET /v1/keys/{id}/limits} and {@code GET
 * /v1/workspaces/{id}/limits}.
 *
 * <p>A key's answer lists every policy that can apply to it (common policies and its workspace's
 * plan, filtered by its type and environment). A policy counted only by values the key fixes
 * (key, user, workspace, environment) shows its usage; one that also counts something each
 * request brings (client IP, project, route group without a fixed group) shows {@code used:
 * null} and says what it is counted per. A workspace's answer lists the policies counted by the
 * workspace (per environment where they also count the environment).
 */
final class LimitsApi extends Endpoint {
  private static final Set<Dimension> FIXED_BY_KEY =
      EnumSet.of(Dimension.KEY, Dimension.USER, Dimension.WORKSPACE, Dimension.ENVIRONMENT);

  private final RateLimits limits;

  LimitsApi(Keywarden kw, OperatorAuth auth, RateLimits limits) {
    super(kw, auth);
    this.limits = limits;
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.GET, "/v1/keys/{id}/limits", this::forKey);
    on(r, HttpMethod.GET, "/v1/workspaces/{id}/limits", this::forWorkspace);
  }

  private void forKey(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:read");
    ApiKey k = kw.store().key(ctx.pathParam("id"))
        .filter(key -> key.kind() != KeyKind.OPERATOR && c.canSee(key.workspaceId()))
        .orElseThrow(() -> notFound("Key"));
    RateLimits.WorkspaceLimits wl = limits.loadWorkspace(k.workspaceId());
    String plan = wl.plan();
    ArrayNode out = Json.array();
    for (RatePolicy p : limits.candidates(wl, k)) {
      var a = p.appliesTo();
      if (!a.keyTypes().isEmpty() && !a.keyTypes().contains(k.type())) {
        continue;
      }
      if (!a.environments().isEmpty() && !a.environments().contains(k.environment())) {
        continue;
      }
      String group = a.routeGroups().size() == 1 ? a.routeGroups().iterator().next() : null;
      RateSubject subject = new RateSubject(k.id(), k.ownerUserId(), null, k.workspaceId(), null,
          k.environment(), group);
      boolean determined = true;
      List<String> per = new ArrayList<>();
      for (Dimension d : p.countedBy()) {
        if (!FIXED_BY_KEY.contains(d) && !(d == Dimension.ROUTE_GROUP && group != null)) {
          determined = false;
          per.add(d.wireName());
        }
      }
      if (p.countedBy().contains(Dimension.USER) && k.ownerUserId() == null) {
        continue; // a project key is never counted by a per-user policy
      }
      out.add(entry(p, determined ? usage(p, subject) : null, per, null));
    }
    ObjectNode data = Json.object();
    data.put("key_id", k.id());
    data.put("workspace_id", k.workspaceId());
    data.put("plan", plan);
    data.set("policies", out);
    Responses.data(ctx, 200, data);
  }

  private void forWorkspace(RoutingContext ctx) {
    Caller c = auth.require(ctx, "tenants:read");
    Workspace w = visibleWorkspace(c, ctx.pathParam("id"));
    RateLimits.WorkspaceLimits wl = limits.loadWorkspace(w.id());
    String plan = wl.plan();
    ArrayNode out = Json.array();
    for (RatePolicy p : limits.candidates(wl, null)) {
      Set<Dimension> by = p.countedBy();
      if (!by.contains(Dimension.WORKSPACE)
          || !EnumSet.of(Dimension.WORKSPACE, Dimension.ENVIRONMENT, Dimension.ROUTE_GROUP).containsAll(by)) {
        continue;
      }
      var a = p.appliesTo();
      String group = a.routeGroups().size() == 1 ? a.routeGroups().iterator().next() : null;
      if (by.contains(Dimension.ROUTE_GROUP) && group == null) {
        out.add(entry(p, null, List.of("route_group"), null));
        continue;
      }
      if (by.contains(Dimension.ENVIRONMENT)) {
        for (String env : kw.model().environments()) {
          if (a.environments().isEmpty() || a.environments().contains(env)) {
            RateSubject s = new RateSubject(null, null, null, w.id(), null, env, group);
            out.add(entry(p, usage(p, s), List.of(), env));
          }
        }
      } else {
        out.add(entry(p, usage(p, new RateSubject(null, null, null, w.id(), null, null, group)), List.of(), null));
      }
    }
    ObjectNode data = Json.object();
    data.put("workspace_id", w.id());
    data.put("plan", plan);
    data.set("policies", out);
    Responses.data(ctx, 200, data);
  }

  private PolicyUsage usage(RatePolicy p, RateSubject s) {
    try {
      List<PolicyUsage> u = limits.usage(List.of(p), s).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      return u.isEmpty() ? null : u.get(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeywardenException(ErrorCode.SERVICE_UNAVAILABLE, "Usage cannot be read right now.");
    } catch (Exception e) {
      throw new KeywardenException(ErrorCode.SERVICE_UNAVAILABLE, "Usage cannot be read right now.");
    }
  }

  private ObjectNode entry(RatePolicy p, PolicyUsage u, List<String> per, String environment) {
    ObjectNode o = Json.object();
    o.put("name", p.name());
    o.put("limit", p.limit());
    o.put("window", window(p.window()));
    ArrayNode by = o.putArray("by");
    p.countedBy().forEach(d -> by.add(d.wireName()));
    if (environment != null) {
      o.put("environment", environment);
    }
    if (!p.appliesTo().routeGroups().isEmpty()) {
      ArrayNode routes = o.putArray("routes");
      p.appliesTo().routeGroups().stream().sorted().forEach(routes::add);
    }
    o.put("quota", p.isQuota());
    if (u == null) {
      o.putNull("used");
      o.putNull("remaining");
      o.putNull("reset");
      ArrayNode perNode = o.putArray("counted_per");
      per.forEach(perNode::add);
    } else {
      o.put("used", u.used());
      o.put("remaining", u.remaining());
      long now = kw.clock().instant().getEpochSecond();
      o.put("reset", u.resetMicros() == 0 ? now : now + Math.ceilDiv(u.resetMicros(), 1_000_000L));
    }
    return o;
  }

  /** {@code 10s}, {@code 1m}, {@code 10m}, {@code 1h}, {@code 1d}, {@code 250ms} or {@code month}. */
  static String window(RateWindow w) {
    if (!(w instanceof RateWindow.Rolling r)) {
      return "month";
    }
    Duration d = r.length();
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
