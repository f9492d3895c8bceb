package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.keys.KeyFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nometria's document about access, statement by statement, over real HTTP through the gateway to
 * the Nometria demo upstream (examples/nometria/keywarden.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NometriaConformanceTest {
  DemoHarness h;

  @BeforeAll
  void start(@TempDir Path dir) {
    h = new DemoHarness(DemoSystem.NOMETRIA, dir);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private Management.Key newKey(String workspace, String user, List<String> scopes, Object ttl) {
    return h.api.key(fields("workspace_id", h.world.id(workspace), "kind", "user", "user_id", h.world.id(user),
        "name", "test key", "scopes", scopes, "ttl_days", ttl));
  }

  private String deployBody(String project) {
    return "{\"project_id\": \"" + h.world.id(project) + "\"}";
  }

  @Test
  void everyRequestWithoutAnApiKeyIsUnauthorized() {
    var r = h.get("/v1/projects").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void theKeyIsPassedAsABearerTokenInTheAuthorizationHeader() {
    assertThat(h.get("/v1/projects").as("ci").status()).isEqualTo(200);
    assertThat(h.get("/v1/projects").header("Authorization", h.world.secret("ci")).status()).isEqualTo(401);
    assertThat(h.get("/v1/projects").header("X-API-Key", h.world.secret("ci")).status()).isEqualTo(401);
  }

  @Test
  void keysAreCreatedWithNometriasPrefixAndShownOnlyAtCreation() {
    Management.Key k = h.world.key("ci");
    assertThat(k.secret()).startsWith("nometria_sk_live_");
    assertThat(KeyFormat.check(k.secret())).isEqualTo(KeyFormat.OK);
    JsonNode read = h.api.readKey(k.id());
    assertThat(read.has("secret")).isFalse();
    assertThat(read.toString()).doesNotContain(k.secret());
  }

  @Test
  void anInvalidOrMissingKeyIs401() {
    assertThat(h.get("/v1/projects").key("not-a-key").status()).isEqualTo(401);
    assertThat(h.get("/v1/projects").key(KeyFormat.generate("nometria_sk_live")).send().reason()).isEqualTo("not_found");
    String k = h.world.secret("ci");
    String typo = k.substring(0, k.length() - 1) + (k.endsWith("a") ? "b" : "a");
    assertThat(h.get("/v1/projects").key(typo).send().reason()).isEqualTo("bad_checksum");
  }

  @Test
  void keysAreScopedToTheAccountAndHaveAccessToAllItsProjects() {
    var projects = h.get("/v1/projects").as("ci").send();
    assertThat(projects.data()).extracting(p -> p.get("id").asText())
        .containsExactlyInAnyOrder(h.world.id("project.web"), h.world.id("project.api"));
    assertThat(h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.web")).status()).isEqualTo(201);
    assertThat(h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.api")).status()).isEqualTo(201);
  }

  @Test
  void anotherAccountsProjectIsNotFoundInTheErrorEnvelope() {
    var r = h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.other")).send();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json.get("error").get("code").asText()).isEqualTo("not_found");
    assertThat(r.json.get("error").get("message").asText()).isEqualTo("Project " + h.world.id("project.other") + " not found.");
    assertThat(h.get("/v1/projects/" + h.world.id("project.other")).as("ci").status()).isEqualTo(404);
  }

  @Test
  void aTriggeredDeploymentIsCreatedAndReturnedAsADataObject() {
    var r = h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.web")).send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.data().get("id").asText()).startsWith("dep_");
    assertThat(r.data().get("status").asText()).isEqualTo("queued");
    assertThat(r.data().get("project_id").asText()).isEqualTo(h.world.id("project.web"));
  }

  @Test
  void requestBodiesMustBeJsonOrTheRequestIs400() {
    var r = h.call("POST", "/v1/deployments").as("ci").body("text/plain", "project_id=x").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(h.call("POST", "/v1/deployments").as("ci").body("application/x-www-form-urlencoded", "project_id=x").status())
        .isEqualTo(400);
  }

  @Test
  void allResponsesAreJsonWithDataOrErrorObjects() {
    List<DemoHarness.Reply> replies = List.of(
        h.get("/v1/projects").as("ci").send(),
        h.get("/v1/projects").send(),
        h.call("POST", "/v1/deployments").as("readonly").json(deployBody("project.web")).send(),
        h.get("/v1/nothing-here").as("ci").send(),
        h.call("DELETE", "/v1/projects").as("ci").send());
    for (var r : replies) {
      assertThat(r.contentType()).as(r.toString()).startsWith("application/json");
      assertThat(r.json.has("data") || r.json.path("error").has("code") && r.json.path("error").has("message")).as(r.toString()).isTrue();
    }
    assertThat(replies).extracting(DemoHarness.Reply::status).containsExactly(200, 401, 403, 404, 405);
  }

  @Test
  void aKeyWithoutAccessToTheResourceIs403() {
    var r = h.call("POST", "/v1/deployments").as("readonly").json(deployBody("project.web")).send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("insufficient_scope");
    assertThat(h.get("/v1/deployments").as("readonly").status()).isEqualTo(200);
  }

  @Test
  void aKeyCanDoNoMoreThanItsUsersRoleAllows() {
    assertThat(h.call("POST", "/v1/deployments").as("viewer").json(deployBody("project.web")).status()).isEqualTo(403);
    assertThat(h.get("/v1/projects").as("viewer").status()).isEqualTo(200);
  }

  @Test
  void listEndpointsUseCursorPaginationWithHasMoreAndNextCursor() {
    var first = h.get("/v1/deployments").as("ci").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.data().isArray()).isTrue();
    JsonNode p = first.json.get("pagination");
    assertThat(p.get("has_more").asBoolean()).isTrue();
    String cursor = p.get("next_cursor").asText();
    assertThat(cursor).startsWith("cur_");
    var next = h.get("/v1/deployments?cursor=" + cursor).as("ci").send();
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.data().get(0).get("id")).isNotEqualTo(first.data().get(0).get("id"));
    var last = next;
    while (last.json.get("pagination").get("has_more").asBoolean()) {
      last = h.get("/v1/deployments?cursor=" + last.json.get("pagination").get("next_cursor").asText()).as("ci").send();
    }
    assertThat(last.json.get("pagination").get("next_cursor").isNull()).isTrue();
  }

  @Test
  void aDeploymentCanBeRolledBack() {
    String dep = h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.web")).send().data().get("id").asText();
    var r = h.call("POST", "/v1/deployments/" + dep + "/rollback").as("ci").send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.data().get("rollback_of").asText()).isEqualTo(dep);
    assertThat(h.call("POST", "/v1/deployments/" + dep + "/rollback").as("readonly").status()).isEqualTo(403);
  }

  @Test
  void migrationsCanBeCreatedListedAndCheckedForStatus() {
    var created = h.call("POST", "/v1/migrations").as("ci").json(deployBody("project.api")).send();
    assertThat(created.status()).isEqualTo(201);
    String id = created.data().get("id").asText();
    var listed = h.get("/v1/migrations").as("readonly").send();
    assertThat(listed.data()).extracting(m -> m.get("id").asText()).contains(id);
    assertThat(listed.json.get("pagination").has("has_more")).isTrue();
    var one = h.get("/v1/migrations/" + id).as("readonly").send();
    assertThat(one.data().get("status").asText()).isEqualTo("pending");
    assertThat(h.call("POST", "/v1/migrations").as("readonly").json(deployBody("project.api")).status()).isEqualTo(403);
  }

  @Test
  void aRevokedKeyIsRefusedOnTheNextRequest() {
    Management.Key k = newKey("workspace", "user.ada", List.of("read"), "none");
    assertThat(h.get("/v1/projects").key(k.secret()).status()).isEqualTo(200);
    h.api.revoke(k.id());
    var r = h.get("/v1/projects").key(k.secret()).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("revoked");
  }

  @Test
  void anExpiredKeyIs401() {
    Management.Key k = newKey("workspace", "user.ada", List.of("read"), 30);
    assertThat(h.get("/v1/projects").key(k.secret()).status()).isEqualTo(200);
    h.clock.advance(Duration.ofDays(30).plusSeconds(1));
    var r = h.get("/v1/projects").key(k.secret()).send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("expired");
  }

  @Test
  void keysLiveUntilRevokedByDefault() {
    Management.Key k = h.world.key("readonly");
    assertThat(k.view().get("expires_at").isNull()).isTrue();
    h.clock.advance(Duration.ofDays(400));
    assertThat(h.get("/v1/projects").key(k.secret()).status()).isEqualTo(200);
  }

  @Test
  void theIdentityHeadersOfAClientNeverReachTheUpstream() {
    var r = h.get("/v1/projects").as("ci").header("X-Keywarden-Workspace-Id", h.world.id("workspace.other")).send();
    assertThat(r.data()).extracting(p -> p.get("id").asText()).doesNotContain(h.world.id("project.other"));
  }

  private static long num(DemoHarness.Reply r, String header) {
    return Long.parseLong(r.header(header));
  }

  @Test
  void rateLimitHeadersAreIncludedInEveryResponse() {
    var first = h.get("/v1/projects").as("ci").send();
    var second = h.get("/v1/deployments").as("readonly").send();
    var denied = h.call("POST", "/v1/deployments").as("readonly").json(deployBody("project.web")).send();
    assertThat(num(first, "X-RateLimit-Limit")).isEqualTo(120);
    assertThat(num(second, "X-RateLimit-Remaining")).isEqualTo(num(first, "X-RateLimit-Remaining") - 1);
    long now = h.clock.instant().getEpochSecond();
    assertThat(num(first, "X-RateLimit-Reset")).as("epoch seconds").isBetween(now + 1, now + 60);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(num(denied, "X-RateLimit-Limit")).isEqualTo(120);
    assertThat(num(denied, "X-RateLimit-Remaining")).as("a refused request is not counted")
        .isEqualTo(num(second, "X-RateLimit-Remaining"));
    var notFound = h.call("POST", "/v1/deployments").as("ci").json(deployBody("project.other")).send();
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("X-RateLimit-Limit")).isEqualTo("120");
    var unauthorized = h.get("/v1/projects").key(KeyFormat.generate("nometria_sk_live")).send();
    assertThat(unauthorized.header("X-RateLimit-Limit")).as("failed authentications are limited per IP").isNotNull();
  }

  @Test
  void theFreeTierAllows30RequestsPerMinuteThen429WithRetryAfter() {
    h.clock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 30; i++) {
      assertThat(h.get("/v1/projects").as("free").status()).as("request %d", i + 1).isEqualTo(200);
    }
    var limited = h.get("/v1/projects").as("free").send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(num(limited, "X-RateLimit-Limit")).isEqualTo(30);
    assertThat(num(limited, "X-RateLimit-Remaining")).isZero();
    long retry = num(limited, "Retry-After");
    assertThat(retry).isBetween(1L, 60L);
    h.clock.advance(Duration.ofSeconds(retry));
    assertThat(h.get("/v1/projects").as("free").status()).isEqualTo(200);
  }

  @Test
  void theLimitIsPerAccountSoEveryKeyOfTheAccountSharesIt() {
    h.clock.advance(Duration.ofMinutes(1));
    Management.Key second = newKey("workspace.free", "user.cy", List.of("read"), "none");
    for (int i = 0; i < 15; i++) {
      assertThat(h.get("/v1/projects").as("free").status()).isEqualTo(200);
      assertThat(h.get("/v1/projects").key(second.secret()).status()).isEqualTo(200);
    }
    assertThat(h.get("/v1/projects").key(second.secret()).status()).isEqualTo(429);
  }

  @Test
  void theProAndTeamTiersAllow120And600RequestsPerMinute() {
    h.clock.advance(Duration.ofMinutes(1));
    assertThat(num(h.get("/v1/projects").as("ci").send(), "X-RateLimit-Limit")).isEqualTo(120);
    String ws = h.api.workspace("Bigger", "team");
    String user = h.api.user("dee+" + System.nanoTime() + "@big.example", "Dee");
    h.api.member(ws, user, "owner", null);
    Management.Key k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", user, "name", "k", "scopes", List.of("read")));
    for (int i = 0; i < 600; i++) {
      assertThat(h.get("/v1/projects").key(k.secret()).status()).isEqualTo(200);
    }
    var limited = h.get("/v1/projects").key(k.secret()).send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(num(limited, "X-RateLimit-Limit")).isEqualTo(600);
  }

  @Test
  void aNewAccountStartsOnTheFreeTier() {
    h.clock.advance(Duration.ofMinutes(1));
    String ws = h.api.send("POST", "/v1/workspaces", DemoHarness.JSON.createObjectNode().put("name", "New")).get("id").asText();
    String user = h.api.user("new+" + System.nanoTime() + "@new.example", "New");
    h.api.member(ws, user, "owner", null);
    Management.Key k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", user, "name", "k", "scopes", List.of("read")));
    assertThat(num(h.get("/v1/projects").key(k.secret()).send(), "X-RateLimit-Limit")).isEqualTo(30);
  }
}
