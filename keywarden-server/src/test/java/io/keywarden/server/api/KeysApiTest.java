package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/keys} over real HTTP: one test per status the family can return, then behaviour. */
class KeysApiTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

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

  /** A workspace with two projects and two member users (admin role), made through the store. */
  record Tenant(String ws, String user, String user2, String project, String project2) {}

  private static Tenant tenant() {
    var t = h.server.keywarden().tenants();
    int n = SEQ.incrementAndGet();
    Workspace ws = t.createWorkspace("ws " + n, null, null, Actor.SYSTEM);
    Project p = t.createProject(ws.id(), "p " + n, Actor.SYSTEM);
    Project p2 = t.createProject(ws.id(), "p2 " + n, Actor.SYSTEM);
    User u = t.createUser("u" + n + "@example.com", "User " + n, Actor.SYSTEM);
    User u2 = t.createUser("v" + n + "@example.com", "Other " + n, Actor.SYSTEM);
    t.putMembership(ws.id(), u.id(), "admin", List.of(), null, Actor.SYSTEM);
    t.putMembership(ws.id(), u2.id(), "member", List.of(), null, Actor.SYSTEM);
    return new Tenant(ws.id(), u.id(), u2.id(), p.id(), p2.id());
  }

  private static String userKeyBody(Tenant t, String extra) {
    return "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\"" + t.user
        + "\",\"name\":\"ci\",\"scopes\":[\"read\",\"write\"]" + extra + "}";
  }

  private static ServerHarness.Reply created(String body) {
    var r = h.post("/v1/keys", body).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r;
  }

  private static ServerHarness.Reply verify(String secret) {
    var r = h.post("/v1/keys/verify", "{\"key\":\"" + secret + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r;
  }

  private static void assert400(ServerHarness.Reply r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).as(r.toString()).isEqualTo(field);
  }

  private static List<String> ids(ServerHarness.Reply r) {
    List<String> ids = new ArrayList<>();
    r.data().forEach(k -> ids.add(k.get("id").asText()));
    return ids;
  }

  private static String operatorKey(List<String> scopes) {
    return h.server.keywarden().keys().createOperatorKey("op " + SEQ.incrementAndGet(), scopes, null,
        Actor.SYSTEM).secret();
  }

  // ---- 201 ----

  @Test
  void createUserKeyReturns201WithTheKeyAndItsSecret() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t, ",\"metadata\":{\"team\":\"ci\"},\"allowed_ips\":[\"10.0.0.0/8\"]")).data();
    assertThat(k.get("id").asText()).startsWith("key_");
    assertThat(k.get("object").asText()).isEqualTo("key");
    assertThat(k.get("kind").asText()).isEqualTo("user");
    assertThat(k.get("type").asText()).isEqualTo("secret");
    assertThat(k.get("environment").asText()).isEqualTo("live");
    assertThat(k.get("state").asText()).isEqualTo("active");
    assertThat(k.get("workspace_id").asText()).isEqualTo(t.ws);
    assertThat(k.get("user_id").asText()).isEqualTo(t.user);
    assertThat(k.get("scopes")).hasSize(2);
    assertThat(k.get("allowed_ips").get(0).asText()).isEqualTo("10.0.0.0/8");
    assertThat(k.get("metadata").get("team").asText()).isEqualTo("ci");
    assertThat(k.get("secret").asText()).startsWith("kw_sk_live_");
    assertThat(k.get("display").asText()).isNotEqualTo(k.get("secret").asText());
    Instant created = Instant.parse(k.get("created_at").asText());
    assertThat(Instant.parse(k.get("expires_at").asText())).isEqualTo(created.plus(Duration.ofDays(90)));
    assertThat(k.get("created_by").asText()).startsWith("operator:key_");
  }

  @Test
  void createProjectKeyReturns201BoundToItsProject() {
    Tenant t = tenant();
    JsonNode k = created("{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"project\",\"project_id\":\""
        + t.project + "\",\"name\":\"deploy\",\"environment\":\"test\"}").data();
    assertThat(k.get("kind").asText()).isEqualTo("project");
    assertThat(k.get("project_id").asText()).isEqualTo(t.project);
    assertThat(k.get("user_id").isNull()).isTrue();
    assertThat(k.get("secret").asText()).startsWith("kw_sk_test_");
  }

  @Test
  void createPublishableKeyWithAllowedOrigins() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t,
        ",\"type\":\"publishable\",\"allowed_origins\":[\"https://app.example.com\"]")).data();
    assertThat(k.get("type").asText()).isEqualTo("publishable");
    assertThat(k.get("secret").asText()).startsWith("kw_pk_live_");
    assertThat(k.get("allowed_origins").get(0).asText()).isEqualTo("https://app.example.com");
  }

  @Test
  void ttlDaysChoosesTheLifetimeAndNullOrNoneMeansNeverExpires() {
    Tenant t = tenant();
    JsonNode thirty = created(userKeyBody(t, ",\"ttl_days\":30")).data();
    assertThat(Instant.parse(thirty.get("expires_at").asText()))
        .isEqualTo(Instant.parse(thirty.get("created_at").asText()).plus(Duration.ofDays(30)));
    assertThat(created(userKeyBody(t, ",\"ttl_days\":null")).data().get("expires_at").isNull()).isTrue();
    assertThat(created(userKeyBody(t, ",\"ttl_days\":\"none\"")).data().get("expires_at").isNull()).isTrue();
    assertThat(created(userKeyBody(t, ",\"expires_at\":null")).data().get("expires_at").isNull()).isTrue();
    Instant at = h.clock.instant().plus(Duration.ofDays(7));
    JsonNode explicit = created(userKeyBody(t, ",\"expires_at\":\"" + at + "\"")).data();
    assertThat(Instant.parse(explicit.get("expires_at").asText())).isEqualTo(at);
  }

  @Test
  void workspaceMaxTtlCapsTheDefaultLifetime() {
    Tenant t = tenant();
    h.server.keywarden().tenants().updateWorkspace(t.ws, null, null, 30, false, Actor.SYSTEM);
    JsonNode k = created(userKeyBody(t, "")).data();
    assertThat(Instant.parse(k.get("expires_at").asText()))
        .isEqualTo(Instant.parse(k.get("created_at").asText()).plus(Duration.ofDays(30)));
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":90")).send(), "ttl_days");
  }

  // ---- 200 ----

  @Test
  void getReturns200WithoutTheSecret() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t, "")).data();
    var r = h.get("/v1/keys/" + k.get("id").asText()).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("name").asText()).isEqualTo("ci");
    assertThat(r.data().has("secret")).isFalse();
  }

  @Test
  void theSecretIsReturnedOnlyByCreateAndRotate() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t, "")).data();
    String id = k.get("id").asText();
    String secret = k.get("secret").asText();

    List<ServerHarness.Reply> replies = List.of(
        h.get("/v1/keys/" + id).send(),
        h.get("/v1/keys?workspace_id=" + t.ws).send(),
        h.get("/v1/keys?limit=100").send(),
        h.patch("/v1/keys/" + id, "{\"name\":\"renamed\"}").send());
    for (var r : replies) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.raw.body()).doesNotContain(secret);
      assertThat(r.json.findValues("secret")).as(r.toString()).isEmpty();
    }

    var rotated = h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":60}").send();
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    String successorSecret = rotated.data().get("secret").asText();
    assertThat(successorSecret).startsWith("kw_sk_live_").isNotEqualTo(secret);
    String successor = rotated.data().get("id").asText();

    var revoked = h.delete("/v1/keys/" + successor).send();
    assertThat(revoked.status()).isEqualTo(200);
    for (var r : List.of(revoked, h.get("/v1/keys/" + successor).send(),
        h.get("/v1/keys?workspace_id=" + t.ws).send())) {
      assertThat(r.raw.body()).doesNotContain(secret).doesNotContain(successorSecret);
      assertThat(r.json.findValues("secret")).as(r.toString()).isEmpty();
    }
  }

  @Test
  void patchChangesFieldsAndNullExpiresAtRemovesTheExpiry() {
    Tenant t = tenant();
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    var r = h.patch("/v1/keys/" + id, "{\"name\":\"ops\",\"scopes\":[\"read\"],\"projects\":[\""
        + t.project + "\"],\"allowed_ips\":[\"192.168.1.0/24\"],\"metadata\":{\"a\":1},"
        + "\"expires_at\":null}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode k = r.data();
    assertThat(k.get("name").asText()).isEqualTo("ops");
    assertThat(k.get("scopes")).hasSize(1);
    assertThat(k.get("projects").get(0).asText()).isEqualTo(t.project);
    assertThat(k.get("allowed_ips").get(0).asText()).isEqualTo("192.168.1.0/24");
    assertThat(k.get("metadata").get("a").asInt()).isEqualTo(1);
    assertThat(k.get("expires_at").isNull()).isTrue();

    Instant at = h.clock.instant().plus(Duration.ofDays(10));
    var again = h.patch("/v1/keys/" + id, "{\"expires_at\":\"" + at + "\"}").send();
    assertThat(Instant.parse(again.data().get("expires_at").asText())).isEqualTo(at);
    assertThat(again.data().get("name").asText()).isEqualTo("ops");
  }

  @Test
  void patchEnabledFalseDisablesTheKeyAndVerifySaysSo() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t, "")).data();
    var r = h.patch("/v1/keys/" + k.get("id").asText(), "{\"enabled\":false}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("state").asText()).isEqualTo("disabled");
    assertThat(verify(k.get("secret").asText()).data().get("code").asText()).isEqualTo("disabled");
  }

  @Test
  void deleteRevokesAndTheVeryNextVerifyIsRevoked() {
    Tenant t = tenant();
    JsonNode k = created(userKeyBody(t, "")).data();
    String secret = k.get("secret").asText();
    var ok = verify(secret).data();
    assertThat(ok.get("valid").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("key").get("id").asText()).isEqualTo(k.get("id").asText());

    var r = h.delete("/v1/keys/" + k.get("id").asText()).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("state").asText()).isEqualTo("revoked");
    assertThat(r.data().get("revoked_at").asText()).endsWith("Z");

    var after = verify(secret).data();
    assertThat(after.get("valid").asBoolean()).isFalse();
    assertThat(after.get("code").asText()).isEqualTo("revoked");
    // Revoking again changes nothing.
    assertThat(h.delete("/v1/keys/" + k.get("id").asText()).send().status()).isEqualTo(200);
  }

  @Test
  void rotationKeepsBothKeysValidDuringTheGraceAndTheOldOneExpiresAfter() {
    Tenant t = tenant();
    JsonNode old = created(userKeyBody(t, "")).data();
    var r = h.post("/v1/keys/" + old.get("id").asText() + "/rotate", "{\"grace_seconds\":3600}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode next = r.data();
    assertThat(next.get("replaces").asText()).isEqualTo(old.get("id").asText());
    assertThat(next.get("scopes")).isEqualTo(old.get("scopes"));
    assertThat(next.get("name").asText()).isEqualTo(old.get("name").asText());

    assertThat(verify(old.get("secret").asText()).data().get("valid").asBoolean()).isTrue();
    assertThat(verify(next.get("secret").asText()).data().get("valid").asBoolean()).isTrue();
    var oldView = h.get("/v1/keys/" + old.get("id").asText()).send().data();
    assertThat(oldView.get("replaced_by").asText()).isEqualTo(next.get("id").asText());

    h.clock.advance(Duration.ofSeconds(3601));
    var expired = verify(old.get("secret").asText()).data();
    assertThat(expired.get("valid").asBoolean()).isFalse();
    assertThat(expired.get("code").asText()).isEqualTo("expired");
    assertThat(verify(next.get("secret").asText()).data().get("valid").asBoolean()).isTrue();
    assertThat(h.get("/v1/keys/" + old.get("id").asText()).send().data().get("state").asText())
        .isEqualTo("expired");
  }

  @Test
  void rotationWithoutGraceStopsTheOldKeyAtOnce() {
    Tenant t = tenant();
    JsonNode old = created(userKeyBody(t, "")).data();
    var r = h.call("POST", "/v1/keys/" + old.get("id").asText() + "/rotate").auth(h.adminKey).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(verify(old.get("secret").asText()).data().get("code").asText()).isEqualTo("expired");
    assertThat(verify(r.data().get("secret").asText()).data().get("valid").asBoolean()).isTrue();
  }

  @Test
  void listFiltersByKindStateUserAndProject() {
    Tenant t = tenant();
    String a = created(userKeyBody(t, "")).data().get("id").asText();
    String b = created("{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\"" + t.user2
        + "\",\"name\":\"b\",\"scopes\":[\"read\"]}").data().get("id").asText();
    String c = created("{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"project\",\"project_id\":\""
        + t.project + "\",\"name\":\"c\"}").data().get("id").asText();
    assertThat(h.delete("/v1/keys/" + a).send().status()).isEqualTo(200);
    String base = "/v1/keys?workspace_id=" + t.ws;

    assertThat(ids(h.get(base).send())).containsExactly(c, b, a);
    assertThat(ids(h.get(base + "&kind=user").send())).containsExactly(b, a);
    assertThat(ids(h.get(base + "&kind=project").send())).containsExactly(c);
    assertThat(ids(h.get(base + "&state=revoked").send())).containsExactly(a);
    assertThat(ids(h.get(base + "&state=active").send())).containsExactly(c, b);
    assertThat(ids(h.get(base + "&state=expired").send())).isEmpty();
    assertThat(ids(h.get(base + "&user_id=" + t.user2).send())).containsExactly(b);
    assertThat(ids(h.get(base + "&project_id=" + t.project).send())).containsExactly(c);
    assertThat(ids(h.get("/v1/keys?project_id=" + t.project).send())).containsExactly(c);
  }

  @Test
  void listPagesWithCursorsBothWays() {
    Tenant t = tenant();
    for (int i = 0; i < 3; i++) {
      created(userKeyBody(t, ""));
    }
    String base = "/v1/keys?workspace_id=" + t.ws + "&limit=2";
    var first = h.get(base).send();
    assertThat(first.data()).hasSize(2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    assertThat(p.get("has_more_before").asBoolean()).isFalse();
    var second = h.get(base + "&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(second.data()).hasSize(1);
    assertThat(second.json.get("pagination").get("has_more").asBoolean()).isFalse();
    assertThat(second.json.get("pagination").get("has_more_before").asBoolean()).isTrue();
    var back = h.get(base + "&before=" + second.json.get("pagination").get("prev_cursor").asText()).send();
    assertThat(back.data()).isEqualTo(first.data());
  }

  @Test
  void operatorKeysAreNeverListedAndPagesStayFullAroundThem() {
    Tenant t = tenant();
    String a = created(userKeyBody(t, "")).data().get("id").asText();
    operatorKey(List.of("keys:read"));
    operatorKey(List.of("audit:read"));
    String b = created(userKeyBody(t, "")).data().get("id").asText();
    operatorKey(List.of("verify"));

    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    while (true) {
      var r = h.get("/v1/keys?limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).send();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.data()).as("page %d", pages).hasSize(1);
      r.data().forEach(k -> {
        assertThat(k.get("kind").asText()).isNotEqualTo("operator");
        seen.add(k.get("id").asText());
      });
      pages++;
      var p = r.json.get("pagination");
      assertThat(p.get("has_more_before").asBoolean()).isEqualTo(pages > 1);
      if (!p.get("has_more").asBoolean()) {
        break;
      }
      cursor = p.get("next_cursor").asText();
    }
    // The oldest key of all is the admin key: the last page said so with has_more=false.
    assertThat(seen).contains(a, b).hasSize(pages);

    // And back again with before= cursors, one full page at a time.
    var last = h.get("/v1/keys?limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).send();
    String before = last.json.get("pagination").get("prev_cursor").asText(null);
    int back = 1;
    while (before != null) {
      var r = h.get("/v1/keys?limit=1&before=" + before).send();
      assertThat(r.data()).as("page %d from the end", back).hasSize(1);
      assertThat(r.data().get(0).get("kind").asText()).isNotEqualTo("operator");
      back++;
      var p = r.json.get("pagination");
      assertThat(p.get("has_more").asBoolean()).isTrue();
      before = p.get("has_more_before").asBoolean() ? p.get("prev_cursor").asText() : null;
    }
    assertThat(back).isEqualTo(pages);
  }

  // ---- 400 ----

  @Test
  void missingRequiredFieldsAre400NamingThem() {
    Tenant t = tenant();
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"user_id\":\"" + t.user
        + "\",\"name\":\"x\"}").send(), "kind");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + t.user + "\"}").send(), "name");
    assert400(h.post("/v1/keys", "{\"kind\":\"user\",\"user_id\":\"" + t.user + "\",\"name\":\"x\"}").send(),
        "workspace_id");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"name\":\"x\"}").send(),
        "user_id");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"project\",\"name\":\"x\"}").send(),
        "project_id");
  }

  @Test
  void wrongTypesAre400NamingTheField() {
    Tenant t = tenant();
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"type\":7")).send(), "type");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + t.user + "\",\"name\":\"x\",\"scopes\":\"read\"}").send(), "scopes");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":true")).send(), "ttl_days");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":30.5")).send(), "ttl_days");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"expires_at\":\"tomorrow\"")).send(), "expires_at");
  }

  @Test
  void unknownFieldAndEnumValuesAre400NamingThem() {
    Tenant t = tenant();
    var unknown = h.post("/v1/keys", userKeyBody(t, ",\"colour\":\"red\"")).send();
    assert400(unknown, "colour");
    assertThat(unknown.json.get("error").get("message").asText()).contains("colour");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"type\":\"private\"")).send(), "type");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"environment\":\"staging\"")).send(), "environment");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"robot\",\"user_id\":\""
        + t.user + "\",\"name\":\"x\"}").send(), "kind");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"operator\",\"name\":\"x\","
        + "\"scopes\":[\"admin\"]}").send(), "kind");
  }

  @Test
  void unknownScopeIs400NamingScopes() {
    Tenant t = tenant();
    var r = h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + t.user + "\",\"name\":\"x\",\"scopes\":[\"teleport\"]}").send();
    assert400(r, "scopes");
    assertThat(r.json.get("error").get("message").asText()).contains("teleport");
  }

  @Test
  void lifetimesOutsideThePolicyAre400() {
    Tenant t = tenant();
    var r = h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":45")).send();
    assert400(r, "ttl_days");
    assertThat(r.json.get("error").get("message").asText()).contains("30, 60, 90");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":\"forever\"")).send(), "ttl_days");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"ttl_days\":30,\"expires_at\":null")).send(), "ttl_days");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"expires_at\":\"2020-01-01T00:00:00Z\"")).send(),
        "expires_at");
  }

  @Test
  void malformedCidrIs400NamingAllowedIps() {
    Tenant t = tenant();
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"allowed_ips\":[\"10.0.0.0/33\"]")).send(), "allowed_ips");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"allowed_ips\":[\"not-an-ip\"]")).send(), "allowed_ips");
  }

  @Test
  void allowedOriginsOnASecretKeyIs400() {
    Tenant t = tenant();
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"allowed_origins\":[\"https://app.example.com\"]")).send(),
        "allowed_origins");
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    assert400(h.patch("/v1/keys/" + id, "{\"allowed_origins\":[\"https://app.example.com\"]}").send(),
        "allowed_origins");
  }

  @Test
  void metadataThatIsNotAnObjectOrTooBigIs400() {
    Tenant t = tenant();
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"metadata\":[1,2]")).send(), "metadata");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"metadata\":\"{}\"")).send(), "metadata");
    String big = ",\"metadata\":{\"blob\":\"" + "x".repeat(5000) + "\"}";
    var r = h.post("/v1/keys", userKeyBody(t, big)).send();
    assert400(r, "metadata");
    assertThat(r.json.get("error").get("message").asText()).contains("4096");
  }

  @Test
  void referencesOutsideTheWorkspaceAre400NamingTheField() {
    Tenant t = tenant();
    Tenant other = tenant();
    var unknownWs = h.post("/v1/keys", "{\"workspace_id\":\"ws_000000000000000000000\",\"kind\":\"user\","
        + "\"user_id\":\"" + t.user + "\",\"name\":\"x\"}").send();
    assert400(unknownWs, "workspace_id");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + other.user + "\",\"name\":\"x\"}").send(), "user_id");
    assert400(h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"project\",\"project_id\":\""
        + other.project + "\",\"name\":\"x\"}").send(), "project_id");
    assert400(h.post("/v1/keys", userKeyBody(t, ",\"projects\":[\"" + other.project + "\"]")).send(),
        "projects");
  }

  @Test
  void badListParametersAre400NamingThem() {
    var state = h.get("/v1/keys?state=zombie").send();
    assert400(state, "state");
    assertThat(state.json.get("error").get("message").asText()).contains("active");
    assert400(h.get("/v1/keys?kind=operator").send(), "kind");
    assert400(h.get("/v1/keys?limit=0").send(), "limit");
    assert400(h.get("/v1/keys?cursor=bogus!").send(), "cursor");
  }

  @Test
  void badPatchAndRotateBodiesAre400() {
    Tenant t = tenant();
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    assert400(h.patch("/v1/keys/" + id, "{\"kind\":\"project\"}").send(), "kind");
    assert400(h.patch("/v1/keys/" + id, "{\"enabled\":\"no\"}").send(), "enabled");
    assert400(h.patch("/v1/keys/" + id, "{\"scopes\":[\"teleport\"]}").send(), "scopes");
    assert400(h.patch("/v1/keys/" + id, "{\"metadata\":5}").send(), "metadata");
    var malformed = h.patch("/v1/keys/" + id, "{\"name\":\"x\",}").send();
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo("malformed_json");
    assertThat(malformed.errorField()).isEqualTo("body");
    assert400(h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":-1}").send(), "grace_seconds");
    assert400(h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":\"60\"}").send(), "grace_seconds");
    assert400(h.post("/v1/keys/" + id + "/rotate", "{\"grace\":60}").send(), "grace");
    assertThat(h.get("/v1/keys/" + id).send().data().get("name").asText()).isEqualTo("ci");
  }

  // ---- 401 / 403 ----

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/keys").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
    var post = h.call("POST", "/v1/keys").json("{}").send();
    assertThat(post.status()).isEqualTo(401);
  }

  @Test
  void anAccessKeyIs401OnTheManagementApi() {
    Tenant t = tenant();
    String secret = created(userKeyBody(t, "")).data().get("secret").asText();
    var r = h.call("GET", "/v1/keys").auth(secret).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("wrong_realm");
  }

  @Test
  void operatorKeyWithoutKeysWriteIs403AndChangesNothing() {
    Tenant t = tenant();
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    String reader = h.server.keywarden().keys().createOperatorKey("r", List.of("keys:read"), null,
        Actor.SYSTEM).secret();
    assertThat(h.call("GET", "/v1/keys/" + id).auth(reader).send().status()).isEqualTo(200);
    assertThat(h.call("GET", "/v1/keys").auth(reader).send().status()).isEqualTo(200);

    List<ServerHarness.Reply> denied = List.of(
        h.call("POST", "/v1/keys").auth(reader).json(userKeyBody(t, "")).send(),
        h.call("PATCH", "/v1/keys/" + id).auth(reader).json("{\"name\":\"x\"}").send(),
        h.call("DELETE", "/v1/keys/" + id).auth(reader).send(),
        h.call("POST", "/v1/keys/" + id + "/rotate").auth(reader).json("{}").send());
    for (var r : denied) {
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.reason()).isEqualTo("insufficient_scope");
      assertThat(r.header("WWW-Authenticate")).contains("scope=\"keys:write\"");
    }
    String auditor = operatorKey(List.of("audit:read"));
    var noRead = h.call("GET", "/v1/keys").auth(auditor).send();
    assertThat(noRead.status()).isEqualTo(403);
    assertThat(noRead.header("WWW-Authenticate")).contains("scope=\"keys:read\"");
    var k = h.get("/v1/keys/" + id).send().data();
    assertThat(k.get("state").asText()).isEqualTo("active");
    assertThat(k.get("name").asText()).isEqualTo("ci");
  }

  // ---- 404 ----

  @Test
  void unknownKeyIdIs404OnEveryMethod() {
    String id = "key_000000000000000000000";
    for (var r : List.of(h.get("/v1/keys/" + id).send(), h.patch("/v1/keys/" + id, "{\"name\":\"x\"}").send(),
        h.delete("/v1/keys/" + id).send(), h.post("/v1/keys/" + id + "/rotate", "{}").send())) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
  }

  @Test
  void anOperatorKeyIdIs404AndIsNotChanged() {
    var op = h.server.keywarden().keys().createOperatorKey("ops", List.of("keys:read"), null, Actor.SYSTEM);
    String id = op.key().id();
    for (var r : List.of(h.get("/v1/keys/" + id).send(), h.patch("/v1/keys/" + id, "{\"name\":\"x\"}").send(),
        h.delete("/v1/keys/" + id).send(), h.post("/v1/keys/" + id + "/rotate", "{}").send())) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
    assertThat(h.call("GET", "/v1/keys").auth(op.secret()).send().status()).isEqualTo(200);
    assertThat(ids(h.get("/v1/keys?limit=100").send())).doesNotContain(id);
  }

  // ---- workspace-scoped operator keys ----

  @Test
  void aWorkspaceScopedOperatorKeySeesOnlyItsWorkspace() {
    Tenant mine = tenant();
    Tenant theirs = tenant();
    String scoped = h.server.keywarden().keys().createOperatorKey("scoped", List.of("keys:read", "keys:write"),
        null, mine.ws, Actor.SYSTEM).secret();
    String own = created(userKeyBody(mine, "")).data().get("id").asText();
    String foreign = created(userKeyBody(theirs, "")).data().get("id").asText();

    var list = h.call("GET", "/v1/keys?limit=100").auth(scoped).send();
    assertThat(list.status()).isEqualTo(200);
    assertThat(ids(list)).containsExactly(own);
    assertThat(ids(h.call("GET", "/v1/keys?workspace_id=" + theirs.ws).auth(scoped).send())).isEmpty();

    for (var r : List.of(h.call("GET", "/v1/keys/" + foreign).auth(scoped).send(),
        h.call("PATCH", "/v1/keys/" + foreign).auth(scoped).json("{\"name\":\"x\"}").send(),
        h.call("DELETE", "/v1/keys/" + foreign).auth(scoped).send(),
        h.call("POST", "/v1/keys/" + foreign + "/rotate").auth(scoped).json("{}").send())) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
    }
    assertThat(h.get("/v1/keys/" + foreign).send().data().get("state").asText()).isEqualTo("active");

    // Another workspace is answered exactly as a workspace that does not exist.
    var other = h.call("POST", "/v1/keys").auth(scoped).json(userKeyBody(theirs, "")).send();
    var missing = h.post("/v1/keys",
        userKeyBody(new Tenant("ws_000000000000000000000", mine.user, null, null, null), "")).send();
    assert400(other, "workspace_id");
    assertThat(other.json.get("error")).isEqualTo(missing.json.get("error"));

    // workspace_id defaults to the caller's own workspace.
    var defaulted = h.call("POST", "/v1/keys").auth(scoped).json("{\"kind\":\"user\",\"user_id\":\""
        + mine.user + "\",\"name\":\"mine\"}").send();
    assertThat(defaulted.status()).as(defaulted.toString()).isEqualTo(201);
    assertThat(defaulted.data().get("workspace_id").asText()).isEqualTo(mine.ws);
  }

  // ---- 409 ----

  @Test
  void rotatingARotatedOrRevokedKeyIs409() {
    Tenant t = tenant();
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    assertThat(h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":600}").send().status()).isEqualTo(201);
    var twice = h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":600}").send();
    assertThat(twice.status()).as(twice.toString()).isEqualTo(409);
    assertThat(twice.errorCode()).isEqualTo("conflict");

    String revoked = created(userKeyBody(t, "")).data().get("id").asText();
    assertThat(h.delete("/v1/keys/" + revoked).send().status()).isEqualTo(200);
    var r = h.post("/v1/keys/" + revoked + "/rotate", "{}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("conflict");
  }

  // ---- 413 / 415 ----

  @Test
  void oversizedBodyIs413AndCreatesNothing() {
    Tenant t = tenant();
    String huge = userKeyBody(t, ",\"metadata\":{\"blob\":\"" + "x".repeat(1_100_000) + "\"}");
    var r = h.post("/v1/keys", huge).send();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(h.get("/v1/keys?workspace_id=" + t.ws).send().data()).isEmpty();
  }

  @Test
  void nonJsonBodyIs415() {
    Tenant t = tenant();
    var r = h.call("POST", "/v1/keys").auth(h.adminKey)
        .body("text/plain", userKeyBody(t, "").getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    String id = created(userKeyBody(t, "")).data().get("id").asText();
    var patch = h.call("PATCH", "/v1/keys/" + id).auth(h.adminKey)
        .body("application/x-www-form-urlencoded", "name=x".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(patch.status()).isEqualTo(415);
    var rotate = h.call("POST", "/v1/keys/" + id + "/rotate").auth(h.adminKey)
        .body("text/plain", "{\"grace_seconds\":5}".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(rotate.status()).isEqualTo(415);
    assertThat(h.get("/v1/keys?workspace_id=" + t.ws).send().data()).hasSize(1);
  }
}
