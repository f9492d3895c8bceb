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
 * {@code /v1/workspaces/{id}/members} over real HTTP: one test per status the family can return,
 * and that a membership change reaches the user's keys on the very next verification.
 */
class MembersApiTest {
  private static final String UNKNOWN_WS = "ws_000000000000000000000";
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

  private static String createUser() {
    String email = "member" + SEQ.incrementAndGet() + "@example.com";
    var r = h.post("/v1/users", "{\"email\":\"" + email + "\",\"name\":\"Member\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  private static ServerHarness.Reply put(String ws, String user, String json) {
    return h.put("/v1/workspaces/" + ws + "/members/" + user, json).send();
  }

  private static String scopedKey(String ws) {
    return h.server.keywarden().keys()
        .createOperatorKey("scoped", List.of("admin"), null, ws, Actor.SYSTEM).secret();
  }

  private static String userKey(String ws, String user, List<String> scopes) {
    return h.server.keywarden().keys()
        .create(NewKeyRequest.userKey(ws, user, "laptop", scopes), Actor.SYSTEM).secret();
  }

  private static JsonNode verify(String secret) {
    var r = h.call("POST", "/v1/keys/verify").auth(verifyKey).json("{\"key\":\"" + secret + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> userIds(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get("user_id").asText()));
    return out;
  }

  // ---- 201 / 200 ----

  @Test
  void putOfANewMemberReturns201AndPutAgainReturns200() {
    String ws = createWorkspace("Acme");
    String p = createProject(ws, "web");
    String user = createUser();
    var created = put(ws, user, "{\"role\":\"member\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.data().get("object").asText()).isEqualTo("membership");
    assertThat(created.data().get("workspace_id").asText()).isEqualTo(ws);
    assertThat(created.data().get("user_id").asText()).isEqualTo(user);
    assertThat(created.data().get("role").asText()).isEqualTo("member");
    assertThat(created.data().get("projects")).isEmpty();
    assertThat(created.data().get("default_project_id").isNull()).isTrue();

    var updated = put(ws, user, "{\"role\":\"viewer\",\"projects\":[\"" + p + "\"],\"default_project_id\":\"" + p + "\"}");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.data().get("role").asText()).isEqualTo("viewer");
    assertThat(strings(updated.data().get("projects"))).containsExactly(p);
    assertThat(updated.data().get("default_project_id").asText()).isEqualTo(p);
  }

  @Test
  void putReplacesTheWholeMembership() {
    String ws = createWorkspace("Replace");
    String p = createProject(ws, "web");
    String user = createUser();
    put(ws, user, "{\"role\":\"member\",\"projects\":[\"" + p + "\"],\"default_project_id\":\"" + p + "\"}");
    var r = put(ws, user, "{\"role\":\"member\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("projects")).isEmpty();
    assertThat(r.data().get("default_project_id").isNull()).isTrue();
  }

  @Test
  void listReturnsTheWorkspacesMembersPageByPage() {
    String ws = createWorkspace("Paged");
    String other = createWorkspace("Other");
    String u1 = createUser();
    String u2 = createUser();
    String u3 = createUser();
    for (String u : List.of(u1, u2, u3)) {
      put(ws, u, "{\"role\":\"member\"}");
    }
    put(other, createUser(), "{\"role\":\"member\"}");
    var first = h.get("/v1/workspaces/" + ws + "/members?limit=2").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(userIds(first.data())).containsExactly(u3, u2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    var second = h.get("/v1/workspaces/" + ws + "/members?limit=2&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(userIds(second.data())).containsExactly(u1);
    assertThat(second.json.get("pagination").get("has_more").asBoolean()).isFalse();
  }

  @Test
  void deleteReturns200AndTheMemberLeavesTheList() {
    String ws = createWorkspace("Leaving");
    String stays = createUser();
    String leaves = createUser();
    put(ws, stays, "{\"role\":\"member\"}");
    put(ws, leaves, "{\"role\":\"member\"}");
    var r = h.delete("/v1/workspaces/" + ws + "/members/" + leaves).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("object").asText()).isEqualTo("membership");
    assertThat(r.data().get("workspace_id").asText()).isEqualTo(ws);
    assertThat(r.data().get("user_id").asText()).isEqualTo(leaves);
    assertThat(r.data().get("deleted").asBoolean()).isTrue();
    assertThat(userIds(h.get("/v1/workspaces/" + ws + "/members").send().data())).containsExactly(stays);
    assertThat(h.get("/v1/users/" + leaves).send().status()).isEqualTo(200);
  }

  @Test
  void removingAMemberFailsTheirKeyOnTheVeryNextVerification() {
    String ws = createWorkspace("Revocation");
    String user = createUser();
    put(ws, user, "{\"role\":\"member\"}");
    String secret = userKey(ws, user, List.of("read"));
    assertThat(verify(secret).get("valid").asBoolean()).isTrue();

    assertThat(h.delete("/v1/workspaces/" + ws + "/members/" + user).send().status()).isEqualTo(200);
    var after = verify(secret);
    assertThat(after.get("valid").asBoolean()).isFalse();
    assertThat(after.get("code").asText()).isEqualTo("owner_not_member");
  }

  @Test
  void changingTheRoleNarrowsEffectiveScopesOnTheVeryNextVerification() {
    String ws = createWorkspace("Narrowing");
    String user = createUser();
    put(ws, user, "{\"role\":\"member\"}");
    String secret = userKey(ws, user, List.of("read", "write"));
    var before = verify(secret);
    assertThat(before.get("valid").asBoolean()).isTrue();
    assertThat(strings(before.get("scopes"))).contains("read", "write");

    assertThat(put(ws, user, "{\"role\":\"viewer\"}").status()).isEqualTo(200);
    var after = verify(secret);
    assertThat(after.get("valid").asBoolean()).isTrue();
    assertThat(strings(after.get("scopes"))).contains("read").doesNotContain("write");
  }

  @Test
  void auditEventsRecordAddChangeAndRemoveInTheWorkspace() {
    String ws = createWorkspace("Audited");
    String user = createUser();
    put(ws, user, "{\"role\":\"member\"}");
    put(ws, user, "{\"role\":\"viewer\"}");
    h.delete("/v1/workspaces/" + ws + "/members/" + user).send();
    var events = h.server.keywarden().store()
        .auditEvents(new AuditFilter(ws, ws + "/" + user, null, null, null), PageRequest.first(10)).items();
    assertThat(events).extracting(AuditEvent::action)
        .containsExactlyInAnyOrder("membership.created", "membership.updated", "membership.removed");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.actor()).startsWith("operator:key_");
      assertThat(e.targetType()).isEqualTo("membership");
    });
  }

