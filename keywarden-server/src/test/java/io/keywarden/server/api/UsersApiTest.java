package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.PageRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/users} over real HTTP: one test per status the family can return, and what a
 * workspace-scoped operator key may see and do with these deployment-wide objects.
 */
class UsersApiTest {
  private static final String UNKNOWN_USER = "usr_000000000000000000000";
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir static Path dir;
  static ServerHarness h;
  static String verifyKey;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
    verifyKey = h.server.keywarden().keys()
        .createOperatorKey("verifier", List.of("verify"), null, Actor.SYSTEM).secret();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String uniqueEmail() {
    return "person" + SEQ.incrementAndGet() + "@example.com";
  }

  private static String createUser(String email, String name) {
    var r = h.post("/v1/users", "{\"email\":\"" + email + "\",\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  private static String createUser() {
    return createUser(uniqueEmail(), "Someone");
  }

  private static String createWorkspace(String name) {
    var r = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  private static void addMember(String ws, String user) {
    var r = h.put("/v1/workspaces/" + ws + "/members/" + user, "{\"role\":\"member\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

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
  void createReturns201WithTheUser() {
    var r = h.post("/v1/users", "{\"email\":\" ada@example.com \",\"name\":\"Ada Lovelace\"}").send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.data().get("id").asText()).startsWith("usr_");
    assertThat(r.data().get("object").asText()).isEqualTo("user");
    assertThat(r.data().get("email").asText()).isEqualTo("ada@example.com");
    assertThat(r.data().get("name").asText()).isEqualTo("Ada Lovelace");
    assertThat(r.data().get("created_at").asText()).endsWith("Z");
  }

  @Test
  void getReturns200WithTheUser() {
    String email = uniqueEmail();
    String id = createUser(email, "Grace");
    var r = h.get("/v1/users/" + id).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("email").asText()).isEqualTo(email);
  }

  @Test
  void listPagesThroughEveryUserForADeploymentWideKey() {
    String u1 = createUser();
    String u2 = createUser();
    String u3 = createUser();
    var first = h.get("/v1/users?limit=2").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(ids(first.data())).containsExactly(u3, u2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    var second = h.get("/v1/users?limit=2&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(ids(second.data())).startsWith(u1);
    assertThat(second.json.get("pagination").get("has_more_before").asBoolean()).isTrue();
  }

  @Test
  void patchChangesNameAndEmail() {
    String id = createUser();
    String email = uniqueEmail();
    var r = h.patch("/v1/users/" + id, "{\"name\":\"Renamed\",\"email\":\"" + email + "\"}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("name").asText()).isEqualTo("Renamed");
    assertThat(r.data().get("email").asText()).isEqualTo(email);
    assertThat(h.get("/v1/users/" + id).send().data().get("name").asText()).isEqualTo("Renamed");
  }

  @Test
  void patchWithNothingToChangeReturnsTheUserAndWritesNoAuditEvent() {
    String id = createUser();
    var r = h.patch("/v1/users/" + id, "{}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("id").asText()).isEqualTo(id);
    assertThat(actionsOn(id)).containsExactly("user.created");
  }

  @Test
  void deleteReturns200AndTheUserIsGone() {
    String id = createUser();
    var r = h.delete("/v1/users/" + id).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("id").asText()).isEqualTo(id);
    assertThat(r.data().get("object").asText()).isEqualTo("user");
    assertThat(r.data().get("deleted").asBoolean()).isTrue();
    assertThat(h.get("/v1/users/" + id).send().status()).isEqualTo(404);
    assertThat(ids(h.get("/v1/users?limit=100").send().data())).doesNotContain(id);
  }

  @Test
  void deletingAUserRevokesTheirKeysAtOnce() {
    String ws = createWorkspace("Keys");
    String user = createUser();
    addMember(ws, user);
    String secret = h.server.keywarden().keys()
        .create(NewKeyRequest.userKey(ws, user, "laptop", List.of("read")), Actor.SYSTEM).secret();
    assertThat(verify(secret).get("valid").asBoolean()).isTrue();
    assertThat(h.delete("/v1/users/" + user).send().status()).isEqualTo(200);
    var after = verify(secret);
    assertThat(after.get("valid").asBoolean()).isFalse();
    assertThat(after.get("code").asText()).isEqualTo("revoked");
  }

  @Test
  void auditEventsRecordCreateUpdateAndDeleteOutsideAnyWorkspace() {
    String id = createUser();
    h.patch("/v1/users/" + id, "{\"name\":\"Changed\"}").send();
    h.delete("/v1/users/" + id).send();
    var events = h.server.keywarden().store()
        .auditEvents(new AuditFilter(null, id, null, null, null), PageRequest.first(10)).items();
    assertThat(events).extracting(AuditEvent::action)
        .containsExactlyInAnyOrder("user.created", "user.updated", "user.deleted");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.actor()).startsWith("operator:key_");
      assertThat(e.workspaceId()).isNull();
      assertThat(e.targetType()).isEqualTo("user");
    });
  }

  // ---- 400 ----

  @Test
  void missingEmailIs400NamingEmail() {
    var r = h.post("/v1/users", "{\"name\":\"No Mail\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("email");
  }

  @Test
  void missingNameIs400NamingName() {
    var r = h.post("/v1/users", "{\"email\":\"" + uniqueEmail() + "\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void badEmailIs400NamingEmail() {
    for (String bad : List.of("not-an-email", "a@b", "two@@example.com", "sp ace@example.com")) {
      var r = h.post("/v1/users", "{\"email\":\"" + bad + "\",\"name\":\"x\"}").send();
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.errorField()).as(bad).isEqualTo("email");
    }
    var patch = h.patch("/v1/users/" + createUser(), "{\"email\":\"nope\"}").send();
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.errorField()).isEqualTo("email");
  }

  @Test
  void wrongTypeIs400NamingTheField() {
    var r = h.post("/v1/users", "{\"email\":[\"a@example.com\"],\"name\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("email");
  }

  @Test
  void unknownFieldIs400NamingIt() {
    var r = h.post("/v1/users", "{\"email\":\"" + uniqueEmail() + "\",\"name\":\"x\",\"role\":\"owner\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("role");
    assertThat(r.json.get("error").get("message").asText()).contains("role");
  }

  @Test
  void patchWithNullFieldIs400NamingIt() {
    String id = createUser();
    var r = h.patch("/v1/users/" + id, "{\"name\":null}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("name");
  }

  // ---- 401 / 403 ----

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/users").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
  }

  @Test
  void badKeyIs401WithInvalidToken() {
    var r = h.call("POST", "/v1/users").auth("kw_op_notarealkeyatallnotarealkeyatall0000")
        .json("{\"email\":\"x@example.com\",\"name\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void operatorKeyWithoutTheScopeIs403NamingTheScope() {
    String reader = h.server.keywarden().keys()
        .createOperatorKey("keys reader", List.of("keys:read"), null, Actor.SYSTEM).secret();
    String email = uniqueEmail();
    var write = h.call("POST", "/v1/users").auth(reader).json("{\"email\":\"" + email + "\",\"name\":\"x\"}").send();
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.reason()).isEqualTo("insufficient_scope");
    assertThat(write.header("WWW-Authenticate")).contains("scope=\"tenants:write\"");
    var read = h.call("GET", "/v1/users").auth(reader).send();
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.header("WWW-Authenticate")).contains("scope=\"tenants:read\"");
  }

  @Test
  void workspaceScopedKeyMayNotCreateChangeOrDeleteUsers() {
    String ws = createWorkspace("Scoped");
    String member = createUser();
    addMember(ws, member);
    String key = scopedKey(ws);
    var create = h.call("POST", "/v1/users").auth(key).json("{\"email\":\"" + uniqueEmail() + "\",\"name\":\"x\"}").send();
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.errorCode()).isEqualTo("forbidden");
    var patch = h.call("PATCH", "/v1/users/" + member).auth(key).json("{\"name\":\"Hijacked\"}").send();
    assertThat(patch.status()).isEqualTo(403);
    var delete = h.call("DELETE", "/v1/users/" + member).auth(key).send();
    assertThat(delete.status()).isEqualTo(403);
    var unknown = h.call("DELETE", "/v1/users/" + UNKNOWN_USER).auth(key).send();
    assertThat(unknown.status()).isEqualTo(403);
    assertThat(h.get("/v1/users/" + member).send().data().get("name").asText()).isEqualTo("Someone");
  }

  // ---- 404 ----

  @Test
  void unknownUserIs404OnGetPatchAndDelete() {
    for (var call : List.of(h.get("/v1/users/" + UNKNOWN_USER),
        h.patch("/v1/users/" + UNKNOWN_USER, "{\"name\":\"n\"}"),
        h.patch("/v1/users/" + UNKNOWN_USER, "{}"),
        h.delete("/v1/users/" + UNKNOWN_USER))) {
      var r = call.send();
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
      assertThat(r.json.get("error").get("message").asText()).isEqualTo("User not found.");
    }
  }

  @Test
  void workspaceScopedKeySeesOnlyMembersOfItsWorkspace() {
    String ws = createWorkspace("Mine");
    String other = createWorkspace("Theirs");
    String member = createUser();
    String stranger = createUser();
    String elsewhere = createUser();
    addMember(ws, member);
    addMember(other, elsewhere);
    String key = scopedKey(ws);

    var list = h.call("GET", "/v1/users").auth(key).send();
    assertThat(list.status()).isEqualTo(200);
    assertThat(ids(list.data())).containsExactly(member);

    assertThat(h.call("GET", "/v1/users/" + member).auth(key).send().status()).isEqualTo(200);
    var unknown = h.call("GET", "/v1/users/" + UNKNOWN_USER).auth(key).send();
    for (String hidden : List.of(stranger, elsewhere)) {
      var r = h.call("GET", "/v1/users/" + hidden).auth(key).send();
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json.get("error")).isEqualTo(unknown.json.get("error"));
    }
  }

  @Test
  void workspaceScopedUserListPagesThroughTheMembers() {
    String ws = createWorkspace("Paged");
    String u1 = createUser();
    String u2 = createUser();
    String u3 = createUser();
    for (String u : List.of(u1, u2, u3)) {
      addMember(ws, u);
    }
    String key = scopedKey(ws);
    var first = h.call("GET", "/v1/users?limit=2").auth(key).send();
    assertThat(ids(first.data())).containsExactly(u3, u2);
    assertThat(first.json.get("pagination").get("has_more").asBoolean()).isTrue();
    var second = h.call("GET", "/v1/users?limit=2&cursor="
        + first.json.get("pagination").get("next_cursor").asText()).auth(key).send();
    assertThat(ids(second.data())).containsExactly(u1);
    assertThat(second.json.get("pagination").get("has_more").asBoolean()).isFalse();
  }

  // ---- 409 ----

  @Test
  void duplicateEmailIs409NamingEmailIgnoringCase() {
    String email = uniqueEmail();
    createUser(email, "First");
    var r = h.post("/v1/users", "{\"email\":\"" + email.toUpperCase() + "\",\"name\":\"Second\"}").send();
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("conflict");
    assertThat(r.errorField()).isEqualTo("email");
  }

  @Test
  void changingEmailToATakenOneIs409AndChangesNothing() {
    String taken = uniqueEmail();
    createUser(taken, "Holder");
    String mine = uniqueEmail();
    String id = createUser(mine, "Mover");
    var r = h.patch("/v1/users/" + id, "{\"email\":\"" + taken + "\",\"name\":\"Moved\"}").send();
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorField()).isEqualTo("email");
    var now = h.get("/v1/users/" + id).send().data();
    assertThat(now.get("email").asText()).isEqualTo(mine);
    assertThat(now.get("name").asText()).isEqualTo("Mover");
  }

  // ---- 413 / 415 ----

  @Test
  void oversizedBodyIs413AndCreatesNothing() {
    int before = h.get("/v1/users?limit=100").send().data().size();
    String huge = "{\"email\":\"" + uniqueEmail() + "\",\"name\":\"" + "x".repeat(1_100_000) + "\"}";
    var r = h.post("/v1/users", huge).send();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(h.get("/v1/users?limit=100").send().data().size()).isEqualTo(before);
  }

  @Test
  void nonJsonBodyIs415() {
    var r = h.call("POST", "/v1/users").auth(h.adminKey)
        .body("text/plain", "email=a@example.com".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
  }

  private static JsonNode verify(String secret) {
    var r = h.call("POST", "/v1/keys/verify").auth(verifyKey).json("{\"key\":\"" + secret + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  private static List<String> actionsOn(String target) {
    return h.server.keywarden().store()
        .auditEvents(new AuditFilter(null, target, null, null, null), PageRequest.first(50))
        .items().stream().map(AuditEvent::action).toList();
  }
}
