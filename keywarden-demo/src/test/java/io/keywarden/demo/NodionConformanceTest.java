package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.demo.upstream.NodionUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodion's document about authentication, statement by statement, over real HTTP through the
 * gateway to the Nodion demo upstream (examples/nodion/keywarden.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodionConformanceTest {
  static final String HEADER = "X-Nodion-Project";
  DemoHarness h;

  @BeforeAll
  void start(@TempDir Path dir) {
    h = new DemoHarness(DemoSystem.NODION, dir);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private Management.Key userKey(List<String> scopes, Object... more) {
    var f = fields("workspace_id", h.world.id("workspace"), "kind", "user", "user_id", h.world.id("user.ada"),
        "name", "test", "scopes", scopes);
    for (int i = 0; i < more.length; i += 2) {
      f.put((String) more[i], more[i + 1]);
    }
    return h.api.key(f);
  }

  private String app(String project) {
    return h.world.id("app." + project + ".web");
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new java.util.ArrayList<>();
    list.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  @Test
  void everyRequestMustBeAuthenticatedWithABearerTokenInTheAuthorizationHeader() {
    var r = h.get("/v1/regions").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(h.get("/v1/regions").header("Authorization", "Token " + h.world.secret("cli")).status()).isEqualTo(401);
  }

  @Test
  void aSuccessfulGetRegionsReturnsTheDocumentedRegions() throws Exception {
    var r = h.get("/v1/regions").as("cli").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json).isEqualTo(DemoHarness.JSON.readTree("""
        {"regions": [
          {"id": "5903725b-f554-4294-ab17-c992a765a001", "name": "EU Central", "slug": "euc"},
          {"id": "5e4ce16b-7409-4bb4-849a-9aec0ec0c7af", "name": "US East", "slug": "use"}]}"""));
  }

  @Test
  void missingMalformedOrExpiredTokensReturn401() {
    assertThat(h.get("/v1/regions").send().reason()).isEqualTo("missing");
    assertThat(h.get("/v1/regions").key("nodion_short").send().reason()).isEqualTo("malformed");
    Management.Key k = userKey(List.of("read"), "ttl_days", 30);
    Instant before = h.clock.instant();
    try {
      h.clock.advance(Duration.ofDays(30).plusSeconds(1));
      var r = h.get("/v1/regions").key(k.secret()).send();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.reason()).isEqualTo("expired");
    } finally {
      h.clock.set(before);
    }
  }

  @Test
  void userKeysReachEveryProjectTheirUserIsAMemberOf() {
    for (String p : List.of("shop", "blog", "internal")) {
      var r = h.get("/v1/applications").as("cli").header(HEADER, h.world.id("project." + p)).send();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json.get("applications").get(0).get("project_id").asText()).isEqualTo(h.world.id("project." + p));
    }
  }

  @Test
  void theTokenIsShownOnceRightAfterCreation() {
    Management.Key k = h.world.key("cli");
    assertThat(k.secret()).startsWith("nodion_");
    assertThat(h.api.readKey(k.id()).has("secret")).isFalse();
  }

  @Test
  void theXNodionProjectHeaderSelectsTheProject() {
    var r = h.get("/v1/applications").as("cli").header(HEADER, h.world.id("project.blog")).send();
    assertThat(ids(r.json.get("applications"))).contains(app("blog"));
  }

  @Test
  void withoutTheHeaderNodionFallsBackToTheUsersDefaultProject() {
    var r = h.get("/v1/applications").as("cli").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(ids(r.json.get("applications"))).contains(app("shop"));
  }

  @Test
  void anUnknownProjectOrAnotherWorkspacesProjectIsNotFound() {
    assertThat(h.get("/v1/applications").as("cli").header(HEADER, "proj_doesnotexist").status()).isEqualTo(404);
    String other = h.api.workspace("Elsewhere", "default");
    String theirs = h.api.project(other, "theirs");
    var r = h.get("/v1/applications").as("cli").header(HEADER, theirs).send();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.reason()).isEqualTo("project_not_found");
  }

  @Test
  void projectKeysIgnoreTheProjectHeader() {
    var r = h.get("/v1/applications").as("project").header(HEADER, h.world.id("project.internal")).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(ids(r.json.get("applications"))).contains(app("shop")).doesNotContain(app("internal"));
  }

  @Test
  void projectKeysHaveFullAccessToTheirProjectAndAreNotScopeGated() {
    assertThat(h.call("POST", "/v1/applications/" + app("shop") + "/deployments").as("project").status()).isEqualTo(201);
    assertThat(h.get("/v1/applications/" + app("shop") + "/env").as("project").status()).isEqualTo(200);
    assertThat(h.call("PUT", "/v1/applications/" + app("shop") + "/env").as("project").json("{\"env\": {\"A\": \"1\"}}").status()).isEqualTo(200);
    assertThat(h.get("/v1/applications/" + app("shop") + "/logs").as("project").status()).isEqualTo(200);
    assertThat(h.call("POST", "/v1/domains").as("project").json("{\"name\": \"shop.example\"}").status()).isEqualTo(201);
    assertThat(ids(h.get("/v1/projects").as("project").send().json.get("projects"))).containsExactly(h.world.id("project.shop"));
  }

  @Test
  void projectKeysOutliveTheUserWhoCreatedThem() {
    String ws = h.world.id("workspace");
    String eve = h.api.user("eve+" + System.nanoTime() + "@acme.example", "Eve");
    h.api.member(ws, eve, "admin", h.world.id("project.blog"));
    Management.Key hers = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", eve, "name", "eve", "scopes", List.of("read")));
    Management.Key ci = h.api.key(fields("workspace_id", ws, "kind", "project", "project_id", h.world.id("project.blog"), "name", "eve's CI"));
    h.api.removeMember(ws, eve);
    assertThat(h.get("/v1/applications").key(hers.secret()).status()).isEqualTo(403);
    assertThat(h.get("/v1/applications").key(ci.secret()).status()).isEqualTo(200);
  }

  @Test
  void aRequestOutsideTheTokensScopesReturns403() {
    var r = h.get("/v1/applications/" + app("shop") + "/env").as("cli").send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("insufficient_scope");
  }

  @Test
  void readAllowsAllGetRequests() {
    Management.Key read = userKey(List.of("read"));
    for (String path : List.of("/v1/regions", "/v1/projects", "/v1/applications", "/v1/applications/" + app("shop"),
        "/v1/applications/" + app("shop") + "/deployments", "/v1/domains")) {
      assertThat(h.get(path).key(read.secret()).status()).as(path).isEqualTo(200);
    }
    assertThat(h.call("POST", "/v1/applications/" + app("shop") + "/deployments").key(read.secret()).status()).isEqualTo(403);
  }

  @Test
  void writeAllowsGenericCreateSuchAsDomains() {
    Management.Key write = userKey(List.of("write"));
    assertThat(h.call("POST", "/v1/domains").key(write.secret()).json("{\"name\": \"a.example\"}").status()).isEqualTo(201);
    assertThat(h.call("POST", "/v1/domains").as("cli").json("{\"name\": \"a.example\"}").status()).isEqualTo(403);
    assertThat(h.call("POST", "/v1/applications/" + app("shop") + "/deployments").key(write.secret()).status()).isEqualTo(403);
  }

  @Test
  void deployAllowsCreatingDeployments() {
    Management.Key deploy = userKey(List.of("deploy"));
    var r = h.call("POST", "/v1/applications/" + app("shop") + "/deployments").key(deploy.secret()).send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json.get("deployment").get("status").asText()).isEqualTo("pending");
  }

  @Test
  void envReadAndEnvWriteGateEnvironmentVariables() {
    String env = "/v1/applications/" + app("shop") + "/env";
    assertThat(h.get(env).as("env").send().json.get("env").has("NODE_ENV")).isTrue();
    assertThat(h.call("PUT", env).as("env").json("{\"env\": {\"FEATURE\": \"on\"}}").status()).isEqualTo(200);
    Management.Key readOnly = userKey(List.of("read", "env:read"));
    assertThat(h.call("PUT", env).key(readOnly.secret()).json("{\"env\": {\"FEATURE\": \"off\"}}").status()).isEqualTo(403);
    Management.Key writeOnly = userKey(List.of("env:write"));
    assertThat(h.get(env).key(writeOnly.secret()).status()).isEqualTo(403);
    assertThat(h.call("PUT", env).key(writeOnly.secret()).json("{\"env\": {\"FEATURE\": \"off\"}}").status()).isEqualTo(200);
  }

  @Test
  void logsReadAllowsReadingLogs() {
    String logs = "/v1/applications/" + app("shop") + "/logs";
    assertThat(h.get(logs).as("cli").status()).isEqualTo(200);
    assertThat(h.get(logs).key(userKey(List.of("read")).secret()).status()).isEqualTo(403);
  }

  @Test
  void scopesAreAdditiveSoDeployingAndReadingLogsNeedsReadDeployAndLogsRead() {
    String logs = "/v1/applications/" + app("shop") + "/logs";
    String deploy = "/v1/applications/" + app("shop") + "/deployments";
    Management.Key all = userKey(List.of("read", "deploy", "logs:read"));
    assertThat(h.call("POST", deploy).key(all.secret()).status()).isEqualTo(201);
    assertThat(h.get(logs).key(all.secret()).status()).isEqualTo(200);
    Management.Key noRead = userKey(List.of("deploy", "logs:read"));
    assertThat(h.get(logs).key(noRead.secret()).status()).isEqualTo(403);
    Management.Key noLogs = userKey(List.of("read", "deploy"));
    assertThat(h.get(logs).key(noLogs.secret()).status()).isEqualTo(403);
  }

  @Test
  void aTokenWithAnAllowListReturns403ForAProjectOutsideIt() {
    var r = h.get("/v1/applications").as("agent").header(HEADER, h.world.id("project.internal")).send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("project_not_allowed");
    assertThat(h.get("/v1/applications").as("agent").header(HEADER, h.world.id("project.blog")).status()).isEqualTo(200);
  }

  @Test
  void getProjectsListsOnlyTheAllowListedProjects() {
    var r = h.get("/v1/projects").as("agent").send();
    assertThat(ids(r.json.get("projects"))).containsExactlyInAnyOrder(h.world.id("project.shop"), h.world.id("project.blog"));
  }

  @Test
  void anEmptyAllowListGrantsEveryPresentAndFutureProject() {
    assertThat(ids(h.get("/v1/projects").as("cli").send().json.get("projects")))
        .contains(h.world.id("project.shop"), h.world.id("project.blog"), h.world.id("project.internal"));
    String later = h.api.project(h.world.id("workspace"), "later");
    h.demo.upstream().data().addProject(h.world.id("workspace"), later, "later");
    assertThat(h.get("/v1/applications").as("cli").header(HEADER, later).status()).isEqualTo(200);
    assertThat(ids(h.get("/v1/projects").as("cli").send().json.get("projects"))).contains(later);
    assertThat(h.get("/v1/applications").as("agent").header(HEADER, later).status()).isEqualTo(403);
  }

  @Test
  void userKeysTakeATtlOf30_60Or90DaysOrNone() {
    for (Object ttl : List.of(30, 60, 90, "none")) {
      Management.Key k = userKey(List.of("read"), "ttl_days", ttl);
      assertThat(h.get("/v1/regions").key(k.secret()).status()).isEqualTo(200);
      assertThat(k.view().get("expires_at").isNull()).isEqualTo(ttl.equals("none"));
    }
    assertThatThrownBy(() -> userKey(List.of("read"), "ttl_days", 45)).hasMessageContaining("400");
  }

  @Test
  void theDefaultTtlIs90Days() {
    Management.Key k = userKey(List.of("read"));
    Instant expires = Instant.parse(k.view().get("expires_at").asText());
    assertThat(Duration.between(h.clock.instant(), expires)).isEqualTo(Duration.ofDays(90));
    Instant before = h.clock.instant();
    try {
      h.clock.advance(Duration.ofDays(90).minusSeconds(1));
      assertThat(h.get("/v1/regions").key(k.secret()).status()).isEqualTo(200);
      h.clock.advance(Duration.ofSeconds(1));
      assertThat(h.get("/v1/regions").key(k.secret()).status()).isEqualTo(401);
    } finally {
      h.clock.set(before);
    }
  }

  @Test
  void revocationIsImmediateAndTheClientLosesAccessOnTheNextRequest() {
    Management.Key k = userKey(List.of("read"));
    assertThat(h.get("/v1/regions").key(k.secret()).status()).isEqualTo(200);
    h.api.revoke(k.id());
    assertThat(h.get("/v1/regions").key(k.secret()).send().reason()).isEqualTo("revoked");
  }

  @Test
  void rotatingATokenGivesASuccessorWithTheSameRights() {
    Management.Key old = userKey(List.of("read", "logs:read"));
    Management.Key next = h.api.rotate(old.id(), 0);
    assertThat(h.get("/v1/applications/" + app("shop") + "/logs").key(next.secret()).status()).isEqualTo(200);
    assertThat(h.get("/v1/regions").key(old.secret()).status()).isEqualTo(401);
  }

  @Test
  void theUpstreamNeverSeesTheToken() {
    // The demo upstream would echo nothing of it; the gateway strips Authorization before forwarding.
    var r = h.get("/v1/applications/" + app("shop") + "/env").as("env").send();
    assertThat(r.body()).doesNotContain(h.world.secret("env"));
    assertThat(NodionUpstream.appId(h.world.id("project.shop"), "web")).isEqualTo(app("shop"));
  }

  @Test
  void everyKeyTracksItsLastUsedAt() {
    Management.Key k = userKey(List.of("read"));
    assertThat(h.api.readKey(k.id()).get("last_used_at").isNull()).isTrue();
    Instant usedAt = h.clock.instant();
    assertThat(h.get("/v1/regions").key(k.secret()).status()).isEqualTo(200);
    h.demo.server().keywarden().lastUsed().flush(); // what the node does every second
    assertThat(Instant.parse(h.api.readKey(k.id()).get("last_used_at").asText())).isEqualTo(usedAt);
  }

  @Test
  void aTokenBeyondItsUsersRoleIs403() {
    String ws = h.world.id("workspace");
    String vic = h.api.user("vic+" + System.nanoTime() + "@acme.example", "Vic");
    h.api.member(ws, vic, "viewer", h.world.id("project.shop"));
    Management.Key k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", vic, "name", "vic",
        "scopes", List.of("read", "deploy")));
    assertThat(h.get("/v1/applications").key(k.secret()).status()).isEqualTo(200);
    var r = h.call("POST", "/v1/applications/" + app("shop") + "/deployments").key(k.secret()).send();
    assertThat(r.status()).as("a viewer may not deploy, whatever the key says").isEqualTo(403);
  }

  @Test
  void hittingTheRateLimitReturns429WithRetryAfter() {
    h.clock.advance(Duration.ofMinutes(1));
    Management.Key k = userKey(List.of("read"));
    for (int i = 0; i < 60; i++) {
      assertThat(h.get("/v1/regions").key(k.secret()).status()).as("request %d", i + 1).isEqualTo(200);
    }
    var r = h.get("/v1/regions").key(k.secret()).send();
    assertThat(r.status()).isEqualTo(429);
    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(h.get("/v1/regions").as("cli").status()).as("the limit is per key").isEqualTo(200);
  }

  @Test
  void userKeysReachOnlyTheProjectsTheirUserIsAMemberOf() {
    String ws = h.world.id("workspace");
    String kim = h.api.user("kim+" + System.nanoTime() + "@acme.example", "Kim");
    var membership = DemoHarness.JSON.createObjectNode().put("role", "member").put("default_project_id", h.world.id("project.blog"));
    membership.putArray("projects").add(h.world.id("project.blog"));
    h.api.send("PUT", "/v1/workspaces/" + ws + "/members/" + kim, membership);
    Management.Key k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", kim, "name", "kim", "scopes", List.of("read")));
    assertThat(h.get("/v1/applications").key(k.secret()).status()).isEqualTo(200);
    var r = h.get("/v1/applications").key(k.secret()).header(HEADER, h.world.id("project.shop")).send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("project_not_allowed");
    assertThat(ids(h.get("/v1/projects").key(k.secret()).send().json.get("projects")))
        .containsExactly(h.world.id("project.blog"));
    Management.Key outside = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", kim, "name", "kim 2",
        "scopes", List.of("read"), "projects", List.of(h.world.id("project.shop"))));
    assertThat(ids(h.get("/v1/projects").key(outside.secret()).send().json.get("projects")))
        .as("an allow-list outside the member's reach reaches nothing").isEmpty();
  }
}
