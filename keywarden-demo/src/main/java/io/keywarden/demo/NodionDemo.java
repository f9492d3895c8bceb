package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;

import io.keywarden.demo.upstream.DemoData;
import io.keywarden.demo.upstream.NodionUpstream;
import java.util.List;

/**
 * Nodion: a workspace with three projects, a user whose default project is "shop", user keys with
 * different scopes and one with an allow-list, and a project key for CI.
 */
final class NodionDemo implements SystemDemo {
  static final String HEADER = "X-Nodion-Project";

  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    World w = new World();
    String ws = w.put("workspace", api.workspace("Acme", "default"));
    for (String p : List.of("shop", "blog", "internal")) {
      upstream.addProject(ws, w.put("project." + p, api.project(ws, p)), p);
    }
    String ada = w.put("user.ada", api.user("ada+" + tag + "@acme.example", "Ada"));
    api.member(ws, ada, "owner", w.id("project.shop"));
    w.put("app.shop.web", NodionUpstream.appId(w.id("project.shop"), "web"));
    w.put("app.blog.web", NodionUpstream.appId(w.id("project.blog"), "web"));
    w.put("app.internal.web", NodionUpstream.appId(w.id("project.internal"), "web"));
    w.put("cli", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "laptop CLI",
        "scopes", List.of("read", "deploy", "logs:read"))));
    w.put("agent", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "Claude",
        "scopes", List.of("read"), "projects", List.of(w.id("project.shop"), w.id("project.blog")), "ttl_days", 30)));
    w.put("env", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "secrets sync",
        "scopes", List.of("read", "env:read", "env:write"))));
    w.put("project", api.key(fields("workspace_id", ws, "kind", "project", "project_id", w.id("project.shop"),
        "name", "GitHub Actions")));
    return w;
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    String v1 = gw + "/v1";
    String cli = w.secret("cli");
    String shopApp = w.id("app.shop.web");
    return List.of(
        Step.of(200, "allowed: GET /v1/regions").get(v1 + "/regions").key(cli).build(),
        Step.of(200, "allow-list: GET /v1/projects lists only the key's two projects").get(v1 + "/projects").key(w.secret("agent")).build(),
        Step.of(200, "project selection: X-Nodion-Project picks blog").get(v1 + "/applications").key(cli)
            .header(HEADER, w.id("project.blog")).build(),
        Step.of(200, "default project: without the header, the user's default project (shop)").get(v1 + "/applications").key(cli).build(),
        Step.of(201, "deploy scope: create a deployment").call("POST", v1 + "/applications/" + shopApp + "/deployments").key(cli).build(),
        Step.of(200, "read + logs:read: application logs").get(v1 + "/applications/" + shopApp + "/logs").key(cli).build(),
        Step.of(403, "denied: reading env values needs env:read").get(v1 + "/applications/" + shopApp + "/env").key(cli).build(),
        Step.of(200, "allowed: env:read").get(v1 + "/applications/" + shopApp + "/env").key(w.secret("env")).build(),
        Step.of(403, "denied: a project outside the key's allow-list").get(v1 + "/applications").key(w.secret("agent"))
            .header(HEADER, w.id("project.internal")).build(),
        Step.of(200, "project key: full access to its project; X-Nodion-Project is ignored").get(v1 + "/applications/" + shopApp + "/env")
            .key(w.secret("project")).header(HEADER, w.id("project.internal")).build(),
        Step.of(404, "unknown project").get(v1 + "/applications").key(cli).header(HEADER, "proj_doesnotexist").build(),
        Step.of(401, "denied: no token").get(v1 + "/regions").build(),
        Step.of(429, "rate limited: 60 requests per minute per key (illustrative)").get(v1 + "/regions")
            .key(w.secret("env")).repeatBefore(60).build());
  }
}
