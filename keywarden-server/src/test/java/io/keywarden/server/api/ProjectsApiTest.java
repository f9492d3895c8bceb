package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.PageRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/workspaces/{id}/projects} and {@code /v1/projects/{id}} over real HTTP: one test per
 * status the family can return, and the tenant boundary for workspace-scoped operator keys.
 */
class ProjectsApiTest {
  private static final String UNKNOWN_WS = "ws_000000000000000000000";
  private static final String UNKNOWN_PROJECT = "proj_000000000000000000000";

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

  private static String createWorkspace(String name) {
    var r = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  private static String createProject(String ws, String name) {
    var r = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  /** An admin operator key bound to {@code ws}. */
  private static String scopedKey(String ws) {
    return h.server.keywarden().keys()
        .createOperatorKey("scoped", List.of("admin"), null, ws, Actor.SYSTEM).secret();
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  // ---- 201 / 200 ----

  @Test
  void createReturns201WithTheProjectInItsWorkspace() {
    String ws = createWorkspace("Acme");
    var r = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"  Website  \"}").send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.data().get("id").asText()).startsWith("proj_");
    assertThat(r.data().get("object").asText()).isEqualTo("project");
    assertThat(r.data().get("workspace_id").asText()).isEqualTo(ws);
    assertThat(r.data().get("name").asText()).isEqualTo("Website");
    assertThat(r.data().get("created_at").asText()).endsWith("Z");
  }

  @Test
  void getReturns200WithTheProject() {
    String ws = createWorkspace("Globex");
    String p = createProject(ws, "API");
    var r = h.get("/v1/projects/" + p).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("id").asText()).isEqualTo(p);
    assertThat(r.data().get("name").asText()).isEqualTo("API");
  }

  @Test
  void listReturnsOnlyTheWorkspacesProjectsPageByPage() {
    String ws = createWorkspace("Paged");
    String other = createWorkspace("Other");
    String p1 = createProject(ws, "one");
    String p2 = createProject(ws, "two");
    String p3 = createProject(ws, "three");
    createProject(other, "not mine");
    var first = h.get("/v1/workspaces/" + ws + "/projects?limit=2").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(ids(first.data())).containsExactly(p3, p2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    var second = h.get("/v1/workspaces/" + ws + "/projects?limit=2&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(second.status()).isEqualTo(200);
    assertThat(ids(second.data())).containsExactly(p1);
    assertThat(second.json.get("pagination").get("has_more").asBoolean()).isFalse();
    assertThat(second.json.get("pagination").get("has_more_before").asBoolean()).isTrue();
  }

  @Test
  void patchRenamesTheProject() {
    String p = createProject(createWorkspace("Initech"), "old");
    var r = h.patch("/v1/projects/" + p, "{\"name\":\"new\"}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("name").asText()).isEqualTo("new");
    assertThat(h.get("/v1/projects/" + p).send().data().get("name").asText()).isEqualTo("new");
  }

  @Test
  void patchWithoutNameChangesNothingAndWritesNoAuditEvent() {
    String p = createProject(createWorkspace("Quiet"), "same");
    var r = h.patch("/v1/projects/" + p, "{}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("name").asText()).isEqualTo("same");
    assertThat(actionsOn(p)).containsExactly("project.created");
  }

  @Test
  void deleteReturns200AndTheProjectLeavesGetAndList() {
    String ws = createWorkspace("Doomed");
    String keep = createProject(ws, "keep");
    String doomed = createProject(ws, "doomed");
    var r = h.delete("/v1/projects/" + doomed).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("id").asText()).isEqualTo(doomed);
    assertThat(r.data().get("object").asText()).isEqualTo("project");
    assertThat(r.data().get("deleted").asBoolean()).isTrue();
    assertThat(h.get("/v1/projects/" + doomed).send().status()).isEqualTo(404);
    assertThat(ids(h.get("/v1/workspaces/" + ws + "/projects").send().data())).containsExactly(keep);
  }

  @Test
  void auditEventsRecordCreateRenameAndDeleteWithTheOperatorAsActor() {
    String ws = createWorkspace("Audited");
    String p = createProject(ws, "a");
    h.patch("/v1/projects/" + p, "{\"name\":\"b\"}").send();
    h.delete("/v1/projects/" + p).send();
    var events = h.server.keywarden().store()
        .auditEvents(new AuditFilter(ws, p, null, null, null), PageRequest.first(10)).items();
    assertThat(events).extracting(AuditEvent::action)
        .containsExactlyInAnyOrder("project.created", "project.updated", "project.deleted");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.actor()).startsWith("operator:key_");
      assertThat(e.workspaceId()).isEqualTo(ws);
    });
  }

