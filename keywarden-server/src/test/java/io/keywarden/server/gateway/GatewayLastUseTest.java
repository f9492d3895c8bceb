package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key's {@code last_used_at} moves only for requests that passed every check, rate limits included. */
class GatewayLastUseTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static ServerHarness h;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        access:
          plans: [free]
          default_plan: free
        rate_limits:
          plans:
            free:
              - {name: minute, limit: 1, window: 1m, by: [key]}
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/things, methods: [GET], scopes: [read]}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static io.keywarden.store.service.Keywarden kw() {
    return h.server.keywarden();
  }

  static String[] newKey() {
    var store = kw().store();
    String ws = store.createWorkspace("Acme", "free", null, Actor.SYSTEM).id();
    String user = store.createUser("u" + System.nanoTime() + "@example.com", "U", Actor.SYSTEM).id();
    store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
    var issued = kw().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM);
    return new String[] {issued.key().id(), issued.secret()};
  }

  static Instant lastUsed(String keyId) {
    kw().lastUsed().flush();
    return kw().store().key(keyId).orElseThrow().lastUsedAt();
  }

  static int gateway(String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + "/v1/things"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aGatewayRequestRefusedWith429DoesNotMoveLastUsedAt() throws Exception {
    String[] k = newKey();
    assertThat(gateway(k[1])).isEqualTo(200);
    Instant first = lastUsed(k[0]);
    assertThat(first).isNotNull();
    h.clock.advance(Duration.ofSeconds(5));
    assertThat(gateway(k[1])).isEqualTo(429);
    assertThat(lastUsed(k[0])).isEqualTo(first);
  }

  @Test
  void aVerificationRefusedByARateLimitDoesNotMoveLastUsedAt() throws Exception {
    String[] k = newKey();
    var ok = h.post("/v1/keys/verify", "{\"key\":\"" + k[1] + "\"}").send();
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.data().path("ratelimit").path("allowed").asBoolean()).isTrue();
    Instant first = lastUsed(k[0]);
    assertThat(first).isNotNull();
    h.clock.advance(Duration.ofSeconds(5));
    var limited = h.post("/v1/keys/verify", "{\"key\":\"" + k[1] + "\"}").send();
    assertThat(limited.data().path("ratelimit").path("allowed").asBoolean()).as(limited.toString()).isFalse();
    assertThat(lastUsed(k[0])).isEqualTo(first);
  }
}
