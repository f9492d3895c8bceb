package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;

import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/**
 * Nomotic: a workspace on the Free plan with one named key per scope, and a rotated key (a new
 * key with the same scope, then the old one revoked).
 */
final class NomoticDemo implements SystemDemo {
  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    World w = new World();
    String ws = w.put("workspace", api.workspace("Acme", "free"));
    String ada = w.put("user.ada", api.user("ada+" + tag + "@acme.example", "Ada"));
    api.member(ws, ada, "owner", null);
    for (String scope : List.of("read", "agentic", "write", "admin")) {
      String name = switch (scope) {
        case "read" -> "grafana-dashboard";
        case "agentic" -> "production-agent";
        case "write" -> "platform-integration";
        default -> "internal-tooling";
      };
      w.put(scope, api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", name, "scopes", List.of(scope))));
    }
    Management.Key old = w.put("ci-old", api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "ci-pipeline",
        "scopes", List.of("agentic"))));
    Management.Key rotated = api.key(fields("workspace_id", ws, "kind", "user", "user_id", ada, "name", "ci-pipeline (rotated)",
        "scopes", List.of("agentic")));
    w.put("ci", rotated);
    api.revoke(old.id());
    return w;
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    String v1 = gw + "/api/v1";
    String eval = "{\"agent\": \"production-agent\", \"action\": \"send_email\", \"context\": {\"to\": \"customer@example.com\"}}";
    return List.of(
        Step.of(200, "allowed: a Read key lists agents").get(v1 + "/agents").key(w.secret("read")).build(),
        Step.of(201, "allowed: an Agentic key submits a governance evaluation").call("POST", v1 + "/evaluations")
            .key(w.secret("agentic")).json(eval).build(),
        Step.of(403, "denied: a Read key cannot submit governance evaluations").call("POST", v1 + "/evaluations")
            .key(w.secret("read")).json(eval).build(),
        Step.of(200, "allowed: an Agentic key reads the audit trail").get(v1 + "/audit").key(w.secret("agentic")).build(),
        Step.of(403, "denied: an Agentic key cannot create agents").call("POST", v1 + "/agents")
            .key(w.secret("agentic")).json("{\"name\": \"new-agent\"}").build(),
        Step.of(201, "allowed: Write includes managing agents").call("POST", v1 + "/agents")
            .key(w.secret("write")).json("{\"name\": \"new-agent\"}").build(),
        Step.of(201, "allowed: Write includes everything Agentic allows").call("POST", v1 + "/evaluations")
            .key(w.secret("write")).json(eval).build(),
        Step.of(201, "allowed: Write manages policies").call("POST", v1 + "/policies")
            .key(w.secret("write")).json("{\"name\": \"no-pii-export\"}").build(),
        Step.of(403, "denied: deleting an agent needs Admin").call("DELETE", v1 + "/agents/agt_unknown").key(w.secret("write")).build(),
        Step.of(404, "allowed for Admin (the agent does not exist)").call("DELETE", v1 + "/agents/agt_unknown").key(w.secret("admin")).build(),
        Step.of(401, "denied: a revoked key (rotated: new key, then the old one revoked)").get(v1 + "/agents").key(w.secret("ci-old")).build(),
        Step.of(200, "allowed: the rotated key").get(v1 + "/audit").key(w.secret("ci")).build(),
        Step.of(401, "denied: no key").get(v1 + "/agents").build(),
        Step.of(429, "rate limited: the Free plan allows 60 requests per minute").get(v1 + "/agents")
            .key(w.secret("read")).repeatBefore(60).build());
  }
}
