package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.testing.ServerHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/workspaces} over real HTTP: one test per status the family can return. */
class WorkspacesApiTest {
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

  private String createWorkspace(String name) {
    var r = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data().get("id").asText();
  }

  @Test
  void createReturns201WithTheWorkspaceOnTheDefaultPlan() {
    var r = h.post("/v1/workspaces", "{\"name\":\"Acme\"}").send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.data().get("id").asText()).startsWith("ws_");
    assertThat(r.data().get("plan").asText()).isEqualTo("default");
    assertThat(r.data().get("created_at").asText()).endsWith("Z");
    assertThat(r.header("X-Request-Id")).isNotBlank();
  }

  @Test
  void getReturns200AndUnknownIdReturns404() {
    String id = createWorkspace("Globex");
    var ok = h.get("/v1/workspaces/" + id).send();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.data().get("name").asText()).isEqualTo("Globex");
    var missing = h.get("/v1/workspaces/ws_000000000000000000000").send();
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
  }

  @Test
  void listPagesWithCursorsBothWays() {
    for (int i = 0; i < 3; i++) {
      createWorkspace("paged " + i);
    }
    var first = h.get("/v1/workspaces?limit=2").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.data()).hasSize(2);
    var p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    assertThat(p.get("has_more_before").asBoolean()).isFalse();
    var second = h.get("/v1/workspaces?limit=2&cursor=" + p.get("next_cursor").asText()).send();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json.get("pagination").get("has_more_before").asBoolean()).isTrue();
    var back = h.get("/v1/workspaces?limit=2&before=" + second.json.get("pagination").get("prev_cursor").asText()).send();
    assertThat(back.data()).isEqualTo(first.data());
  }

  @Test
  void patchChangesNameAndClearsTheLifetimeCapWithNull() {
    String id = createWorkspace("Initech");
    var capped = h.patch("/v1/workspaces/" + id, "{\"max_ttl_days\":30}").send();
    assertThat(capped.status()).isEqualTo(200);
    assertThat(capped.data().get("max_ttl_days").asInt()).isEqualTo(30);
    var cleared = h.patch("/v1/workspaces/" + id, "{\"name\":\"Initrode\",\"max_ttl_days\":null}").send();
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(cleared.data().get("name").asText()).isEqualTo("Initrode");
    assertThat(cleared.data().get("max_ttl_days").isNull()).isTrue();
  }

  @Test
  void deleteReturns200AndTheWorkspaceIsGone() {
    String id = createWorkspace("Doomed");
    var r = h.delete("/v1/workspaces/" + id).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().get("deleted").asBoolean()).isTrue();
    assertThat(h.get("/v1/workspaces/" + id).send().status()).isEqualTo(404);
  }

  @Test
  void missingNameIs400NamingName() {
    var r = h.post("/v1/workspaces", "{}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void unknownPlanIs400NamingPlan() {
    var r = h.post("/v1/workspaces", "{\"name\":\"x\",\"plan\":\"platinum\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("plan");
  }

  @Test
  void unknownFieldIs400NamingIt() {
    var r = h.post("/v1/workspaces", "{\"name\":\"x\",\"colour\":\"red\"}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("colour");
    assertThat(r.json.get("error").get("message").asText()).contains("colour");
  }

  @Test
  void wrongTypeIs400NamingTheField() {
    var r = h.post("/v1/workspaces", "{\"name\":42}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("name");
  }

  @Test
  void malformedJsonIs400SayingWhere() {
    var r = h.post("/v1/workspaces", "{\"name\": \"x\",}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json.get("error").get("message").asText()).contains("line 1");
  }

  @Test
  void nonJsonBodyIs415() {
    var r = h.call("POST", "/v1/workspaces").auth(h.adminKey)
        .body("text/plain", "name=x".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
  }

  @Test
  void oversizedBodyIs413AndCreatesNothing() {
    long before = h.get("/v1/workspaces?limit=100").send().data().size();
    String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
    var r = h.post("/v1/workspaces", huge).send();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(h.get("/v1/workspaces?limit=100").send().data().size()).isEqualTo(before);
  }

  @Test
  void noKeyIs401WithWwwAuthenticate() {
    var r = h.call("GET", "/v1/workspaces").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.reason()).isEqualTo("missing");
  }

  @Test
  void badKeyIs401WithInvalidToken() {
    var r = h.call("GET", "/v1/workspaces").auth("kw_op_notarealkeyatallnotarealkeyatall0000").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void operatorKeyWithoutTheScopeIs403() {
    var reader = h.server.keywarden().keys().createOperatorKey("reader", java.util.List.of("keys:read"), null,
        io.keywarden.store.Actor.SYSTEM);
    var r = h.call("POST", "/v1/workspaces").auth(reader.secret()).json("{\"name\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("insufficient_scope");
    assertThat(r.header("WWW-Authenticate")).contains("scope=\"tenants:write\"");
  }

  @Test
  void requestIdIsEchoedWhenSane() {
    var r = h.get("/v1/workspaces").header("X-Request-Id", "abc-123").send();
    assertThat(r.header("X-Request-Id")).isEqualTo("abc-123");
    var insane = h.get("/v1/workspaces").header("X-Request-Id", "a b\u00e9").send();
    assertThat(insane.header("X-Request-Id")).isNotEqualTo("a b\u00e9").startsWith("req_");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405InTheEnvelope() {
    var r = h.get("/v1/nothing-here").send();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    var m = h.call("PUT", "/v1/workspaces").auth(h.adminKey).json("{}").send();
    assertThat(m.status()).isEqualTo(405);
    assertThat(m.errorCode()).isEqualTo("method_not_allowed");
  }
}
