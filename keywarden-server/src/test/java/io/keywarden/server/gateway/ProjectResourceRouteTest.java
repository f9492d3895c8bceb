package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project named in the path ({@code project: {path_parameter: id}}) is the request's resource:
 * it binds every kind of key, over real HTTP through the gateway to a real upstream. A project key
 * reaches its own project only; any other id is 404 exactly like an unknown one, and never reaches
 * the upstream. A selecting header stays ignored by project keys (Nodion).
 */
class ProjectResourceRouteTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static String ws;
  static String own;
  static String sibling;
  static String foreign;
  static String projectKey;
  static String userKey;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("uri", req.uri())
              .put("project", req.getHeader("X-Keywarden-Project-Id")).encode());
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - path: /v1/projects/{id}/apps
              methods: [GET]
              scopes: [read]
              project: {path_parameter: id}
            - path: /v1/deployments
              methods: [GET]
              scopes: [read]
              project: {header: X-Nodion-Project, selection: default_fallback}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    String otherWs = kw.store().createWorkspace("Other", "default", null, Actor.SYSTEM).id();
    own = kw.store().createProject(ws, "own", Actor.SYSTEM).id();
    sibling = kw.store().createProject(ws, "sibling", Actor.SYSTEM).id();
    foreign = kw.store().createProject(otherWs, "theirs", Actor.SYSTEM).id();
    String user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "member", List.of(), own, Actor.SYSTEM);
    projectKey = kw.keys().create(NewKeyRequest.projectKey(ws, own, "deploy"), Actor.SYSTEM).secret();
    userKey = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> get(String path, String key, String... headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + path))
        .timeout(Duration.ofSeconds(10)).GET().header("Authorization", "Bearer " + key);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aProjectKeyReachesItsOwnProjectsPath() throws Exception {
    var r = get("/v1/projects/" + own + "/apps", projectKey);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("project").asText()).isEqualTo(own);
  }

  @Test
  void aProjectKeyIsRefusedForAnotherProjectsPathExactlyAsForAnUnknownProject() throws Exception {
    int before = upstreamCalls.get();

    var unknown = get("/v1/projects/proj_doesnotexist/apps", userKey);
    var sameWorkspace = get("/v1/projects/" + sibling + "/apps", projectKey);
    var otherWorkspace = get("/v1/projects/" + foreign + "/apps", projectKey);
    var nonexistent = get("/v1/projects/proj_doesnotexist/apps", projectKey);

    assertThat(unknown.statusCode()).isEqualTo(404);
    for (var r : List.of(sameWorkspace, otherWorkspace, nonexistent)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
      assertThat(r.body()).isEqualTo(unknown.body());
    }
    assertThat(upstreamCalls.get()).isEqualTo(before);
  }

  @Test
  void aUserKeyIsRefusedForAnotherWorkspacesProjectPath() throws Exception {
    assertThat(get("/v1/projects/" + foreign + "/apps", userKey).statusCode()).isEqualTo(404);
    assertThat(get("/v1/projects/" + sibling + "/apps", userKey).statusCode()).isEqualTo(200);
  }

  @Test
  void aProjectKeyStillIgnoresAHeaderThatSelectsAProject() throws Exception {
    var r = get("/v1/deployments", projectKey, "X-Nodion-Project", foreign);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("project").asText()).isEqualTo(own);
  }
}
