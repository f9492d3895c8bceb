package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;

import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/**
 * NomaCMS: two workspaces (a token belongs to the one active when it was made), projects in
 * each, and personal tokens with different abilities.
 */
final class NomaCmsDemo implements SystemDemo {
  static final String HEADER = "project-id";

  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    World w = new World();
    String ws = w.put("workspace", api.workspace("Studio", "default"));
    for (String p : List.of("website", "docs")) {
      upstream.addProject(ws, w.put("project." + p, api.project(ws, p)), p);
    }
    String agency = w.put("workspace.agency", api.workspace("Agency", "default"));
    upstream.addProject(agency, w.put("project.client", api.project(agency, "client-site")), "client-site");
    String ada = w.put("user.ada", api.user("ada+" + tag + "@studio.example", "Ada"));
    api.member(ws, ada, "owner", null);
    api.member(agency, ada, "owner", null);
    w.put("reader", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "website build",
        "scopes", List.of("read"))));
    w.put("editor", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "import script",
        "scopes", List.of("read", "create", "update", "delete"))));
    w.put("full", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "full access",
        "scopes", List.of("*"))));
    w.put("agency", api.key(fields("workspace_id", agency, "kind", "user", "user_id", ada, "name", "agency token",
        "scopes", List.of("read"))));
    return w;
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    String api = gw + "/api";
    String site = w.id("project.website");
    return List.of(
        Step.of(200, "allowed: get the project (read)").get(api + "/project").key(w.secret("reader")).header(HEADER, site).build(),
        Step.of(200, "allowed: list entries, paginated (links, meta)").get(api + "/collections/blog-posts/entries")
            .key(w.secret("reader")).header(HEADER, site).build(),
        Step.of(201, "allowed: create an entry (create)").call("POST", api + "/collections/blog-posts/entries")
            .key(w.secret("editor")).header(HEADER, site).json("{\"fields\": {\"title\": \"Hello\", \"body\": \"World\"}}").build(),
        Step.of(400, "denied: no project-id header -> Project header missing.").get(api + "/project").key(w.secret("reader")).build(),
        Step.of(404, "denied: unknown project -> Project not found.").get(api + "/project").key(w.secret("reader"))
            .header(HEADER, "proj_doesnotexist").build(),
        Step.of(404, "denied: a project of another workspace -> Project not found.").get(api + "/project")
            .key(w.secret("reader")).header(HEADER, w.id("project.client")).build(),
        Step.of(403, "denied: a read token cannot create -> Forbidden").call("POST", api + "/collections/blog-posts/entries")
            .key(w.secret("reader")).header(HEADER, site).json("{\"fields\": {\"title\": \"x\"}}").build(),
        Step.of(403, "denied: creating a collection needs admin -> Forbidden").call("POST", api + "/collections")
            .key(w.secret("editor")).header(HEADER, site).json("{\"slug\": \"pages\", \"name\": \"Pages\"}").build(),
        Step.of(201, "allowed: * grants every ability").call("POST", api + "/collections")
            .key(w.secret("full")).header(HEADER, site).json("{\"slug\": \"pages\", \"name\": \"Pages\"}").build(),
        Step.of(401, "denied: no bearer token").get(api + "/project").header(HEADER, site).build(),
        Step.of(429, "rate limited: the auth route's named limit, 10 per minute").get(api + "/auth/token")
            .key(w.secret("agency")).header(HEADER, w.id("project.client")).repeatBefore(10).build());
  }
}
