package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nomotic's article on authentication and API keys, statement by statement, over real HTTP
 * through the gateway to the Nomotic demo upstream (examples/nomotic/keywarden.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NomoticConformanceTest {
  static final String EVAL = "{\"agent\": \"production-agent\", \"action\": \"send_email\"}";
  DemoHarness h;
  Path dir;

  @BeforeAll
  void start(@TempDir Path dir) {
    this.dir = dir;
    h = new DemoHarness(DemoSystem.NOMOTIC, dir);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  /** A workspace of its own on {@code plan}, with one key of {@code scope}: limits are per workspace. */
  private String keyOnPlan(String plan, String scope) {
    String ws = h.api.workspace("Plan " + plan, plan);
    String u = h.api.user("u" + System.nanoTime() + "@example.com", "U");
    h.api.member(ws, u, "owner", null);
    return h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", u, "name", "k", "scopes", List.of(scope))).secret();
  }

  private Management.Key key(String name, String scope) {
    return h.api.key(fields("workspace_id", h.world.id("workspace"), "kind", "user", "user_id", h.world.id("user.ada"),
        "name", name, "scopes", List.of(scope)));
  }

  private String firstAgent(String key) {
    return h.get("/api/v1/agents").key(key).send().json.get("data").get(0).get("id").asText();
  }

  @Test
  void everyRequestRequiresAnApiKeyInTheAuthorizationHeader() {
    var r = h.get("/api/v1/agents").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void aMissingOrMalformedKeyIs401() {
    assertThat(h.get("/api/v1/agents").key("nm_live_your_key_here").status()).isEqualTo(401);
    assertThat(h.get("/api/v1/agents").header("Authorization", "Bearer").status()).isEqualTo(401);
    assertThat(h.get("/api/v1/agents").header("Authorization", "Basic " + h.world.secret("read")).status()).isEqualTo(401);
  }

  @Test
  void everyKeyStartsWithNmLive() {
    for (String k : List.of("read", "agentic", "write", "admin")) {
      assertThat(h.world.secret(k)).startsWith("nm_live_");
    }
  }

  @Test
  void thereIsNoSeparateTestMode() {
    assertThatThrownBy(() -> h.api.key(fields("workspace_id", h.world.id("workspace"), "kind", "user",
        "user_id", h.world.id("user.ada"), "name", "dev", "scopes", List.of("read"), "environment", "test")))
        .hasMessageContaining("400");
  }

  @Test
  void aKeyHasTheNameItWasGivenAndItsFullValueIsShownExactlyOnce() {
    Management.Key k = h.world.key("agentic");
    var view = h.api.readKey(k.id());
    assertThat(view.get("name").asText()).isEqualTo("production-agent");
    assertThat(view.has("secret")).isFalse();
    assertThat(view.toString()).doesNotContain(k.secret());
  }

  @Test
  void nomoticStoresOnlyAHashOfTheKey() throws IOException {
    String secret = key("hash-check", "read").secret();
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(secret);
      }
    }
  }

  @Test
  void agenticAllowsEvaluationsAuditTrailReadsAndAgentStatusUpdates() {
    String k = h.world.secret("agentic");
    assertThat(h.call("POST", "/api/v1/evaluations").key(k).json(EVAL).status()).isEqualTo(201);
    assertThat(h.get("/api/v1/audit").key(k).status()).isEqualTo(200);
    String agent = firstAgent(h.world.secret("read"));
    assertThat(h.call("PATCH", "/api/v1/agents/" + agent + "/status").key(k).json("{\"status\": \"paused\"}").status()).isEqualTo(200);
    assertThat(h.call("POST", "/api/v1/agents").key(k).json("{\"name\": \"x\"}").status()).isEqualTo(403);
    assertThat(h.call("POST", "/api/v1/policies").key(k).json("{\"name\": \"x\"}").status()).isEqualTo(403);
  }

  @Test
  void writeAllowsEverythingAgenticAllowsPlusManagingAgentsAndPolicies() {
    String k = h.world.secret("write");
    assertThat(h.call("POST", "/api/v1/evaluations").key(k).json(EVAL).status()).isEqualTo(201);
    assertThat(h.get("/api/v1/audit").key(k).status()).isEqualTo(200);
    String agent = h.call("POST", "/api/v1/agents").key(k).json("{\"name\": \"w\"}").send().json.get("data").get("id").asText();
    assertThat(h.call("PATCH", "/api/v1/agents/" + agent + "/status").key(k).json("{\"status\": \"active\"}").status()).isEqualTo(200);
    assertThat(h.call("POST", "/api/v1/policies").key(k).json("{\"name\": \"p\"}").status()).isEqualTo(201);
    assertThat(h.call("DELETE", "/api/v1/agents/" + agent).key(k).status()).isEqualTo(403);
  }

  @Test
  void readIsReadOnlyAccessToEvaluationsAuditTrailAndAgentStatus() {
    String k = h.world.secret("read");
    for (String p : List.of("/api/v1/agents", "/api/v1/evaluations", "/api/v1/audit")) {
      assertThat(h.get(p).key(k).status()).as(p).isEqualTo(200);
    }
    String agent = firstAgent(k);
    assertThat(h.get("/api/v1/agents/" + agent).key(k).send().json.get("data").has("status")).isTrue();
    assertThat(h.call("PATCH", "/api/v1/agents/" + agent + "/status").key(k).json("{\"status\": \"paused\"}").status()).isEqualTo(403);
  }

  @Test
  void aReadKeyCannotSubmitGovernanceEvaluations() {
    var r = h.call("POST", "/api/v1/evaluations").as("read").json(EVAL).send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("insufficient_scope");
  }

  @Test
  void adminHasFullAccess() {
    String k = h.world.secret("admin");
    String agent = h.call("POST", "/api/v1/agents").key(k).json("{\"name\": \"gone\"}").send().json.get("data").get("id").asText();
    assertThat(h.call("POST", "/api/v1/evaluations").key(k).json(EVAL).status()).isEqualTo(201);
    assertThat(h.call("DELETE", "/api/v1/agents/" + agent).key(k).status()).isEqualTo(204);
  }

  @Test
  void rotatingIsANewKeyWithTheSameScopeThenRevokingTheOld() {
    Management.Key old = key("ci-pipeline", "agentic");
    Management.Key fresh = key("ci-pipeline-2", "agentic");
    assertThat(h.call("POST", "/api/v1/evaluations").key(fresh.secret()).json(EVAL).status()).isEqualTo(201);
    h.api.revoke(old.id());
    assertThat(h.call("POST", "/api/v1/evaluations").key(old.secret()).json(EVAL).status()).isEqualTo(401);
    assertThat(h.call("POST", "/api/v1/evaluations").key(fresh.secret()).json(EVAL).status()).isEqualTo(201);
    // Keywarden's own rotation does the same in one call: a successor with the same scope.
    Management.Key next = h.api.rotate(fresh.id(), 0);
    assertThat(next.secret()).startsWith("nm_live_");
    assertThat(h.call("POST", "/api/v1/evaluations").key(next.secret()).json(EVAL).status()).isEqualTo(201);
  }

  @Test
  void revokingIsImmediateAndTheRevokedKeyGets401() {
    Management.Key k = key("soon-revoked", "read");
    assertThat(h.get("/api/v1/agents").key(k.secret()).status()).isEqualTo(200);
    h.api.revoke(k.id());
    var r = h.get("/api/v1/agents").key(k.secret()).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("revoked");
  }

  @Test
  void theFreePlanAllows60RequestsPerMinuteThen429WithRetryAfter() {
    String k = keyOnPlan("free", "read");
    for (int i = 0; i < 60; i++) {
      assertThat(h.get("/api/v1/agents").key(k).status()).as("request %d", i + 1).isEqualTo(200);
    }
    var r = h.get("/api/v1/agents").key(k).send();
    assertThat(r.status()).isEqualTo(429);
    long retry = Long.parseLong(r.header("Retry-After"));
    assertThat(retry).isBetween(1L, 60L);
    h.clock.advance(Duration.ofSeconds(retry));
    assertThat(h.get("/api/v1/agents").key(k).status()).isEqualTo(200);
  }

  @Test
  void theTeamAndBusinessPlansAllow500And2000RequestsPerMinute() {
    String team = keyOnPlan("team", "read");
    for (int i = 0; i < 500; i++) {
      assertThat(h.get("/api/v1/agents").key(team).status()).isEqualTo(200);
    }
    assertThat(h.get("/api/v1/agents").key(team).status()).isEqualTo(429);
    var business = h.get("/api/v1/agents").key(keyOnPlan("business", "read")).send();
    assertThat(business.header("X-RateLimit-Limit")).isEqualTo("2000");
  }

  @Test
  void evaluationsCountTowardAMonthlyEvaluationLimitFromDevelopmentAndProductionKeysAlike() {
    String ws = h.api.workspace("Quota", "free");
    String u = h.api.user("q" + System.nanoTime() + "@example.com", "Q");
    h.api.member(ws, u, "owner", null);
    String k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", u, "name", "production-agent",
        "scopes", List.of("agentic"))).secret();
    String dev = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", u, "name", "development-agent",
        "scopes", List.of("agentic"))).secret();
    for (int i = 0; i < 1000; i++) {
      if (i % 50 == 49) {
        h.clock.advance(Duration.ofMinutes(1)); // stay under the per-minute limit
      }
      String key = i % 2 == 0 ? k : dev;
      assertThat(h.call("POST", "/api/v1/evaluations").key(key).json(EVAL).status()).as("evaluation %d", i + 1).isEqualTo(201);
    }
    h.clock.advance(Duration.ofMinutes(1));
    var r = h.call("POST", "/api/v1/evaluations").key(k).json(EVAL).send();
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorCode()).isEqualTo("quota_exceeded");
    assertThat(h.get("/api/v1/audit").key(k).status()).as("other calls are not evaluations").isEqualTo(200);
    h.clock.advance(Duration.ofSeconds(Long.parseLong(r.header("Retry-After"))));
    assertThat(h.call("POST", "/api/v1/evaluations").key(k).json(EVAL).status()).as("a new month").isEqualTo(201);
  }

  @Test
  void enterpriseLimitsAreCustomPerWorkspace() {
    var body = DemoHarness.JSON.createObjectNode().put("name", "Big Co").put("plan", "enterprise");
    body.putArray("rate_limits").addObject().put("name", "minute").put("limit", 5);
    String ws = h.api.send("POST", "/v1/workspaces", body).get("id").asText();
    String u = h.api.user("e" + System.nanoTime() + "@big.example", "E");
    h.api.member(ws, u, "owner", null);
    String k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", u, "name", "k", "scopes", List.of("read"))).secret();
    var first = h.get("/api/v1/agents").key(k).send();
    assertThat(first.header("X-RateLimit-Limit")).isEqualTo("5");
    for (int i = 1; i < 5; i++) {
      assertThat(h.get("/api/v1/agents").key(k).status()).isEqualTo(200);
    }
    assertThat(h.get("/api/v1/agents").key(k).status()).isEqualTo(429);
  }
}
