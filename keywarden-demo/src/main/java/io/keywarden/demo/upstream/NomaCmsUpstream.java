package io.keywarden.demo.upstream;

import io.keywarden.demo.upstream.DemoUpstream.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NomaCMS's content API under {@code /api}, Laravel style: resources in {@code {"data": ...}},
 * lists paginated by page with {@code links} and {@code meta}, errors as {@code {"message"}}.
 * Every answer is about the project Keywarden resolved from the {@code project-id} header.
 */
final class NomaCmsUpstream {
  private static final int PER_PAGE = 15;

  private final DemoData data;
  /** project id -> collection slug -> collection (with its entries under "_entries"). */
  private final Map<String, Map<String, JsonObject>> collections = new ConcurrentHashMap<>();

  private NomaCmsUpstream(DemoData data) {
    this.data = data;
  }

  static void mount(Router r, DemoData data) {
    NomaCmsUpstream u = new NomaCmsUpstream(data);
    r.get("/api/project").handler(u::project);
    r.get("/api/auth/token").handler(NomaCmsUpstream::token);
    r.get("/api/collections").handler(u::collections);
    r.post("/api/collections").handler(u::createCollection);
    r.get("/api/collections/:collection").handler(ctx -> u.withCollection(ctx, c -> DemoUpstream.json(ctx, 200,
        new JsonObject().put("data", view(c)))));
    r.get("/api/collections/:collection/entries").handler(ctx -> u.withCollection(ctx, c -> entries(ctx, c)));
    r.post("/api/collections/:collection/entries").handler(ctx -> u.withCollection(ctx, c -> createEntry(ctx, c)));
    r.get("/api/collections/:collection/entries/:id").handler(ctx -> u.withEntry(ctx, (c, e) ->
        DemoUpstream.json(ctx, 200, new JsonObject().put("data", e))));
    r.put("/api/collections/:collection/entries/:id").handler(ctx -> u.withEntry(ctx, (c, e) -> {
      JsonObject body = DemoUpstream.jsonBody(ctx);
      if (body == null) {
        message(ctx, 422, "The given data was invalid.");
        return;
      }
      e.getJsonObject("fields").mergeIn(body.getJsonObject("fields", body));
      e.put("updated_at", "2026-11-22T10:00:00Z");
      DemoUpstream.json(ctx, 200, new JsonObject().put("data", e));
    }));
    r.delete("/api/collections/:collection/entries/:id").handler(ctx -> u.withEntry(ctx, (c, e) -> {
      c.getJsonArray("_entries").remove(e);
      ctx.response().setStatusCode(204).end();
    }));
  }

  private Map<String, JsonObject> of(String projectId) {
    return collections.computeIfAbsent(projectId, p -> {
      Map<String, JsonObject> m = new ConcurrentHashMap<>();
      JsonObject posts = collection("blog-posts", "Blog posts", List.of("title", "body"));
      for (int i = 1; i <= 20; i++) {
        posts.getJsonArray("_entries").add(entry(new JsonObject().put("title", "Post " + i).put("body", "…")));
      }
      m.put("blog-posts", posts);
      JsonObject authors = collection("authors", "Authors", List.of("name"));
      authors.getJsonArray("_entries").add(entry(new JsonObject().put("name", "Ada")));
      m.put("authors", authors);
      return m;
    });
  }

  private static JsonObject collection(String slug, String name, List<String> fields) {
    JsonArray f = new JsonArray();
    fields.forEach(n -> f.add(new JsonObject().put("name", n).put("type", "text")));
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("slug", slug).put("name", name)
        .put("fields", f).put("_entries", new JsonArray());
  }

  private static JsonObject entry(JsonObject fields) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("fields", fields)
        .put("created_at", "2026-11-01T09:00:00Z").put("updated_at", "2026-11-01T09:00:00Z");
  }

  private static JsonObject view(JsonObject c) {
    JsonObject v = c.copy();
    v.remove("_entries");
    return v;
  }

  private void project(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    DemoData.Project p = data.project(c.workspaceId(), c.projectId());
    if (p == null) {
      message(ctx, 404, "Project not found.");
      return;
    }
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", new JsonObject().put("id", p.id()).put("name", p.name())
        .put("workspace_id", p.workspaceId()).put("default_locale", "en")));
  }

  private static void token(RoutingContext ctx) {
    Caller c = Caller.of(ctx);
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", new JsonObject().put("user_id", c.userId())
        .put("workspace_id", c.workspaceId()).put("abilities", new JsonArray(c.scopes()))));
  }

  private void collections(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    of(Caller.of(ctx).projectId()).values().stream().sorted((a, b) -> a.getString("slug").compareTo(b.getString("slug")))
        .forEach(c -> out.add(view(c)));
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", out));
  }

  private void createCollection(RoutingContext ctx) {
    JsonObject body = DemoUpstream.jsonBody(ctx);
    if (body == null || !(body.getValue("slug") instanceof String slug) || slug.isBlank()) {
      message(ctx, 422, "The slug field is required.");
      return;
    }
    JsonObject c = collection(slug, body.getString("name", slug), List.of());
    of(Caller.of(ctx).projectId()).put(slug, c);
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", view(c)));
  }

  private static void entries(RoutingContext ctx, JsonObject c) {
    JsonArray all = c.getJsonArray("_entries");
    int page = DemoUpstream.intParam(ctx, "page", 1, 1, 1_000_000);
    int last = Math.max(1, (all.size() + PER_PAGE - 1) / PER_PAGE);
    JsonArray items = new JsonArray();
    for (int i = (page - 1) * PER_PAGE; i < Math.min(all.size(), page * PER_PAGE); i++) {
      items.add(all.getValue(i));
    }
    String base = ctx.request().path() + "?page=";
    DemoUpstream.json(ctx, 200, new JsonObject().put("data", items)
        .put("links", new JsonObject().put("first", base + 1).put("last", base + last)
            .put("prev", page > 1 ? base + (page - 1) : null).put("next", page < last ? base + (page + 1) : null))
        .put("meta", new JsonObject().put("current_page", page).put("last_page", last).put("per_page", PER_PAGE)
            .put("total", all.size())));
  }

  private static void createEntry(RoutingContext ctx, JsonObject c) {
    JsonObject body = DemoUpstream.jsonBody(ctx);
    if (body == null) {
      message(ctx, 422, "The given data was invalid.");
      return;
    }
    JsonObject e = entry(body.getJsonObject("fields", body));
    c.getJsonArray("_entries").add(e);
    DemoUpstream.json(ctx, 201, new JsonObject().put("data", e));
  }

  private void withCollection(RoutingContext ctx, java.util.function.Consumer<JsonObject> then) {
    JsonObject c = of(Caller.of(ctx).projectId()).get(ctx.pathParam("collection"));
    if (c == null) {
      message(ctx, 404, "Collection not found.");
      return;
    }
    then.accept(c);
  }

  private void withEntry(RoutingContext ctx, java.util.function.BiConsumer<JsonObject, JsonObject> then) {
    withCollection(ctx, c -> {
      for (Object o : c.getJsonArray("_entries")) {
        if (o instanceof JsonObject e && e.getString("id").equals(ctx.pathParam("id"))) {
          then.accept(c, e);
          return;
        }
      }
      message(ctx, 404, "Entry not found.");
    });
  }

  private static void message(RoutingContext ctx, int status, String message) {
    DemoUpstream.json(ctx, status, new JsonObject().put("message", message));
  }
}
