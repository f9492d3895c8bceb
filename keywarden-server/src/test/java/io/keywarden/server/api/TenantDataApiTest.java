package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's own ids and labels over real HTTP: {@code external_id} and {@code metadata} on
 * workspaces, projects and users, the lookups by external id, and keys listed by metadata.
 */
class TenantDataApiTest {
  @TempDir static Path dir;
  static ServerHarness h;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode created(ServerHarness.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data();
  }

  @Test
  void workspacesProjectsAndUsersCarryExternalIdsAndMetadataThatPatchChangesAndNullClears() {
    String acct = unique("acct");
    JsonNode ws = created(h.post("/v1/workspaces",
        "{\"name\":\"Acme\",\"external_id\":\"" + acct + "\",\"metadata\":{\"tier\":\"gold\",\"crm\":\"42\"}}").send());
    assertThat(ws.get("external_id").asText()).isEqualTo(acct);
    assertThat(ws.get("metadata").get("tier").asText()).isEqualTo("gold");
    assertThat(ws.get("suspended").asBoolean()).isFalse();
    String wsId = ws.get("id").asText();

    JsonNode project = created(h.post("/v1/workspaces/" + wsId + "/projects",
        "{\"name\":\"Web\",\"external_id\":\"site-1\",\"metadata\":{\"region\":\"eu\"}}").send());
    assertThat(project.get("external_id").asText()).isEqualTo("site-1");
    JsonNode user = created(h.post("/v1/users", "{\"email\":\"" + unique("u") + "@example.com\",\"name\":\"Ada\","
        + "\"external_id\":\"" + unique("person") + "\"}").send());
    assertThat(user.get("metadata").isEmpty()).isTrue();

    var patched = h.patch("/v1/workspaces/" + wsId, "{\"metadata\":{\"tier\":\"silver\"}}").send();
    assertThat(patched.data().get("metadata").toString()).isEqualTo("{\"tier\":\"silver\"}");
    assertThat(patched.data().get("external_id").asText()).as("absent keeps it").isEqualTo(acct);
    var cleared = h.patch("/v1/workspaces/" + wsId, "{\"external_id\":null,\"metadata\":null}").send();
    assertThat(cleared.data().get("external_id").isNull()).isTrue();
    assertThat(cleared.data().get("metadata").isEmpty()).isTrue();

    var projectPatched = h.patch("/v1/projects/" + project.get("id").asText(), "{\"external_id\":\"site-2\"}").send();
    assertThat(projectPatched.data().get("external_id").asText()).isEqualTo("site-2");
    assertThat(projectPatched.data().get("name").asText()).isEqualTo("Web");
    var userPatched = h.patch("/v1/users/" + user.get("id").asText(), "{\"metadata\":{\"plan\":\"x\"}}").send();
    assertThat(userPatched.data().get("metadata").get("plan").asText()).isEqualTo("x");
  }

  @Test
  void objectsAreFoundByTheirExternalId() {
    String acct = unique("acct");
    String wsId = created(h.post("/v1/workspaces", "{\"name\":\"Find me\",\"external_id\":\"" + acct + "\"}").send())
        .get("id").asText();
    String site = unique("site");
    String projectId = created(h.post("/v1/workspaces/" + wsId + "/projects",
        "{\"name\":\"P\",\"external_id\":\"" + site + "\"}").send()).get("id").asText();
    String person = unique("person");
    String userId = created(h.post("/v1/users", "{\"email\":\"" + unique("f") + "@example.com\",\"name\":\"F\","
        + "\"external_id\":\"" + person + "\"}").send()).get("id").asText();

    var ws = h.get("/v1/workspaces?external_id=" + acct).send();
    assertThat(ws.data()).hasSize(1);
    assertThat(ws.data().get(0).get("id").asText()).isEqualTo(wsId);
    assertThat(h.get("/v1/workspaces?external_id=nobody").send().data()).isEmpty();
    var projects = h.get("/v1/projects?external_id=" + site).send();
    assertThat(projects.data()).extracting(n -> n.get("id").asText()).containsExactly(projectId);
    assertThat(h.get("/v1/projects?external_id=" + site + "&workspace_id=" + wsId).send().data()).hasSize(1);
    var noId = h.get("/v1/projects").send();
    assertThat(noId.status()).isEqualTo(400);
    assertThat(noId.errorField()).isEqualTo("external_id");
    var users = h.get("/v1/users?external_id=" + person).send();
    assertThat(users.data()).extracting(n -> n.get("id").asText()).containsExactly(userId);
  }

