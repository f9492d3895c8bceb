package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;

import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/**
 * Metorial: a project with a publishable and a secret key in production, and a secret key in
 * development (100 requests per 10 minutes).
 */
final class MetorialDemo implements SystemDemo {
  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    World w = new World();
    String ws = w.put("workspace", api.workspace("Acme", "default"));
    String p = w.put("project.assistant", api.project(ws, "assistant"));
    upstream.addProject(ws, p, "assistant");
    w.put("secret", api.key(fields("workspace_id", ws, "kind", "project", "project_id", p, "name", "server",
        "type", "secret", "environment", "production")));
    w.put("publishable", api.key(fields("workspace_id", ws, "kind", "project", "project_id", p, "name", "web app",
        "type", "publishable", "environment", "production")));
    w.put("development", api.key(fields("workspace_id", ws, "kind", "project", "project_id", p, "name", "local dev",
        "type", "secret", "environment", "development")));
    return w;
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    String list = gw + "/provider-deployments";
    String create = "{\"name\": \"github-prod\", \"provider\": \"github\"}";
    return List.of(
        Step.of(200, "allowed: a publishable key reads public data").get(list).key(w.secret("publishable")).build(),
        Step.of(200, "allowed: a secret key reads (two-way cursors: has_more_before, has_more_after)").get(list)
            .key(w.secret("secret")).build(),
        Step.of(201, "allowed: a secret key writes").call("POST", list).key(w.secret("secret")).json(create).build(),
        Step.of(403, "denied: a publishable key cannot write").call("POST", list).key(w.secret("publishable")).json(create).build(),
        Step.of(401, "denied: an invalid API key").get(list).key("metorial_sk_abc123").build(),
        Step.of(401, "denied: no API key").get(list).build(),
        Step.of(429, "rate limited: development environments allow 100 requests per 10 minutes").get(list)
            .key(w.secret("development")).repeatBefore(100).build());
  }
}