  // ---- 400 ----

  @Test
  void missingRoleIs400NamingRole() {
    var r = put(createWorkspace("x"), createUser(), "{}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("role");
  }

  @Test
  void unknownRoleIs400NamingRoleAndTheChoices() {
    var r = put(createWorkspace("x"), createUser(), "{\"role\":\"emperor\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("role");
    assertThat(r.json.get("error").get("message").asText()).contains("viewer");
  }

  @Test
  void projectOfAnotherWorkspaceIs400NamingProjectsAndAddsNobody() {
    String ws = createWorkspace("Mine");
    String foreign = createProject(createWorkspace("Theirs"), "theirs");
    String user = createUser();
    var r = put(ws, user, "{\"role\":\"member\",\"projects\":[\"" + foreign + "\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("projects");
    assertThat(r.json.get("error").get("message").asText()).contains(foreign);
    assertThat(h.get("/v1/workspaces/" + ws + "/members").send().data()).isEmpty();
  }

  @Test
  void defaultProjectOfAnotherWorkspaceOrOutsideProjectsIs400NamingDefaultProjectId() {
    String ws = createWorkspace("Mine");
    String own = createProject(ws, "a");
    String own2 = createProject(ws, "b");
    String foreign = createProject(createWorkspace("Theirs"), "theirs");
    String user = createUser();
    var other = put(ws, user, "{\"role\":\"member\",\"default_project_id\":\"" + foreign + "\"}");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.errorField()).isEqualTo("default_project_id");
    var outside = put(ws, user, "{\"role\":\"member\",\"projects\":[\"" + own + "\"],\"default_project_id\":\"" + own2 + "\"}");
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.errorField()).isEqualTo("default_project_id");
  }

  @Test
  void wrongTypeIs400NamingTheField() {
    String ws = createWorkspace("x");
    var projects = put(ws, createUser(), "{\"role\":\"member\",\"projects\":\"all\"}");
    assertThat(projects.status()).isEqualTo(400);
    assertThat(projects.errorField()).isEqualTo("projects");
    var role = put(ws, createUser(), "{\"role\":1}");
    assertThat(role.status()).isEqualTo(400);
    assertThat(role.errorField()).isEqualTo("role");
  }

  @Test
  void unknownFieldIs400NamingIt() {
    var r = put(createWorkspace("x"), createUser(), "{\"role\":\"member\",\"scopes\":[\"read\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("scopes");
  }

  // ---- 401 / 403 ----

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/workspaces/" + UNKNOWN_WS + "/members").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
  }

  @Test
  void badKeyIs401WithInvalidToken() {
    var r = h.call("PUT", "/v1/workspaces/" + UNKNOWN_WS + "/members/" + UNKNOWN_USER)
        .auth("kw_op_notarealkeyatallnotarealkeyatall0000").json("{\"role\":\"member\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void accessKeyIs401AsTheWrongRealm() {
    String ws = createWorkspace("Realm");
    String user = createUser();
    put(ws, user, "{\"role\":\"owner\"}");
    String access = userKey(ws, user, List.of("admin"));
    var r = h.call("GET", "/v1/workspaces/" + ws + "/members").auth(access).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("wrong_realm");
  }

  @Test
  void operatorKeyWithoutTheScopeIs403NamingTheScope() {
    String ws = createWorkspace("x");
    String user = createUser();
    String reader = h.server.keywarden().keys()
        .createOperatorKey("keys reader", List.of("keys:read"), null, Actor.SYSTEM).secret();
    var write = h.call("PUT", "/v1/workspaces/" + ws + "/members/" + user).auth(reader)
        .json("{\"role\":\"member\"}").send();
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.reason()).isEqualTo("insufficient_scope");
    assertThat(write.header("WWW-Authenticate")).contains("scope=\"tenants:write\"");
    var read = h.call("GET", "/v1/workspaces/" + ws + "/members").auth(reader).send();
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.header("WWW-Authenticate")).contains("scope=\"tenants:read\"");
    assertThat(h.get("/v1/workspaces/" + ws + "/members").send().data()).isEmpty();
  }

