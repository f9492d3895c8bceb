package io.keywarden.server.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.testkit.TestPostgres;
import io.keywarden.store.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes sharing PostgreSQL and Redis: a key revoked through one node's API is refused by the
 * other node's gateway as soon as the change has crossed the invalidation channel, although that
 * node had the key in its cache.
 */
class ClusterRevocationTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aKeyRevokedOnOneNodeIsRefusedByTheOtherNodesGatewayOnceTheEventArrives() throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServer upstream = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path config = dir.resolve("keywarden.yaml");
    TestPostgres.Schema schema = TestPostgres.freshSchema();
    Files.writeString(config, """
        database: {url: "%s"}
        secrets: ["v1:c2hhcmVkLXNlY3JldC1vZi10aGUtdHdvLW5vZGVzLW9mLXRoaXMtdGVzdA"]
        rate_limits:
          backend: redis
          redis: {url: "%s", timeout_ms: 2000}
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /things, methods: [GET], scopes: [read]}
        """.formatted(schema.url(), TestRedis.sharedUrl(), upstream.actualPort()));
    KeywardenConfig cfg = ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE);
    try (ServerHarness a = new ServerHarness(Files.createDirectories(dir.resolve("a")), cfg);
        ServerHarness b = new ServerHarness(Files.createDirectories(dir.resolve("b")), cfg)) {
      b.server.invalidationBus().whenSubscribed().get(10, TimeUnit.SECONDS);
      assertThat(b.server.invalidationBus().subscribed()).isTrue();
      var store = a.server.keywarden().store();
      String ws = store.createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
      String user = store.createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
      store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
      var issued = a.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM);
      assertThat(call(b, issued.secret()).statusCode()).isEqualTo(200); // now cached on b
      assertThat(call(b, issued.secret()).statusCode()).isEqualTo(200);
      long before = b.server.invalidationBus().received();

      var revoked = a.delete("/v1/keys/" + issued.key().id()).send();
      assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
      b.server.invalidationBus().whenReceived(before + 1).get(10, TimeUnit.SECONDS);

      var refused = call(b, issued.secret());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("revoked");
    } finally {
      schema.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOperatorKeyRevokedOnOneNodeIsRefusedByTheOtherNodesVerifyApiOnceTheEventArrives() throws Exception {
    Path config = dir.resolve("keywarden.yaml");
    TestPostgres.Schema schema = TestPostgres.freshSchema();
    Files.writeString(config, """
        database: {url: "%s"}
        secrets: ["v1:c2hhcmVkLXNlY3JldC1vZi10aGUtdHdvLW5vZGVzLW9mLXRoaXMtdGVzdA"]
        rate_limits:
          backend: redis
          redis: {url: "%s", timeout_ms: 2000}
        """.formatted(schema.url(), TestRedis.sharedUrl()));
    KeywardenConfig cfg = ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE);
    try (ServerHarness a = new ServerHarness(Files.createDirectories(dir.resolve("a")), cfg);
        ServerHarness b = new ServerHarness(Files.createDirectories(dir.resolve("b")), cfg)) {
      b.server.invalidationBus().whenSubscribed().get(10, TimeUnit.SECONDS);
      var made = a.post("/v1/operator-keys", "{\"name\":\"upstream\",\"scopes\":[\"verify\"]}").send();
      assertThat(made.status()).as(made.toString()).isEqualTo(201);
      String verifier = made.data().get("secret").asText();
      assertThat(verifyOn(b, verifier).statusCode()).isEqualTo(200); // now cached on b
      long before = b.server.invalidationBus().received();

      var revoked = a.delete("/v1/operator-keys/" + made.data().get("id").asText()).send();
      assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
      b.server.invalidationBus().whenReceived(before + 1).get(10, TimeUnit.SECONDS);

      var refused = verifyOn(b, verifier);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("revoked");
    } finally {
      schema.close();
    }
  }

  private HttpResponse<String> verifyOn(ServerHarness node, String operatorKey) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/keys/verify"))
        .header("Authorization", "Bearer " + operatorKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"kw_sk_live_x\"}"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> call(ServerHarness node, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.server.gatewayPort() + "/things"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
