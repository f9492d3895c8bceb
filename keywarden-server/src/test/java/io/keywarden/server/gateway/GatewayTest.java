package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
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

/** The gateway chain over real HTTP, from a YAML configuration to a real upstream. */
class GatewayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static Path configFile;
  static String ws;
  static String otherWs;
  static String projA;
  static String projB;
  static String otherProj;
  static String user;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static String config(String extraRoutes) {
    return """
        gateway:
          error_styles:
            nomacms: {bodies: {400: "Project header missing.", 403: "Forbidden", 404: "Project not found."}}
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/regions, methods: [GET], scopes: [read]}
            - {path: /v1/public, methods: [GET], public: true}
            - {path: /v1/health, authentication: none}
            - path: /v1/applications/{id}/deployments
              methods: [POST]
              scopes: [write]
              project: {header: X-Nodion-Project, selection: default_fallback}
            - path: /api/collections/{collection}/entries
              methods: [GET, POST]
              abilities: {read: read, create: write}
              project: {header: project-id, selection: required}
              error_style: nomacms
        %s""".formatted(upstream.actualPort(), extraRoutes);
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      JsonObject headers = new JsonObject();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
      req.body().onSuccess(b -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("uri", req.uri()).put("headers", headers).encode()));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, config(""));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    otherWs = kw.store().createWorkspace("Other", "default", null, Actor.SYSTEM).id();
    projA = kw.store().createProject(ws, "alpha", Actor.SYSTEM).id();
    projB = kw.store().createProject(ws, "beta", Actor.SYSTEM).id();
    otherProj = kw.store().createProject(otherWs, "theirs", Actor.SYSTEM).id();
    user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "member", List.of(), projA, Actor.SYSTEM);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String userKey(String... scopes) {
    return h.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of(scopes)), Actor.SYSTEM).secret();
  }

  static HttpResponse<String> call(String method, String path, String key, String... headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode upstreamSaw(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("headers");
  }

  @Test
  void anAllowedRequestReachesTheUpstreamWithItsIdentityAndWithoutTheKey() throws Exception {
    String key = userKey("read");
    var seen = upstreamSaw(call("GET", "/v1/regions", key, "X-Keywarden-Key-Id", "key_forged"));
    assertThat(seen.has("authorization")).isFalse();
    assertThat(seen.get("x-keywarden-key-id").asText()).startsWith("key_").isNotEqualTo("key_forged");
    assertThat(seen.get("x-keywarden-workspace-id").asText()).isEqualTo(ws);
    assertThat(seen.get("x-keywarden-scopes").asText()).isEqualTo("read");
  }

  @Test
  void aMissingKeyIs401WithWwwAuthenticateAndNeverReachesTheUpstream() throws Exception {
    int before = upstreamCalls.get();
    var r = call("GET", "/v1/regions", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("missing");
    assertThat(upstreamCalls.get()).isEqualTo(before);
  }

  @Test
  void aMistypedKeyIs401BadChecksum() throws Exception {
    String key = userKey("read");
    String bad = key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a");
    var r = call("GET", "/v1/regions", bad);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("bad_checksum");
    assertThat(r.body()).doesNotContain(bad);
  }

  @Test
  void aKeyWithoutTheScopeIs403() throws Exception {
    var r = call("GET", "/v1/regions", userKey("write"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("insufficient_scope");
  }

  @Test
  void revocationIsEnforcedOnTheVeryNextRequest() throws Exception {
    var issued = h.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM);
    assertThat(call("GET", "/v1/regions", issued.secret()).statusCode()).isEqualTo(200);
    var revoked = h.delete("/v1/keys/" + issued.key().id()).send();
    assertThat(revoked.status()).isEqualTo(200);
    var r = call("GET", "/v1/regions", issued.secret());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("revoked");
  }

  @Test
  void theNomaCmsTextStyleAnswersWithTheDocumentedBodies() throws Exception {
    String key = userKey("read");
    var missing = call("GET", "/api/collections/posts/entries", key);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo("Project header missing.");
    var unknown = call("GET", "/api/collections/posts/entries", key, "project-id", "proj_000000000000000000000");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("Project not found.");
    var foreign = call("GET", "/api/collections/posts/entries", key, "project-id", otherProj);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).isEqualTo("Project not found.");
    var create = call("POST", "/api/collections/posts/entries", key, "project-id", projB);
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(create.body()).isEqualTo("Forbidden");
    var ok = call("GET", "/api/collections/posts/entries", key, "project-id", projB);
    assertThat(upstreamSaw(ok).get("x-keywarden-project-id").asText()).isEqualTo(projB);
  }

  @Test
  void withoutAProjectHeaderTheOwnersDefaultProjectIsUsed() throws Exception {
    String key = userKey("write");
    var seen = upstreamSaw(call("POST", "/v1/applications/app1/deployments", key));
    assertThat(seen.get("x-keywarden-project-id").asText()).isEqualTo(projA);
    var chosen = upstreamSaw(call("POST", "/v1/applications/app1/deployments", key, "X-Nodion-Project", projB));
    assertThat(chosen.get("x-keywarden-project-id").asText()).isEqualTo(projB);
  }

  @Test
  void projectKeysIgnoreTheProjectHeaderAndAreNotScopeGated() throws Exception {
    String key = h.server.keywarden().keys().create(NewKeyRequest.projectKey(ws, projB, "ci"), Actor.SYSTEM).secret();
    var seen = upstreamSaw(call("POST", "/v1/applications/app1/deployments", key, "X-Nodion-Project", projA));
    assertThat(seen.get("x-keywarden-project-id").asText()).isEqualTo(projB);
    assertThat(seen.get("x-keywarden-key-kind").asText()).isEqualTo("project");
  }

  @Test
  void publishableKeysPassOnlyOnPublicRoutes() throws Exception {
    String pk = h.server.keywarden().keys().create(
        NewKeyRequest.userKey(ws, user, "browser", List.of("read")).withType(KeyType.PUBLISHABLE), Actor.SYSTEM).secret();
    assertThat(call("GET", "/v1/public", pk).statusCode()).isEqualTo(200);
    var r = call("GET", "/v1/regions", pk);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("publishable_not_allowed");
  }

  @Test
  void aBrowserPreflightIsAnsweredForPublicRoutesOnly() throws Exception {
    var ok = call("OPTIONS", "/v1/public", null, "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
    var refused = call("OPTIONS", "/v1/regions", null, "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET");
    assertThat(refused.statusCode()).isEqualTo(403);
  }

  @Test
  void aPublishableKeyFromAnAllowedOriginGetsACorsAnswerAndOtherOriginsAreRefused() throws Exception {
    String pk = h.server.keywarden().keys().create(
        NewKeyRequest.userKey(ws, user, "browser", List.of("read")).withType(KeyType.PUBLISHABLE)
            .withAllowedOrigins(List.of("https://app.example.com")), Actor.SYSTEM).secret();
    var ok = call("GET", "/v1/public", pk, "Origin", "https://app.example.com");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
    var other = call("GET", "/v1/public", pk, "Origin", "https://evil.example.net");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(other.body()).get("error").get("reason").asText()).isEqualTo("origin_not_allowed");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void routesWithoutAuthenticationPassAnonymously() throws Exception {
    var seen = upstreamSaw(call("GET", "/v1/health", null));
    assertThat(seen.has("x-keywarden-key-id")).isFalse();
  }

  @Test
  void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
    var r = call("GET", "/nothing/here", userKey("read"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("not_found");
    var m = call("DELETE", "/v1/regions", userKey("read"));
    assertThat(m.statusCode()).isEqualTo(405);
    assertThat(m.headers().firstValue("Allow").orElse("")).contains("GET");
  }

  @Test
  void aChangedFileIsReloadedAndABadOneKeepsTheOldRoutes() throws Exception {
    String key = userKey("read");
    assertThat(call("GET", "/v1/new", key).statusCode()).isEqualTo(404);
    Files.writeString(configFile, config("    - {path: /v1/new, methods: [GET], scopes: [read]}\n"));
    assertThat(h.server.reloadGateway()).isTrue();
    assertThat(call("GET", "/v1/new", key).statusCode()).isEqualTo(200);

    Files.writeString(configFile, config("    - {path: /v1/broken, scopes: [no_such_scope]}\n"));
    assertThat(h.server.reloadGateway()).isFalse();
    assertThat(call("GET", "/v1/new", key).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1/regions", key).statusCode()).isEqualTo(200);
    Files.writeString(configFile, config(""));
    h.server.reloadGateway();
  }

  @Test
  void aKeyOfTheOtherRealmIsRefused() throws Exception {
    var r = call("GET", "/v1/regions", h.adminKey);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("wrong_realm");
    assertThat(KeyFormat.redact(r.body())).isEqualTo(r.body());
  }
}
