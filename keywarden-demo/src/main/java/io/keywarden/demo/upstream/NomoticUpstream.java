package io.keywarden.demo.upstream;

import io.keywarden.demo.upstream.DemoUpstream.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nomotic's API under {@code /api/v1}: agents, governance evaluations, policies and the audit
 * trail of the caller's workspace, as {@code {"data": ...}} with {@code has_more} and {@code
 * next_cursor} on lists. Every change is written to the workspace's audit trail with the key id
 * that made it (from {@code X-Keywarden-Key-Id}).
 */
final class NomoticUpstream {
  private final Map<String, List<JsonObject>> agents = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> evaluations = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> policies = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> audit = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  static void mount(Router r, DemoData data) {
    NomoticUpstream u = new NomoticUpstream();
    r.get("/api/v1/agents").handler(ctx -> list(ctx, u.agents(ctx)));
    r.get("/api/v1/agents/:id").handler(ctx -> u.withAgent(ctx, a -> DemoUpstream.json(ctx, 200, new JsonObject().put("data", a))));
    r.post("/api/v1/agents").handler(ctx -> u.create(ctx, u.agents(ctx), "agt_", "agent.created", b -> b.put("status", "active")));
    r.delete("/api/v1/agents/:id").handler(ctx -> u.withAgent(ctx, a -> {
      u.agents(ctx).remove(a);
      u.record(ctx, "agent.deleted", a.getString("id"));
      ctx.response().setStatusCode(204).end();
    }));
    r.patch("/api/v1/agents/:id/status").handler(ctx -> u.withAgent(ctx, a -> {
      JsonObject body = DemoUpstream.jsonBody(ctx);
      if (body == null || !(body.getValue("status") instanceof String status)) {
        error(ctx, 400, "invalid_request", "Send {\"status\": \"active\" | \"paused\"} as application/json.");
        return;
      }
      a.put("status", status);
      u.record(ctx, "agent.status_updated", a.getString("id"));
      DemoUpstream.json(ctx, 200, new JsonObject().put("data", a));
    }));
    r.post("/api/v1/evaluations").handler(ctx -> u.create(ctx, u.evaluations.computeIfAbsent(ws(ctx), w -> new CopyOnWriteArrayList<>()),
        "eval_", "evaluation.submitted", b -> b.put("decision", "allow").put("reasons", new JsonArray().add("within policy"))));
    r.get("/api/v1/evaluations").handler(ctx -> list(ctx, u.evaluations.computeIfAbsent(ws(ctx), w -> new CopyOnWriteArrayList<>())));
    r.get("/api/v1/policies").handler(ctx -> list(ctx, u.policies.computeIfAbsent(ws(ctx), w -> new CopyOnWriteArrayList<>())));
    r.post("/api/v1/policies").handler(ctx -> u.create(ctx, u.policies.computeIfAbsent(ws(ctx), w -> new CopyOnWriteArrayList<>()),
        "pol_", "policy.created", b -> b.put("enabled", true)));
    r.get("/api/v1/audit").handler(ctx -> list(ctx, u.audit.computeIfAbsent(ws(ctx), w -> new CopyOnWriteArrayList<>())));
  }

  private static String ws(RoutingContext ctx) {
    return Caller.of(ctx).workspaceId();
  }

  private List<JsonObject> agents(RoutingContext ctx) {
    return agents.computeIfAbsent(ws(ctx), w -> {
      List<JsonObject> l = new CopyOnWriteArrayList<>();
      l.add(new JsonObject().put("id", DemoUpstream.shortId("agt_", ids.incrementAndGet())).put("name", "production-agent").put("status", "active"));
      l.add(new JsonObject().put("id", DemoUpstream.shortId("agt_", ids.incrementAndGet())).put("name", "support-bot").put("status", "paused"));
      return l;
    });
  }

  private void withAgent(RoutingContext ctx, java.util.function.Consumer<JsonObject> then) {
    for (JsonObject a : agents(ctx)) {
      if (a.getString("id").equals(ctx.pathParam("id"))) {
        then.accept(a);
        return;
      }
    }
    error(ctx, 404, "not_found", "Agent " + ctx.pathParam("id") + " not found.");
  }

  private void create(RoutingContext ctx, List<JsonObject> into, String prefix, String action,
      java.util.function.UnaryOperator<JsonObject> fill) {
    JsonObject body = DemoUpstream.jsonBody(ctx);
    if (body == null) {
      error(ctx, 400, "invalid_request", "Request bodies must be JSON with Content-Type: application/json.");
      return;
    }
    JsonObject o = fill.apply(body.copy().put("id", DemoUpstream.shortId(prefix, ids.incrementAndGet())));
    into.add(0, o);
    record(ctx, action, o.getString("id"));
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", o));
  }

  private void record(RoutingContext ctx, String action, String target) {
    Caller c = Caller.of(ctx);
    audit.computeIfAbsent(c.workspaceId(), w -> new CopyOnWriteArrayList<>()).add(0, new JsonObject()
        .put("id", DemoUpstream.shortId("aud_", ids.incrementAndGet())).put("action", action).put("target", target)
        .put("key_id", c.keyId()));
  }

  private static void list(RoutingContext ctx, List<JsonObject> items) {
    int limit = DemoUpstream.intParam(ctx, "limit", 20, 1, 100);
    int from = DemoUpstream.intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE);
    List<JsonObject> snapshot = new ArrayList<>(items);
    int to = Math.min(snapshot.size(), from + limit);
    JsonArray page = new JsonArray();
    for (int i = Math.min(from, to); i < to; i++) {
      page.add(snapshot.get(i));
    }
    boolean more = to < snapshot.size();
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", page).put("has_more", more)
        .put("next_cursor", more ? Integer.toString(to) : null));
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    DemoUpstream.json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
