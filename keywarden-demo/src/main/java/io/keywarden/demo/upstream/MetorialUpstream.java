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
 * Metorial's API at the root: provider deployments of the key's project, listed with two-way
 * cursors ({@code ?after=} / {@code ?before=} an item id; answers carry {@code has_more_before},
 * {@code has_more_after} and the cursors to follow), objects tagged with {@code "object"}.
 */
final class MetorialUpstream {
  private final Map<String, List<JsonObject>> deployments = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  static void mount(Router r, DemoData data) {
    MetorialUpstream u = new MetorialUpstream();
    r.get("/provider-deployments").handler(u::list);
    r.get("/provider-deployments/:id").handler(ctx -> {
      JsonObject d = u.find(ctx);
      if (d == null) {
        error(ctx, 404, "not_found", "Provider deployment " + ctx.pathParam("id") + " not found.");
        return;
      }
      DemoUpstream.json(ctx, 200, d);
    });
    r.post("/provider-deployments").handler(u::create);
    r.delete("/provider-deployments/:id").handler(ctx -> {
      JsonObject d = u.find(ctx);
      if (d == null) {
        error(ctx, 404, "not_found", "Provider deployment " + ctx.pathParam("id") + " not found.");
        return;
      }
      u.of(ctx).remove(d);
      DemoUpstream.json(ctx, 200, d.copy().put("status", "deleted"));
    });
  }

  private List<JsonObject> of(RoutingContext ctx) {
    return deployments.computeIfAbsent(Caller.of(ctx).projectId(), p -> {
      List<JsonObject> l = new CopyOnWriteArrayList<>();
      String[] providers = {"github", "slack", "linear", "notion", "postgres"};
      for (int i = 0; i < 25; i++) {
        l.add(deployment(providers[i % providers.length] + "-" + (i + 1), providers[i % providers.length]));
      }
      return l;
    });
  }

  private JsonObject deployment(String name, String provider) {
    long n = ids.incrementAndGet();
    return new JsonObject().put("object", "provider.deployment").put("id", DemoUpstream.shortId("pdep_", n))
        .put("name", name).put("status", "active")
        .put("provider", new JsonObject().put("object", "provider").put("slug", provider))
        .put("created_at", "2026-10-" + String.format("%02d", 1 + (int) (n % 28)) + "T08:00:00.000Z");
  }

  private JsonObject find(RoutingContext ctx) {
    for (JsonObject d : of(ctx)) {
      if (d.getString("id").equals(ctx.pathParam("id"))) {
        return d;
      }
    }
    return null;
  }

  private void list(RoutingContext ctx) {
    List<JsonObject> all = new ArrayList<>(of(ctx));
    int limit = DemoUpstream.intParam(ctx, "limit", 10, 1, 100);
    String after = ctx.request().getParam("after");
    String before = ctx.request().getParam("before");
    int from;
    int to;
    int anchor = before != null ? indexOf(all, before) : after != null ? indexOf(all, after) : 0;
    if (before != null) {
      to = anchor;
      from = Math.max(0, to - limit);
    } else {
      from = after == null ? 0 : anchor + 1;
      to = Math.min(all.size(), from + limit);
    }
    if (anchor < 0) {
      error(ctx, 400, "invalid_cursor", "The cursor does not name an item of this list.");
      return;
    }
    JsonArray items = new JsonArray();
    for (int i = from; i < to; i++) {
      items.add(all.get(i));
    }
    boolean moreBefore = from > 0;
    boolean moreAfter = to < all.size();
    JsonObject pagination = new JsonObject().put("has_more_before", moreBefore).put("has_more_after", moreAfter)
        .put("cursor_before", moreBefore && !items.isEmpty() ? items.getJsonObject(0).getString("id") : null)
        .put("cursor_after", moreAfter && !items.isEmpty() ? items.getJsonObject(items.size() - 1).getString("id") : null);
    DemoUpstream.json(ctx, 200, new JsonObject().put("object", "list").put("items", items).put("pagination", pagination));
  }

  private static int indexOf(List<JsonObject> all, String id) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getString("id").equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private void create(RoutingContext ctx) {
    JsonObject body = DemoUpstream.jsonBody(ctx);
    if (body == null || !(body.getValue("name") instanceof String name)) {
      error(ctx, 400, "invalid_request", "Send {\"name\", \"provider\"} as application/json.");
      return;
    }
    JsonObject d = deployment(name, body.getString("provider", "custom"));
    of(ctx).add(0, d);
    DemoUpstream.json(ctx, 201, d);
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    DemoUpstream.json(ctx, status, new JsonObject().put("object", "error")
        .put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
