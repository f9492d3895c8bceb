package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;

import io.keywarden.core.keys.KeyFormat;
import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/**
 * Nometria: an account on Pro with two projects and account-wide keys, a Free account to show
 * the 30-per-minute tier, and another account whose project is "not found".
 */
final class NometriaDemo implements SystemDemo {
  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    World w = new World();
    String ws = w.put("workspace", api.workspace("Acme", "pro"));
    for (String p : List.of("web", "api")) {
      upstream.addProject(ws, w.put("project." + p, api.project(ws, p)), p);
    }
    String ada = w.put("user.ada", api.user("ada+" + tag + "@acme.example", "Ada"));
    api.member(ws, ada, "owner", null);
    String bob = w.put("user.bob", api.user("bob+" + tag + "@acme.example", "Bob"));
    api.member(ws, bob, "viewer", null);
    w.put("ci", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "ci-pipeline",
        "scopes", List.of("read", "write"))));
    w.put("readonly", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "dashboard",
        "scopes", List.of("read"))));
    w.put("viewer", api.key(fields("workspace_id", ws, "kind", "user", "user_id", bob, "name", "bob's script",
        "scopes", List.of("read", "write"))));

    String free = w.put("workspace.free", api.workspace("Hobby", "free"));
    upstream.addProject(free, w.put("project.site", api.project(free, "site")), "site");
    String cy = w.put("user.cy", api.user("cy+" + tag + "@hobby.example", "Cy"));
    api.member(free, cy, "owner", null);
    w.put("free", api.key(fields("workspace_id", free, "kind", "user", "user_id", cy, "name", "laptop",
        "scopes", List.of("read", "write"))));

    String other = w.put("workspace.other", api.workspace("Other account", "team"));
    upstream.addProject(other, w.put("project.other", api.project(other, "theirs")), "theirs");
    return w;
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    String v1 = gw + "/v1";
    String ci = w.secret("ci");
    return List.of(
        Step.of(200, "allowed: the account's projects, with X-RateLimit-* headers").get(v1 + "/projects").key(ci).build(),
        Step.of(201, "allowed: trigger a deployment (JSON body)").call("POST", v1 + "/deployments").key(ci)
            .json("{\"project_id\": \"" + w.id("project.web") + "\"}").build(),
        Step.of(200, "cursor pagination: first page of deployments (has_more, next_cursor)").get(v1 + "/deployments").key(ci).build(),
        Step.of(200, "cursor pagination: the next page").get(v1 + "/deployments?cursor=cur_10").key(ci).build(),
        Step.of(401, "denied: no API key").get(v1 + "/projects").build(),
        Step.of(401, "denied: a well-formed key that does not exist").get(v1 + "/projects")
            .key(KeyFormat.generate("nometria_sk_live")).build(),
        Step.of(403, "denied: a read-only key cannot trigger deployments").call("POST", v1 + "/deployments")
            .key(w.secret("readonly")).json("{\"project_id\": \"" + w.id("project.web") + "\"}").build(),
        Step.of(403, "denied: a viewer's key is capped by the viewer's role").call("POST", v1 + "/deployments")
            .key(w.secret("viewer")).json("{\"project_id\": \"" + w.id("project.web") + "\"}").build(),
        Step.of(404, "not found: another account's project").call("POST", v1 + "/deployments").key(ci)
            .json("{\"project_id\": \"" + w.id("project.other") + "\"}").build(),
        Step.of(400, "bad request: bodies must be JSON").call("POST", v1 + "/deployments").key(ci)
            .body("text/plain", "project_id=" + w.id("project.web")).build(),
        Step.of(429, "rate limited: the Free tier allows 30 requests per minute").get(v1 + "/projects")
            .key(w.secret("free")).repeatBefore(30).build());
  }
}