  // ---- 404 ----

  @Test
  void unknownUserIs404UserNotFound() {
    var r = put(createWorkspace("x"), UNKNOWN_USER, "{\"role\":\"member\"}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    assertThat(r.json.get("error").get("message").asText()).isEqualTo("User not found.");
  }

  @Test
  void removingSomeoneWhoIsNotAMemberIs404() {
    String ws = createWorkspace("x");
    for (String user : List.of(createUser(), UNKNOWN_USER)) {
      var r = h.delete("/v1/workspaces/" + ws + "/members/" + user).send();
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json.get("error").get("message").asText()).isEqualTo("Membership not found.");
    }
  }

  @Test
  void unknownWorkspaceIs404OnEveryRoute() {
    String user = createUser();
    for (var call : List.of(h.get("/v1/workspaces/" + UNKNOWN_WS + "/members"),
        h.put("/v1/workspaces/" + UNKNOWN_WS + "/members/" + user, "{\"role\":\"member\"}"),
        h.delete("/v1/workspaces/" + UNKNOWN_WS + "/members/" + user))) {
      var r = call.send();
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json.get("error").get("message").asText()).isEqualTo("Workspace not found.");
    }
  }

  @Test
  void workspaceScopedKeySeesAnotherWorkspaceExactlyLikeAnUnknownOne() {
    String mine = createWorkspace("Mine");
    String theirs = createWorkspace("Theirs");
    String theirMember = createUser();
    put(theirs, theirMember, "{\"role\":\"owner\"}");
    String key = scopedKey(mine);

    var unknown = h.call("GET", "/v1/workspaces/" + UNKNOWN_WS + "/members").auth(key).send();
    var foreign = h.call("GET", "/v1/workspaces/" + theirs + "/members").auth(key).send();
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json.get("error")).isEqualTo(unknown.json.get("error"));

    var demote = h.call("PUT", "/v1/workspaces/" + theirs + "/members/" + theirMember).auth(key)
        .json("{\"role\":\"viewer\"}").send();
    assertThat(demote.status()).isEqualTo(404);
    var remove = h.call("DELETE", "/v1/workspaces/" + theirs + "/members/" + theirMember).auth(key).send();
    assertThat(remove.status()).isEqualTo(404);
    var still = h.get("/v1/workspaces/" + theirs + "/members").send().data();
    assertThat(still).hasSize(1);
    assertThat(still.get(0).get("role").asText()).isEqualTo("owner");
  }

  @Test
  void workspaceScopedKeyManagesItsOwnWorkspacesMembers() {
    String mine = createWorkspace("Mine");
    String user = createUser();
    assertThat(put(mine, user, "{\"role\":\"viewer\"}").status()).isEqualTo(201); // by an unbound key
    String key = scopedKey(mine);
    var changed = h.call("PUT", "/v1/workspaces/" + mine + "/members/" + user).auth(key)
        .json("{\"role\":\"member\"}").send();
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.data().get("role").asText()).isEqualTo("member");
    assertThat(h.call("GET", "/v1/workspaces/" + mine + "/members").auth(key).send().data()).hasSize(1);
    assertThat(h.call("DELETE", "/v1/workspaces/" + mine + "/members/" + user).auth(key).send().status())
        .isEqualTo(200);
  }

  @Test
  void aWorkspaceBoundKeyCannotEnrollAnotherWorkspacesUserAndLearnsNothingAboutThem() {
    String mine = createWorkspace("Mine");
    String theirs = createWorkspace("Theirs");
    String victim = createUser();
    assertThat(put(theirs, victim, "{\"role\":\"member\"}").status()).isEqualTo(201);
    String key = scopedKey(mine);

    var enroll = h.call("PUT", "/v1/workspaces/" + mine + "/members/" + victim).auth(key)
        .json("{\"role\":\"member\"}").send();
    var unknown = h.call("PUT", "/v1/workspaces/" + mine + "/members/usr_doesnotexist").auth(key)
        .json("{\"role\":\"member\"}").send();

    assertThat(enroll.status()).as(enroll.toString()).isEqualTo(404);
    assertThat(enroll.raw.body()).isEqualTo(unknown.raw.body());
    assertThat(userIds(h.get("/v1/workspaces/" + mine + "/members").send().data())).doesNotContain(victim);
    var read = h.call("GET", "/v1/users/" + victim).auth(key).send();
    var readUnknown = h.call("GET", "/v1/users/usr_doesnotexist").auth(key).send();
    assertThat(read.status()).isEqualTo(404);
    assertThat(read.raw.body()).isEqualTo(readUnknown.raw.body()).doesNotContain("@example.com");
    var mint = h.call("POST", "/v1/keys").auth(key).json("{\"kind\":\"user\",\"user_id\":\"" + victim
        + "\",\"name\":\"as them\",\"scopes\":[\"read\"]}").send();
    var mintUnknown = h.call("POST", "/v1/keys").auth(key).json("{\"kind\":\"user\",\"user_id\":"
        + "\"usr_doesnotexist\",\"name\":\"as them\",\"scopes\":[\"read\"]}").send();
    assertThat(mint.status()).isEqualTo(400);
    assertThat(mint.raw.body()).isEqualTo(mintUnknown.raw.body());
  }

  @Test
  void aWorkspaceBoundKeyCannotEnrollAUserWhoBelongsNowhere() {
    String mine = createWorkspace("Mine");
    String loner = createUser();
    String key = scopedKey(mine);

    var enroll = h.call("PUT", "/v1/workspaces/" + mine + "/members/" + loner).auth(key)
        .json("{\"role\":\"member\"}").send();

    assertThat(enroll.status()).isEqualTo(404);
    assertThat(enroll.json.get("error").get("message").asText()).isEqualTo("User not found.");
    assertThat(put(mine, loner, "{\"role\":\"member\"}").status()).as("an unbound key may").isEqualTo(201);
  }

  // ---- 413 / 415 ----

  @Test
  void oversizedBodyIs413AndAddsNobody() {
    String ws = createWorkspace("x");
    String huge = "{\"role\":\"member\",\"projects\":[\"" + "p".repeat(1_100_000) + "\"]}";
    var r = put(ws, createUser(), huge);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(h.get("/v1/workspaces/" + ws + "/members").send().data()).isEmpty();
  }

  @Test
  void nonJsonBodyIs415AndAddsNobody() {
    String ws = createWorkspace("x");
    var r = h.call("PUT", "/v1/workspaces/" + ws + "/members/" + createUser()).auth(h.adminKey)
        .body("text/plain", "role=member".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    assertThat(h.get("/v1/workspaces/" + ws + "/members").send().data()).isEmpty();
  }
}
