package io.keywarden.demo;

import static io.keywarden.demo.Management.fields;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * NomaCMS's authentication document, statement by statement, over real HTTP through the gateway
 * to the NomaCMS demo upstream (examples/nomacms/keywarden.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NomaCmsConformanceTest {
  static final String HEADER = "project-id";
  DemoHarness h;
  String site;

  @BeforeAll
  void start(@TempDir Path dir) {
    h = new DemoHarness(DemoSystem.NOMACMS, dir);
    site = h.world.id("project.website");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private Management.Key token(List<String> abilities) {
    return h.api.key(fields("workspace_id", h.world.id("workspace"), "kind", "user", "user_id", h.world.id("user.ada"),
        "name", "test", "scopes", abilities));
  }

  private DemoHarness.Call at(String method, String path, String key) {
    return h.call(method, path).key(key).header(HEADER, site);
  }

  private void assertText(DemoHarness.Reply r, int status, String body) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.contentType()).startsWith("text/plain");
  }

  @Test
  void contentApiRequestsNeedAProjectIdAndABearerToken() {
    assertThat(at("GET", "/api/project", h.world.secret("reader")).status()).isEqualTo(200);
    var r = h.get("/api/project").as("reader").header(HEADER, site).send();
    assertThat(r.json.get("data").get("id").asText()).isEqualTo(site);
    var who = h.get("/api/auth/token").as("reader").header(HEADER, site).send();
    assertThat(who.json.get("data").get("user_id").asText()).as("the token identifies the user account")
        .isEqualTo(h.world.id("user.ada"));
    assertThat(who.json.get("data").get("abilities").toString()).isEqualTo("[\"read\"]");
  }

  @Test
  void omittingTheProjectIdHeaderReturns400ProjectHeaderMissing() {
    assertText(h.get("/api/project").as("reader").send(), 400, "Project header missing.");
    assertText(h.get("/api/collections").as("editor").send(), 400, "Project header missing.");
  }

  @Test
  void anUnknownProjectUuidReturns404ProjectNotFound() {
    assertText(h.get("/api/project").as("reader").header(HEADER, "5903725b-f554-4294-ab17-c992a765a001").send(), 404,
        "Project not found.");
  }

  @Test
  void aKeyUsedAgainstAProjectInAnotherWorkspaceReturns404ProjectNotFound() {
    assertText(h.get("/api/project").as("reader").header(HEADER, h.world.id("project.client")).send(), 404, "Project not found.");
  }

  @Test
  void aTokenIsScopedToTheWorkspaceActiveWhenItWasCreated() {
    assertThat(h.get("/api/project").as("agency").header(HEADER, h.world.id("project.client")).status()).isEqualTo(200);
    assertText(h.get("/api/project").as("agency").header(HEADER, site).send(), 404, "Project not found.");
  }

  @Test
  void aMissingOrInvalidBearerTokenIs401() {
    assertThat(h.get("/api/project").header(HEADER, site).status()).isEqualTo(401);
    assertThat(h.get("/api/project").key("nomacms_pat_notreal").header(HEADER, site).status()).isEqualTo(401);
    assertThat(h.get("/api/project").header("Authorization", h.world.secret("reader")).header(HEADER, site).status()).isEqualTo(401);
  }

  @Test
  void aValidTokenThatCannotPerformTheActionGets403WithBodyForbidden() {
    assertText(at("POST", "/api/collections/blog-posts/entries", h.world.secret("reader")).json("{\"fields\": {}}").send(),
        403, "Forbidden");
  }

  @Test
  void abilitiesApplyToTheTokenItselfNotToTheUser() {
    // Ada owns the workspace, but her read token only reads.
    assertThat(at("DELETE", "/api/collections/authors/entries/x", h.world.secret("reader")).status()).isEqualTo(403);
  }

  @Test
  void readAllowsProjectMetadataCollectionsAndEntries() {
    String k = token(List.of("read")).secret();
    for (String p : List.of("/api/project", "/api/collections", "/api/collections/blog-posts", "/api/collections/blog-posts/entries")) {
      assertThat(at("GET", p, k).status()).as(p).isEqualTo(200);
    }
  }

  @Test
  void createAllowsCreatingEntries() {
    String k = token(List.of("create")).secret();
    var r = at("POST", "/api/collections/blog-posts/entries", k).json("{\"fields\": {\"title\": \"New\"}}").send();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json.get("data").get("fields").get("title").asText()).isEqualTo("New");
    assertThat(at("GET", "/api/collections/blog-posts/entries", k).status()).isEqualTo(403);
  }

  @Test
  void updateAllowsUpdatingEntries() {
    String id = at("POST", "/api/collections/authors/entries", h.world.secret("editor")).json("{\"fields\": {\"name\": \"B\"}}")
        .send().json.get("data").get("id").asText();
    String k = token(List.of("update")).secret();
    assertThat(at("PUT", "/api/collections/authors/entries/" + id, k).json("{\"fields\": {\"name\": \"C\"}}").status()).isEqualTo(200);
    assertThat(at("DELETE", "/api/collections/authors/entries/" + id, k).status()).isEqualTo(403);
  }

  @Test
  void deleteAllowsDeletingEntries() {
    String id = at("POST", "/api/collections/authors/entries", h.world.secret("editor")).json("{\"fields\": {\"name\": \"D\"}}")
        .send().json.get("data").get("id").asText();
    String k = token(List.of("delete")).secret();
    assertThat(at("PUT", "/api/collections/authors/entries/" + id, k).json("{}").status()).isEqualTo(403);
    assertThat(at("DELETE", "/api/collections/authors/entries/" + id, k).status()).isEqualTo(204);
  }

  @Test
  void adminIsNeededToCreateCollections() {
    String body = "{\"slug\": \"faq\", \"name\": \"FAQ\"}";
    assertText(at("POST", "/api/collections", h.world.secret("editor")).json(body).send(), 403, "Forbidden");
    assertThat(at("POST", "/api/collections", token(List.of("admin")).secret()).json(body).status()).isEqualTo(201);
  }

  @Test
  void theStarAbilityGrantsFullAccess() {
    String k = h.world.secret("full");
    assertThat(at("POST", "/api/collections", k).json("{\"slug\": \"news\"}").status()).isEqualTo(201);
    String id = at("POST", "/api/collections/news/entries", k).json("{\"fields\": {}}").send().json.get("data").get("id").asText();
    assertThat(at("PUT", "/api/collections/news/entries/" + id, k).json("{}").status()).isEqualTo(200);
    assertThat(at("DELETE", "/api/collections/news/entries/" + id, k).status()).isEqualTo(204);
  }

  @Test
  void entriesArePaginatedWithLinksAndMeta() {
    var r = at("GET", "/api/collections/blog-posts/entries", h.world.secret("reader")).send();
    assertThat(r.json.get("data").size()).isEqualTo(15);
    assertThat(r.json.get("meta").get("current_page").asInt()).isEqualTo(1);
    assertThat(r.json.get("links").get("next").asText()).endsWith("?page=2");
    var two = at("GET", "/api/collections/blog-posts/entries?page=2", h.world.secret("reader")).send();
    assertThat(two.json.get("meta").get("current_page").asInt()).isEqualTo(2);
  }

  @Test
  void theDefaultApiGroupAllows60RequestsPerMinuteThen429() {
    h.clock.advance(Duration.ofMinutes(1));
    String k = token(List.of("read")).secret();
    // The limit is per user: Ada's other tokens share it, so use a user of her own.
    String ws = h.world.id("workspace");
    String bo = h.api.user("bo+" + System.nanoTime() + "@studio.example", "Bo");
    h.api.member(ws, bo, "viewer", null);
    String bos = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", bo, "name", "bo", "scopes", List.of("read"))).secret();
    for (int i = 0; i < 60; i++) {
      assertThat(at("GET", "/api/project", bos).status()).as("request %d", i + 1).isEqualTo(200);
    }
    var limited = at("GET", "/api/project", bos).send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(at("GET", "/api/project", k).status()).isEqualTo(200);
  }

  @Test
  void authHeavyRoutesHaveTheirOwnNamedLimit() {
    h.clock.advance(Duration.ofMinutes(1));
    String ws = h.world.id("workspace");
    String cy = h.api.user("cy+" + System.nanoTime() + "@studio.example", "Cy");
    h.api.member(ws, cy, "viewer", null);
    String k = h.api.key(fields("workspace_id", ws, "kind", "user", "user_id", cy, "name", "cy", "scopes", List.of("read"))).secret();
    for (int i = 0; i < 10; i++) {
      assertThat(at("GET", "/api/auth/token", k).status()).isEqualTo(200);
    }
    assertThat(at("GET", "/api/auth/token", k).status()).isEqualTo(429);
    assertThat(at("GET", "/api/project", k).status()).as("the default group is counted apart").isEqualTo(200);
  }

  @Test
  void aRevokedTokenIsRefusedOnTheNextRequest() {
    Management.Key k = token(List.of("read"));
    assertThat(at("GET", "/api/project", k.secret()).status()).isEqualTo(200);
    h.api.revoke(k.id());
    assertThat(at("GET", "/api/project", k.secret()).status()).isEqualTo(401);
  }
}