  @Test
  void aDuplicateExternalIdIs409ExternalIdTakenNamingTheField() {
    String acct = unique("acct");
    String wsId = created(h.post("/v1/workspaces", "{\"name\":\"A\",\"external_id\":\"" + acct + "\"}").send())
        .get("id").asText();
    String otherWs = created(h.post("/v1/workspaces", "{\"name\":\"B\"}").send()).get("id").asText();
    created(h.post("/v1/workspaces/" + wsId + "/projects", "{\"name\":\"P\",\"external_id\":\"same\"}").send());
    String person = unique("person");
    created(h.post("/v1/users", "{\"email\":\"" + unique("d") + "@example.com\",\"name\":\"D\",\"external_id\":\""
        + person + "\"}").send());

    for (var r : List.of(
        h.post("/v1/workspaces", "{\"name\":\"C\",\"external_id\":\"" + acct + "\"}").send(),
        h.patch("/v1/workspaces/" + otherWs, "{\"external_id\":\"" + acct + "\"}").send(),
        h.post("/v1/workspaces/" + wsId + "/projects", "{\"name\":\"Q\",\"external_id\":\"same\"}").send(),
        h.post("/v1/users", "{\"email\":\"" + unique("e") + "@example.com\",\"name\":\"E\",\"external_id\":\""
            + person + "\"}").send())) {
      assertThat(r.status()).as(r.toString()).isEqualTo(409);
      assertThat(r.errorCode()).isEqualTo("external_id_taken");
      assertThat(r.errorField()).isEqualTo("external_id");
    }
    // Project ids are unique per workspace: another workspace may use the same one.
    created(h.post("/v1/workspaces/" + otherWs + "/projects", "{\"name\":\"P\",\"external_id\":\"same\"}").send());
  }

  @Test
  void metadataMustBeAnObjectOfBoundedStrings() {
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    many.append("}");
    for (String bad : List.of("{\"n\":1}", "[\"a\"]", "\"text\"", many.toString(),
        "{\"big\":\"" + "x".repeat(513) + "\"}", "{\"bad name\":\"v\"}")) {
      var r = h.post("/v1/workspaces", "{\"name\":\"M\",\"metadata\":" + bad + "}").send();
      assertThat(r.status()).as(bad + " " + r).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo("metadata");
    }
    var longId = h.post("/v1/workspaces", "{\"name\":\"M\",\"external_id\":\"" + "x".repeat(256) + "\"}").send();
    assertThat(longId.status()).isEqualTo(400);
    assertThat(longId.errorField()).isEqualTo("external_id");
  }

  @Test
  void keysAreListedByMetadataEqualityWithEveryConditionAndAcrossPages() {
    String wsId = created(h.post("/v1/workspaces", "{\"name\":\"Keys\"}").send()).get("id").asText();
    String userId = created(h.post("/v1/users", "{\"email\":\"" + unique("k") + "@example.com\",\"name\":\"K\"}")
        .send()).get("id").asText();
    assertThat(h.put("/v1/workspaces/" + wsId + "/members/" + userId, "{\"role\":\"member\"}").send().status())
        .isEqualTo(201);
    List<String> infraEu = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String team = i % 2 == 0 ? "infra" : "web";
      String region = i < 4 ? "eu" : "us";
      String id = created(h.post("/v1/keys", "{\"workspace_id\":\"" + wsId + "\",\"kind\":\"user\",\"user_id\":\""
          + userId + "\",\"name\":\"k" + i + "\",\"scopes\":[\"read\"],\"metadata\":{\"team\":\"" + team
          + "\",\"region\":\"" + region + "\"}}").send()).get("id").asText();
      if (team.equals("infra") && region.equals("eu")) {
        infraEu.add(0, id);
      }
      h.clock.advance(java.time.Duration.ofMillis(1));
    }
    String base = "/v1/keys?workspace_id=" + wsId + "&metadata.team=infra&metadata.region=eu";
    var first = h.get(base + "&limit=1").send();
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.data()).extracting(n -> n.get("id").asText()).containsExactly(infraEu.get(0));
    var second = h.get(base + "&limit=1&cursor=" + first.json.at("/pagination/next_cursor").asText()).send();
    assertThat(second.data()).extracting(n -> n.get("id").asText()).containsExactly(infraEu.get(1));
    assertThat(second.json.at("/pagination/has_more").asBoolean()).isFalse();
    assertThat(h.get("/v1/keys?metadata.team=infra&workspace_id=" + wsId).send().data()).hasSize(3);
    var bad = h.get("/v1/keys?metadata.=x").send();
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void aWorkspaceBoundKeyFindsOnlyItsOwnAndCannotSetAWorkspacesExternalId() {
    String acct = unique("acct");
    String mine = created(h.post("/v1/workspaces", "{\"name\":\"Mine\"}").send()).get("id").asText();
    String theirs = created(h.post("/v1/workspaces", "{\"name\":\"Theirs\",\"external_id\":\"" + acct + "\"}").send())
        .get("id").asText();
    created(h.post("/v1/workspaces/" + theirs + "/projects", "{\"name\":\"T\",\"external_id\":\"shared\"}").send());
    String bound = h.server.keywarden().keys().createOperatorKey("bound", List.of("tenants:write"), null, mine,
        Actor.SYSTEM).secret();

    assertThat(h.call("GET", "/v1/workspaces?external_id=" + acct).auth(bound).send().data()).isEmpty();
    assertThat(h.call("GET", "/v1/projects?external_id=shared").auth(bound).send().data()).isEmpty();
    assertThat(h.call("GET", "/v1/projects?external_id=shared&workspace_id=" + theirs).auth(bound).send().data())
        .isEmpty();
    var probe = h.call("PATCH", "/v1/workspaces/" + mine).auth(bound).json("{\"external_id\":\"" + acct + "\"}").send();
    assertThat(probe.status()).isEqualTo(403);
    // Its own project may reuse the id another workspace uses: no 409 tells it that one exists.
    var own = h.call("POST", "/v1/workspaces/" + mine + "/projects").auth(bound)
        .json("{\"name\":\"M\",\"external_id\":\"shared\"}").send();
    assertThat(own.status()).as(own.toString()).isEqualTo(201);
  }
}