  // ---- 400 ----

  @Test
  void missingNameIs400NamingName() {
    var r = h.post("/v1/workspaces/" + createWorkspace("x") + "/projects", "{}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void blankOrOverlongNameIs400NamingName() {
    String ws = createWorkspace("x");
    var blank = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"   \"}").send();
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.errorField()).isEqualTo("name");
    var longName = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"" + "n".repeat(201) + "\"}").send();
    assertThat(longName.status()).isEqualTo(400);
    assertThat(longName.errorField()).isEqualTo("name");
  }

  @Test
  void wrongTypeIs400NamingTheField() {
    var r = h.post("/v1/workspaces/" + createWorkspace("x") + "/projects", "{\"name\":7}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void unknownFieldIs400NamingItAndCreatesNothing() {
    String ws = createWorkspace("x");
    var r = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"p\",\"colour\":\"red\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("colour");
    assertThat(h.get("/v1/workspaces/" + ws + "/projects").send().data()).isEmpty();
  }

  @Test
  void patchWithNullNameIs400NamingName() {
    String p = createProject(createWorkspace("x"), "p");
    var r = h.patch("/v1/projects/" + p, "{\"name\":null}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void badLimitIs400NamingLimit() {
    var r = h.get("/v1/workspaces/" + createWorkspace("x") + "/projects?limit=0").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("limit");
  }

  // ---- 401 / 403 ----

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/projects/" + UNKNOWN_PROJECT).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
  }

  @Test
  void badKeyIs401WithInvalidToken() {
    var r = h.call("POST", "/v1/workspaces/" + UNKNOWN_WS + "/projects")
        .auth("kw_op_notarealkeyatallnotarealkeyatall0000").json("{\"name\":\"p\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void operatorKeyWithoutTheScopeIs403NamingTheScope() {
    String ws = createWorkspace("x");
    String reader = h.server.keywarden().keys()
        .createOperatorKey("keys reader", List.of("keys:read"), null, Actor.SYSTEM).secret();
    var write = h.call("POST", "/v1/workspaces/" + ws + "/projects").auth(reader).json("{\"name\":\"p\"}").send();
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.reason()).isEqualTo("insufficient_scope");
    assertThat(write.header("WWW-Authenticate")).contains("scope=\"tenants:write\"");
    var read = h.call("GET", "/v1/workspaces/" + ws + "/projects").auth(reader).send();
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.header("WWW-Authenticate")).contains("scope=\"tenants:read\"");
    assertThat(h.get("/v1/workspaces/" + ws + "/projects").send().data()).isEmpty();
  }

  @Test
  void tenantsReadKeyMayListButNotDelete() {
    String p = createProject(createWorkspace("x"), "p");
    String reader = h.server.keywarden().keys()
        .createOperatorKey("tenants reader", List.of("tenants:read"), null, Actor.SYSTEM).secret();
    assertThat(h.call("GET", "/v1/projects/" + p).auth(reader).send().status()).isEqualTo(200);
    assertThat(h.call("DELETE", "/v1/projects/" + p).auth(reader).send().status()).isEqualTo(403);
    assertThat(h.get("/v1/projects/" + p).send().status()).isEqualTo(200);
  }

  // ---- 404 ----

  @Test
  void unknownProjectIs404OnGetPatchAndDelete() {
    for (var call : List.of(h.get("/v1/projects/" + UNKNOWN_PROJECT),
        h.patch("/v1/projects/" + UNKNOWN_PROJECT, "{\"name\":\"n\"}"),
        h.delete("/v1/projects/" + UNKNOWN_PROJECT))) {
      var r = call.send();
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
      assertThat(r.json.get("error").get("message").asText()).isEqualTo("Project not found.");
    }
  }

  @Test
  void unknownWorkspaceIs404OnCreateAndList() {
    var create = h.post("/v1/workspaces/" + UNKNOWN_WS + "/projects", "{\"name\":\"p\"}").send();
    assertThat(create.status()).isEqualTo(404);
    assertThat(create.json.get("error").get("message").asText()).isEqualTo("Workspace not found.");
    var list = h.get("/v1/workspaces/" + UNKNOWN_WS + "/projects").send();
    assertThat(list.status()).isEqualTo(404);
  }

  @Test
  void workspaceScopedKeySeesAnotherWorkspacesProjectExactlyLikeAnUnknownOne() {
    String mine = createWorkspace("Mine");
    String theirs = createWorkspace("Theirs");
    String theirProject = createProject(theirs, "secret plans");
    String key = scopedKey(mine);

    var unknown = h.call("GET", "/v1/projects/" + UNKNOWN_PROJECT).auth(key).send();
    var foreign = h.call("GET", "/v1/projects/" + theirProject).auth(key).send();
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json.get("error")).isEqualTo(unknown.json.get("error"));

    assertThat(h.call("PATCH", "/v1/projects/" + theirProject).auth(key).json("{\"name\":\"mine now\"}")
        .send().status()).isEqualTo(404);
    assertThat(h.call("DELETE", "/v1/projects/" + theirProject).auth(key).send().status()).isEqualTo(404);
    var still = h.get("/v1/projects/" + theirProject).send();
    assertThat(still.status()).isEqualTo(200);
    assertThat(still.data().get("name").asText()).isEqualTo("secret plans");
  }

  @Test
  void workspaceScopedKeySeesAnotherWorkspaceExactlyLikeAnUnknownOne() {
    String mine = createWorkspace("Mine");
    String theirs = createWorkspace("Theirs");
    String key = scopedKey(mine);
    var unknown = h.call("GET", "/v1/workspaces/" + UNKNOWN_WS + "/projects").auth(key).send();
    var foreign = h.call("GET", "/v1/workspaces/" + theirs + "/projects").auth(key).send();
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json.get("error")).isEqualTo(unknown.json.get("error"));
    var create = h.call("POST", "/v1/workspaces/" + theirs + "/projects").auth(key).json("{\"name\":\"p\"}").send();
    assertThat(create.status()).isEqualTo(404);
    assertThat(h.get("/v1/workspaces/" + theirs + "/projects").send().data()).isEmpty();
  }

  @Test
  void workspaceScopedKeyManagesItsOwnWorkspacesProjects() {
    String mine = createWorkspace("Mine");
    String key = scopedKey(mine);
    var created = h.call("POST", "/v1/workspaces/" + mine + "/projects").auth(key).json("{\"name\":\"p\"}").send();
    assertThat(created.status()).isEqualTo(201);
    String p = created.data().get("id").asText();
    assertThat(h.call("GET", "/v1/workspaces/" + mine + "/projects").auth(key).send().data()).hasSize(1);
    assertThat(h.call("PATCH", "/v1/projects/" + p).auth(key).json("{\"name\":\"q\"}").send().status()).isEqualTo(200);
    assertThat(h.call("DELETE", "/v1/projects/" + p).auth(key).send().status()).isEqualTo(200);
  }

  @Test
  void operatorKeyBoundToAnUnknownWorkspaceIsRefusedNamingWorkspaceId() {
    assertThatThrownBy(() -> h.server.keywarden().keys()
        .createOperatorKey("lost", List.of("admin"), null, UNKNOWN_WS, Actor.SYSTEM))
        .isInstanceOf(KeywardenException.class)
        .satisfies(e -> assertThat(((KeywardenException) e).field()).isEqualTo("workspace_id"));
  }

  // ---- 413 / 415 ----

  @Test
  void oversizedBodyIs413AndCreatesNothing() {
    String ws = createWorkspace("x");
    String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
    var r = h.post("/v1/workspaces/" + ws + "/projects", huge).send();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(h.get("/v1/workspaces/" + ws + "/projects").send().data()).isEmpty();
  }

  @Test
  void nonJsonBodyIs415AndChangesNothing() {
    String p = createProject(createWorkspace("x"), "p");
    var r = h.call("PATCH", "/v1/projects/" + p).auth(h.adminKey)
        .body("text/plain", "name=q".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    assertThat(h.get("/v1/projects/" + p).send().data().get("name").asText()).isEqualTo("p");
  }

  private static List<String> actionsOn(String target) {
    return h.server.keywarden().store()
        .auditEvents(new AuditFilter(null, target, null, null, null), PageRequest.first(50))
        .items().stream().map(AuditEvent::action).toList();
  }
}
