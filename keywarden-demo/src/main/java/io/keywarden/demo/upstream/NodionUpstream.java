package io.keywarden.demo.upstream;

import io.keywarden.demo.upstream.DemoUpstream.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodion's API under {@code /v1}: answers named after the resource ({@code {"regions": [...]}},
 * {@code {"applications": [...]}}). Project-scoped answers use the project Keywarden selected
 * ({@code X-Keywarden-Project-Id}: the X-Nodion-Project header, the user's default project, or a
 * project key's own project); {@code GET /v1/projects} lists the workspace's projects narrowed to
 * {@code X-Keywarden-Allowed-Projects} when Keywarden sends it (the key's allow-list intersected
 * with its owner's membership).
 */
public final class NodionUpstream {
  private final DemoData data;
  private final Map<String, JsonObject> envs = new ConcurrentHashMap<>();

  private NodionUpstream(DemoData data) {
    this.data = data;
  }

  static void mount(Router r, DemoData data) {
    NodionUpstream u = new NodionUpstream(data);
    r.get("/v1/regions").handler(NodionUpstream::regions);
    r.get("/v1/projects").handler(u::projects);
    r.get("/v1/applications").handler(u::applications);
    r.get("/v1/applications/:id").handler(ctx -> u.withApp(ctx, app -> DemoUpstream.json(ctx, 200, new JsonObject().put("application", app))));
    r.post("/v1/applications/:id/deployments").handler(ctx -> u.withApp(ctx, app -> DemoUpstream.json(ctx, 201,
        new JsonObject().put("deployment", new JsonObject().put("id", UUID.randomUUID().toString())
            .put("application_id", app.getString("id")).put("status", "pending")))));
    r.get("/v1/applications/:id/deployments").handler(ctx -> u.withApp(ctx, app -> DemoUpstream.json(ctx, 200,
        new JsonObject().put("deployments", new JsonArray()))));
    r.get("/v1/applications/:id/env").handler(ctx -> u.withApp(ctx, app -> DemoUpstream.json(ctx, 200,
        new JsonObject().put("env", u.env(app)))));
    r.put("/v1/applications/:id/env").handler(ctx -> u.withApp(ctx, app -> {
      JsonObject body = DemoUpstream.jsonBody(ctx);
      if (body == null || !(body.getValue("env") instanceof JsonObject vars)) {
        error(ctx, 400, "invalid_request", "Send {\"env\": {\"NAME\": \"value\"}} as application/json.");
        return;
      }
      u.env(app).mergeIn(vars);
      DemoUpstream.json(ctx, 200, new JsonObject().put("env", u.env(app)));
    }));
    r.get("/v1/applications/:id/logs").handler(ctx -> u.withApp(ctx, app -> DemoUpstream.json(ctx, 200,
        new JsonObject().put("logs", new JsonArray()
            .add(new JsonObject().put("timestamp", "2026-11-20T09:00:00Z").put("message", "Booting " + app.getString("name")))
            .add(new JsonObject().put("timestamp", "2026-11-20T09:00:02Z").put("message", "Listening on :8080"))))));
    r.get("/v1/domains").handler(ctx -> DemoUpstream.json(ctx, 200, new JsonObject().put("domains", new JsonArray())));
    r.post("/v1/domains").handler(ctx -> {
      JsonObject body = DemoUpstream.jsonBody(ctx);
      if (body == null || !(body.getValue("name") instanceof String name)) {
        error(ctx, 400, "invalid_request", "Send {\"name\": \"example.com\"} as application/json.");
        return;
      }
      DemoUpstream.json(ctx, 201, new JsonObject().put("domain", new JsonObject().put("id", UUID.randomUUID().toString())
          .put("name", name).put("project_id", Caller.of(ctx).projectId()).put("verified", false)));
    });
  }

  private static void regions(RoutingContext ctx) {
    DemoUpstream.json(ctx, 200, new JsonObject().put("regions", new JsonArray()
        .add(new JsonObject().put("id", "5903725b-f554-4294-ab17-c992a765a001").put("name", "EU Central").put("slug", "euc"))
        .add(new JsonObject().put("id", "5e4ce16b-7409-4bb4-849a-9aec0ec0c7af").put("name", "US East").put("slug", "use"))));
  }

  private void projects(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    JsonArray out = new JsonArray();
    for (DemoData.Project p : data.projects(c.workspaceId())) {
      boolean reachable = "project".equals(c.kind()) ? p.id().equals(c.projectId())
          : c.allowedProjects() == null || c.allowedProjects().contains(p.id());
      if (reachable) {
        out.add(new JsonObject().put("id", p.id()).put("name", p.name()));
      }
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("projects", out));
  }

  /** Two applications per project, with stable ids. */
  static List<JsonObject> apps(DemoData.Project p) {
    return List.of(app(p, "web"), app(p, "worker"));
  }

  private static JsonObject app(DemoData.Project p, String kind) {
    String id = UUID.nameUUIDFromBytes((p.id() + "/" + kind).getBytes(StandardCharsets.UTF_8)).toString();
    return new JsonObject().put("id", id).put("name", p.name() + "-" + kind).put("project_id", p.id()).put("status", "running");
  }

  /** The id of application {@code kind} ("web" or "worker") of a project, for demos and tests. */
  public static String appId(String projectId, String kind) {
    return UUID.nameUUIDFromBytes((projectId + "/" + kind).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private void applications(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    DemoData.Project p = data.project(c.workspaceId(), c.projectId());
    JsonArray out = new JsonArray();
    if (p != null) {
      apps(p).forEach(out::add);
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("applications", out));
  }

  private void withApp(RoutingContext ctx, java.util.function.Consumer<JsonObject> then) {
    Caller c = Caller.of(ctx);
    DemoData.Project p = data.project(c.workspaceId(), c.projectId());
    if (p != null) {
      for (JsonObject app : apps(p)) {
        if (app.getString("id").equals(ctx.pathParam("id"))) {
          then.accept(app);
          return;
        }
      }
    }
    error(ctx, 404, "not_found", "Application not found in this project.");
  }

  private JsonObject env(JsonObject app) {
    return envs.computeIfAbsent(app.getString("id"), id -> new JsonObject().put("NODE_ENV", "production").put("PORT", "8080"));
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    DemoUpstream.json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
