package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metorial's getting-started page about keys, limits and responses, statement by statement, over
 * real HTTP through the gateway (served at the root) to the Metorial demo upstream
 * (examples/metorial/keywarden.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetorialConformanceTest {
  static final String CREATE = "{\"name\": \"github-prod\", \"provider\": \"github\"}";
  DemoHarness h;

  @BeforeAll
  void start(@TempDir Path dir) {
    h = new DemoHarness(DemoSystem.METORIAL, dir);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private Management.Key projectKey(String project, String type, String environment) {
    return h.api.key(fields("workspace_id", h.world.id("workspace"), "kind", "project", "project_id", project,
        "name", "k", "type", type, "environment", environment));
  }

  private String newProject() {
    String p = h.api.project(h.world.id("workspace"), "p" + System.nanoTime());
    h.demo.upstream().data().addProject(h.world.id("workspace"), p, "p");
    return p;
  }

  @Test
  void publishableKeysStartWithMetorialPkAndSecretKeysWithMetorialSk() {
    assertThat(h.world.secret("publishable")).startsWith("metorial_pk_");
    assertThat(h.world.secret("secret")).startsWith("metorial_sk_");
    assertThat(h.world.secret("development")).startsWith("metorial_sk_");
  }

  @Test
  void theKeyIsSentAsABearerTokenInTheAuthorizationHeader() {
    assertThat(h.get("/provider-deployments").as("secret").status()).isEqualTo(200);
    assertThat(h.get("/provider-deployments").header("Authorization", h.world.secret("secret")).status()).isEqualTo(401);
  }

  @Test
  void publishableKeysAreUsedForPublicDataAccess() {
    var r = h.get("/provider-deployments").as("publishable").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json.get("items").get(0).get("object").asText()).isEqualTo("provider.deployment");
    String id = r.json.get("items").get(0).get("id").asText();
    assertThat(h.get("/provider-deployments/" + id).as("publishable").status()).isEqualTo(200);
  }

  @Test
  void publishableKeysAreSafeInClientSideCodeBecauseTheyOnlyRead() {
    var pre = h.call("OPTIONS", "/provider-deployments").header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "GET").send();
    assertThat(pre.status()).isEqualTo(204);
    var r = h.get("/provider-deployments").as("publishable").header("Origin", "https://app.example.com").send();
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    var write = h.call("POST", "/provider-deployments").as("publishable").json(CREATE).send();
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.reason()).isEqualTo("publishable_not_allowed");
  }

  @Test
  void secretKeysProvideFullProjectAccess() {
    var created = h.call("POST", "/provider-deployments").as("secret").json(CREATE).send();
    assertThat(created.status()).isEqualTo(201);
    String id = created.json.get("id").asText();
    assertThat(h.get("/provider-deployments/" + id).as("secret").status()).isEqualTo(200);
    assertThat(h.call("DELETE", "/provider-deployments/" + id).as("secret").status()).isEqualTo(200);
    assertThat(h.call("DELETE", "/provider-deployments/" + id).as("publishable").status()).isEqualTo(403);
  }

  @Test
  void aKeySeesOnlyItsOwnProject() {
    String other = newProject();
    String id = h.call("POST", "/provider-deployments").key(projectKey(other, "secret", "production").secret()).json(CREATE)
        .send().json.get("id").asText();
    assertThat(h.get("/provider-deployments/" + id).as("secret").status()).isEqualTo(404);
  }

  @Test
  void responsesUseTheDocumentedStatusCodes() {
    assertThat(h.get("/provider-deployments").as("secret").status()).as("200 success").isEqualTo(200);
    assertThat(h.call("POST", "/provider-deployments").as("secret").body("text/plain", "x").status()).as("400 wrong request").isEqualTo(400);
    assertThat(h.get("/provider-deployments").key("metorial_sk_abc123").status()).as("401 invalid key").isEqualTo(401);
    assertThat(h.call("POST", "/provider-deployments").as("publishable").json(CREATE).status()).as("403 permissions").isEqualTo(403);
    assertThat(h.get("/provider-deployments/pdep_nothing").as("secret").status()).as("404").isEqualTo(404);
    assertThat(h.get("/nothing-here").as("secret").status()).as("404 unknown path").isEqualTo(404);
  }

  @Test
  void listsUseCursorPaginationWithHasMoreBeforeAndHasMoreAfter() {
    String key = projectKey(newProject(), "secret", "production").secret();
    var first = h.get("/provider-deployments?limit=10").key(key).send();
    JsonNode p = first.json.get("pagination");
    assertThat(p.get("has_more_before").asBoolean()).isFalse();
    assertThat(p.get("has_more_after").asBoolean()).isTrue();
    var second = h.get("/provider-deployments?limit=10&after=" + p.get("cursor_after").asText()).key(key).send();
    JsonNode p2 = second.json.get("pagination");
    assertThat(p2.get("has_more_before").asBoolean()).isTrue();
    assertThat(p2.get("has_more_after").asBoolean()).isTrue();
    assertThat(second.json.get("items").get(0).get("id")).isNotEqualTo(first.json.get("items").get(0).get("id"));
    var back = h.get("/provider-deployments?limit=10&before=" + p2.get("cursor_before").asText()).key(key).send();
    assertThat(back.json.get("items")).isEqualTo(first.json.get("items"));
    var last = h.get("/provider-deployments?limit=10&after=" + p2.get("cursor_after").asText()).key(key).send();
    assertThat(last.json.get("pagination").get("has_more_after").asBoolean()).isFalse();
  }

  @Test
  void aRevokedKeyIsRefusedOnTheNextRequest() {
    Management.Key k = projectKey(h.world.id("project.assistant"), "publishable", "production");
    assertThat(h.get("/provider-deployments").key(k.secret()).status()).isEqualTo(200);
    h.api.revoke(k.id());
    assertThat(h.get("/provider-deployments").key(k.secret()).status()).isEqualTo(401);
  }

  @Test
  void developmentEnvironmentsAllow100RequestsPer10Minutes() {
    h.clock.advance(Duration.ofMinutes(10));
    String dev = projectKey(newProject(), "secret", "development").secret();
    for (int i = 0; i < 100; i++) {
      assertThat(h.get("/provider-deployments").key(dev).status()).as("request %d", i + 1).isEqualTo(200);
    }
    var limited = h.get("/provider-deployments").key(dev).send();
    assertThat(limited.status()).isEqualTo(429);
    long retry = Long.parseLong(limited.header("Retry-After"));
    assertThat(retry).isBetween(1L, 600L);
    h.clock.advance(Duration.ofSeconds(retry));
    assertThat(h.get("/provider-deployments").key(dev).status()).isEqualTo(200);
  }

  @Test
  void productionEnvironmentsAllow5000RequestsPer10Minutes() {
    h.clock.advance(Duration.ofMinutes(10));
    String prod = projectKey(newProject(), "secret", "production").secret();
    for (int i = 0; i < 5000; i++) {
      if (i > 0 && i % 900 == 0) {
        h.clock.advance(Duration.ofSeconds(10)); // keep under the per-IP limit
      }
      assertThat(h.get("/provider-deployments").key(prod).status()).as("request %d", i + 1).isEqualTo(200);
    }
    h.clock.advance(Duration.ofSeconds(10));
    var limited = h.get("/provider-deployments").key(prod).send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 600L);
  }

  @Test
  void eachIpMayMake1000RequestsEvery10Seconds() {
    h.clock.advance(Duration.ofMinutes(10));
    String a = projectKey(newProject(), "publishable", "production").secret();
    String b = projectKey(newProject(), "secret", "production").secret();
    for (int i = 0; i < 1000; i++) {
      assertThat(h.get("/provider-deployments").key(i % 2 == 0 ? a : b).status()).as("request %d", i + 1).isEqualTo(200);
    }
    var limited = h.get("/provider-deployments").key(b).send();
    assertThat(limited.status()).as("the limit is per IP, whatever the key").isEqualTo(429);
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 10L);
    h.clock.advance(Duration.ofSeconds(10));
    assertThat(h.get("/provider-deployments").key(a).status()).isEqualTo(200);
  }
}
