package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/audit-events} over real HTTP: the trail of key changes, its filters and statuses. */
class AuditApiTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String AGENT = "keywarden-audit-test/1.0";

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

  /** A workspace with one admin member, made through the store. */
  record Tenant(String ws, String user) {}

  private static Tenant tenant() {
    var t = h.server.keywarden().tenants();
    int n = SEQ.incrementAndGet();
    Workspace ws = t.createWorkspace("audit ws " + n, null, null, Actor.SYSTEM);
    User u = t.createUser("audit" + n + "@example.com", "Auditee " + n, Actor.SYSTEM);
    t.putMembership(ws.id(), u.id(), "admin", List.of(), null, Actor.SYSTEM);
    return new Tenant(ws.id(), u.id());
  }

  private static String createKey(Tenant t) {
    var r = h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + t.user + "\",\"name\":\"audited\",\"scopes\":[\"read\"]}").header("User-Agent", AGENT).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  private static ServerHarness.Reply events(String query) {
    var r = h.get("/v1/audit-events" + query).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r;
  }

  private static List<String> actions(ServerHarness.Reply r) {
    List<String> out = new ArrayList<>();
    r.data().forEach(e -> out.add(e.get("action").asText()));
    return out;
  }

  private static void assert400(ServerHarness.Reply r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo(field);
  }

  // ---- 200 ----

  @Test
  void everyKeyChangeIsAuditedWithActorClientIpAndUserAgent() {
    Tenant t = tenant();
    String id = createKey(t);
    assertThat(h.patch("/v1/keys/" + id, "{\"name\":\"renamed\"}").header("User-Agent", AGENT).send().status())
        .isEqualTo(200);
    var rotated = h.post("/v1/keys/" + id + "/rotate", "{\"grace_seconds\":60}").header("User-Agent", AGENT).send();
    assertThat(rotated.status()).isEqualTo(201);
    String successor = rotated.data().get("id").asText();
    assertThat(h.delete("/v1/keys/" + successor).header("User-Agent", AGENT).send().status()).isEqualTo(200);

    var old = events("?target=" + id);
    assertThat(actions(old)).containsExactlyInAnyOrder("key.created", "key.updated", "key.rotated");
    var next = events("?target=" + successor);
    assertThat(actions(next)).containsExactlyInAnyOrder("key.created", "key.revoked");

    List<JsonNode> all = new ArrayList<>();
    old.data().forEach(all::add);
    next.data().forEach(all::add);
    for (JsonNode e : all) {
      assertThat(e.get("id").asText()).startsWith("evt_");
      assertThat(e.get("object").asText()).isEqualTo("audit_event");
      assertThat(e.get("actor").asText()).startsWith("operator:key_");
      assertThat(e.get("client_ip").asText()).isEqualTo("127.0.0.1");
      assertThat(e.get("user_agent").asText()).isEqualTo(AGENT);
      assertThat(e.get("workspace_id").asText()).isEqualTo(t.ws);
      assertThat(e.get("target").get("type").asText()).isEqualTo("key");
      assertThat(e.get("at").asText()).endsWith("Z");
    }
    JsonNode update = old.data().findParents("action").stream()
        .filter(e -> e.get("action").asText().equals("key.updated")).findFirst().orElseThrow();
    assertThat(update.get("details").toString()).contains("renamed");
  }

  @Test
  void theTrailNeverContainsASecret() {
    Tenant t = tenant();
    var r = h.post("/v1/keys", "{\"workspace_id\":\"" + t.ws + "\",\"kind\":\"user\",\"user_id\":\""
        + t.user + "\",\"name\":\"s\"}").send();
    String secret = r.data().get("secret").asText();
    String id = r.data().get("id").asText();
    var rotated = h.post("/v1/keys/" + id + "/rotate", "{}").send();
    String successorSecret = rotated.data().get("secret").asText();
    var list = events("?workspace_id=" + t.ws + "&limit=100");
    assertThat(list.data()).isNotEmpty();
    assertThat(list.raw.body()).doesNotContain(secret).doesNotContain(successorSecret);
  }

  @Test
  void filtersByWorkspaceAndAction() {
    Tenant t = tenant();
    Tenant other = tenant();
    String a = createKey(t);
    String b = createKey(t);
    createKey(other);
    h.delete("/v1/keys/" + a).send();

    var created = events("?workspace_id=" + t.ws + "&action=key.created");
    assertThat(created.data()).hasSize(2);
    created.data().forEach(e -> assertThat(e.get("workspace_id").asText()).isEqualTo(t.ws));
    var revoked = events("?workspace_id=" + t.ws + "&action=key.revoked");
    assertThat(revoked.data()).hasSize(1);
    assertThat(revoked.data().get(0).get("target").get("id").asText()).isEqualTo(a);
    assertThat(events("?workspace_id=" + t.ws + "&action=key.revoked&target=" + b).data()).isEmpty();
    assertThat(events("?action=no.such.action").data()).isEmpty();
  }

  @Test
  void filtersByTimeRangeFromInclusiveToExclusive() {
    Tenant t = tenant();
    String id = createKey(t);
    h.clock.advance(Duration.ofHours(1));
    Instant later = h.clock.instant();
    assertThat(h.patch("/v1/keys/" + id, "{\"name\":\"later\"}").send().status()).isEqualTo(200);
    h.clock.advance(Duration.ofHours(1));
    assertThat(h.delete("/v1/keys/" + id).send().status()).isEqualTo(200);

    assertThat(actions(events("?target=" + id + "&from=" + later))).containsExactly("key.revoked", "key.updated");
    assertThat(actions(events("?target=" + id + "&to=" + later))).containsExactly("key.created");
    assertThat(actions(events("?target=" + id + "&from=" + later + "&to=" + later.plus(Duration.ofMinutes(1)))))
        .containsExactly("key.updated");
    // A time with an offset names the same instant.
    String offset = later.atOffset(java.time.ZoneOffset.ofHours(-5)).toString();
    assertThat(actions(events("?target=" + id + "&to=" + offset))).containsExactly("key.created");
  }

  @Test
  void listPagesWithCursorsBothWays() {
    Tenant t = tenant();
    for (int i = 0; i < 3; i++) {
      createKey(t);
    }
    String base = "/v1/audit-events?workspace_id=" + t.ws + "&action=key.created&limit=2";
    var first = events(base.substring("/v1/audit-events".length()));
    assertThat(first.data()).hasSize(2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    var second = h.get(base + "&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(second.data()).hasSize(1);
    assertThat(second.json.get("pagination").get("has_more").asBoolean()).isFalse();
    var back = h.get(base + "&before=" + second.json.get("pagination").get("prev_cursor").asText()).send();
    assertThat(back.data()).isEqualTo(first.data());
  }

  @Test
  void aWorkspaceScopedOperatorKeySeesOnlyItsWorkspacesEvents() {
    Tenant mine = tenant();
    Tenant theirs = tenant();
    String own = createKey(mine);
    String foreign = createKey(theirs);
    String scoped = h.server.keywarden().keys().createOperatorKey("auditor", List.of("audit:read"), null,
        mine.ws, Actor.SYSTEM).secret();

    var all = h.call("GET", "/v1/audit-events?limit=100").auth(scoped).send();
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.data()).isNotEmpty();
    all.data().forEach(e -> assertThat(e.get("workspace_id").asText()).isEqualTo(mine.ws));
    assertThat(all.raw.body()).contains(own).doesNotContain(foreign);

    var other = h.call("GET", "/v1/audit-events?workspace_id=" + theirs.ws).auth(scoped).send();
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.data()).isEmpty();
    assertThat(other.json.get("pagination").get("has_more").asBoolean()).isFalse();
    var byTarget = h.call("GET", "/v1/audit-events?target=" + foreign).auth(scoped).send();
    assertThat(byTarget.data()).isEmpty();
  }

  // ---- 400 ----

  @Test
  void badTimesAre400NamingTheParameter() {
    assert400(h.get("/v1/audit-events?from=yesterday").send(), "from");
    assert400(h.get("/v1/audit-events?to=2026-13-01T00:00:00Z").send(), "to");
    assert400(h.get("/v1/audit-events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z").send(), "to");
    assert400(h.get("/v1/audit-events?limit=101").send(), "limit");
    assert400(h.get("/v1/audit-events?before=bogus").send(), "before");
  }

  // ---- 401 / 403 / 405 ----

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/audit-events").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
  }

  @Test
  void operatorKeyWithoutAuditReadIs403() {
    String keysOnly = h.server.keywarden().keys().createOperatorKey("k", List.of("keys:read", "keys:write"),
        null, Actor.SYSTEM).secret();
    var r = h.call("GET", "/v1/audit-events").auth(keysOnly).send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("insufficient_scope");
    assertThat(r.header("WWW-Authenticate")).contains("scope=\"audit:read\"");
  }

  @Test
  void theTrailIsReadOnly() {
    var r = h.post("/v1/audit-events", "{}").send();
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.errorCode()).isEqualTo("method_not_allowed");
  }
}
