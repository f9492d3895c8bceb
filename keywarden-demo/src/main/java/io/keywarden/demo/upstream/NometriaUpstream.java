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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nometria's API: projects, deployments (trigger, list with {@code has_more}/{@code next_cursor},
 * roll back) and migrations, answered as {@code {"data": ...}} or {@code {"error": {"code",
 * "message"}}}. Keys are account-wide, so every answer is scoped to the caller's workspace; a
 * project of another account is "not found".
 */
final class NometriaUpstream {
  private static final int PAGE = 10;

  private final DemoData data;
  private final Map<String, List<JsonObject>> deployments = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> migrations = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private NometriaUpstream(DemoData data) {
    this.data = data;
  }

  static void mount(Router r, DemoData data) {
    NometriaUpstream u = new NometriaUpstream(data);
    r.get("/v1/projects").handler(u::projects);
    r.get("/v1/projects/:id").handler(u::project);
    r.get("/v1/deployments").handler(ctx -> u.list(ctx, u.deployments(Caller.of(ctx).workspaceId())));
    r.post("/v1/deployments").handler(u::deploy);
    r.get("/v1/deployments/:id").handler(ctx -> u.one(ctx, u.deployments(Caller.of(ctx).workspaceId()), "Deployment"));
    r.post("/v1/deployments/:id/rollback").handler(u::rollback);
    r.get("/v1/migrations").handler(ctx -> u.list(ctx, u.migrations(Caller.of(ctx).workspaceId())));
    r.post("/v1/migrations").handler(u::migrate);
    r.get("/v1/migrations/:id").handler(ctx -> u.one(ctx, u.migrations(Caller.of(ctx).workspaceId()), "Migration"));
  }

  private void projects(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (DemoData.Project p : data.projects(Caller.of(ctx).workspaceId())) {
      out.add(project(p));
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", out)
        .put("pagination", new JsonObject().put("has_more", false).putNull("next_cursor")));
  }

  private void project(RoutingContext ctx) {
    DemoData.Project p = data.project(Caller.of(ctx).workspaceId(), ctx.pathParam("id"));
    if (p == null) {
      error(ctx, 404, "not_found", "Project " + ctx.pathParam("id") + " not found.");
      return;
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", project(p)));
  }

  private static JsonObject project(DemoData.Project p) {
    return new JsonObject().put("id", p.id()).put("name", p.name()).put("status", "active");
  }

  private List<JsonObject> deployments(String ws) {
    return deployments.computeIfAbsent(ws, w -> {
      List<JsonObject> list = java.util.Collections.synchronizedList(new ArrayList<>());
      // A history to page through: six past deployments per project, newest first.
      for (DemoData.Project p : data.projects(w)) {
        for (int i = 0; i < 6; i++) {
          list.add(new JsonObject().put("id", DemoUpstream.shortId("dep_", ids.incrementAndGet()))
              .put("status", i == 0 ? "live" : "superseded")
              .put("project_id", p.id()).put("created_at", "2026-11-0" + (1 + i) + "T12:00:00Z"));
        }
      }
      return list;
    });
  }

  private List<JsonObject> migrations(String ws) {
    return migrations.computeIfAbsent(ws, w -> java.util.Collections.synchronizedList(new ArrayList<>()));
  }

  private void list(RoutingContext ctx, List<JsonObject> items) {
    int from = 0;
    String cursor = ctx.request().getParam("cursor");
    if (cursor != null) {
      try {
        from = Integer.parseInt(cursor.substring("cur_".length()));
        if (from < 0 || !cursor.startsWith("cur_")) {
          throw new IllegalArgumentException(cursor);
        }
      } catch (RuntimeException e) {
        error(ctx, 400, "invalid_request", "cursor " + cursor + " is not a cursor this API gave out.");
        return;
      }
    }
    List<JsonObject> snapshot;
    synchronized (items) {
      snapshot = new ArrayList<>(items);
    }
    int to = Math.min(snapshot.size(), from + PAGE);
    JsonArray page = new JsonArray();
    for (int i = Math.min(from, to); i < to; i++) {
      page.add(snapshot.get(i));
    }
    boolean more = to < snapshot.size();
    JsonObject pagination = new JsonObject().put("has_more", more);
    if (more) {
      pagination.put("next_cursor", "cur_" + to);
    } else {
      pagination.putNull("next_cursor");
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", page).put("pagination", pagination));
  }

  private void one(RoutingContext ctx, List<JsonObject> items, String what) {
    JsonObject found = find(items, ctx.pathParam("id"));
    if (found == null) {
      error(ctx, 404, "not_found", what + " " + ctx.pathParam("id") + " not found.");
      return;
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", found));
  }

  private static JsonObject find(List<JsonObject> items, String id) {
    synchronized (items) {
      for (JsonObject o : items) {
        if (o.getString("id").equals(id)) {
          return o;
        }
      }
    }
    return null;
  }

  private void deploy(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    JsonObject body = jsonOr400(ctx);
    if (body == null) {
      return;
    }
    Object pid = body.getValue("project_id");
    if (!(pid instanceof String projectId) || projectId.isBlank()) {
      error(ctx, 400, "invalid_request", "project_id is required.");
      return;
    }
    if (data.project(c.workspaceId(), projectId) == null) {
      error(ctx, 404, "not_found", "Project " + projectId + " not found.");
      return;
    }
    JsonObject d = new JsonObject().put("id", DemoUpstream.shortId("dep_", ids.incrementAndGet()))
        .put("status", "queued").put("project_id", projectId);
    deployments(c.workspaceId()).add(0, d);
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", d));
  }

  private void rollback(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    JsonObject d = find(deployments(c.workspaceId()), ctx.pathParam("id"));
    if (d == null) {
      error(ctx, 404, "not_found", "Deployment " + ctx.pathParam("id") + " not found.");
      return;
    }
    JsonObject r = new JsonObject().put("id", DemoUpstream.shortId("dep_", ids.incrementAndGet()))
        .put("status", "queued").put("project_id", d.getString("project_id")).put("rollback_of", d.getString("id"));
    deployments(c.workspaceId()).add(0, r);
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", r));
  }

  private void migrate(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    JsonObject body = jsonOr400(ctx);
    if (body == null) {
      return;
    }
    Object pid = body.getValue("project_id");
    if (!(pid instanceof String projectId) || data.project(c.workspaceId(), projectId) == null) {
      error(ctx, 404, "not_found", "Project " + pid + " not found.");
      return;
    }
    JsonObject m = new JsonObject().put("id", DemoUpstream.shortId("mig_", ids.incrementAndGet()))
        .put("status", "pending").put("project_id", projectId);
    migrations(c.workspaceId()).add(0, m);
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", m));
  }

  /** The JSON body; a body that is not {@code application/json} is Nometria's 400. */
  private static JsonObject jsonOr400(RoutingContext ctx) {
    JsonObject body = DemoUpstream.jsonBody(ctx);
    if (body == null) {
      error(ctx, 400, "invalid_request", "Request bodies must be JSON with Content-Type: application/json.");
    }
    return body;
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    DemoUpstream.json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
