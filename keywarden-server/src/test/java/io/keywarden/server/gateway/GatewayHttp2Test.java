package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients speaking HTTP/2 over cleartext (h2c) to the gateway, with prior knowledge and by the
 * HTTP/1.1 {@code Upgrade: h2c} handshake, forwarded to a real HTTP/1.1 upstream.
 */
class GatewayHttp2Test {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static ServerHarness h;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      AtomicLong bytes = new AtomicLong();
      req.handler(b -> bytes.addAndGet(b.length()));
      req.endHandler(v -> {
        JsonObject headers = new JsonObject();
        req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
        req.response().putHeader("Content-Type", "application/json").putHeader("Keep-Alive", "timeout=5")
            .end(new JsonObject().put("version", req.version().name()).put("uri", req.uri())
                .put("bytes", bytes.get()).put("headers", headers).encode());
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/things, methods: [GET, POST], scopes: [read]}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    String ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    String user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
    key = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The answer's HTTP version, status and body, as the client saw them. */
  record Answer(HttpVersion version, int status, JsonObject body) {}

  static Answer call(boolean upgrade, HttpMethod method, Buffer body, String authorization) throws Exception {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(upgrade));
    try {
      var options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(h.server.gatewayPort())
          .setURI("/v1/things?x=1");
      if (authorization != null) {
        options.putHeader("Authorization", authorization);
      }
      options.putHeader("X-Keywarden-Key-Id", "key_forged");
      return client.request(options)
          .compose(req -> (body == null ? req.send() : req.send(body))
              .compose(resp -> resp.body().map(b -> new Answer(resp.version(), resp.statusCode(),
                  b.length() > 0 && b.getByte(0) == '{' ? b.toJsonObject() : new JsonObject().put("raw", b.toString())))))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void anHttp2ClientWithPriorKnowledgeReachesAnHttp11UpstreamWithItsIdentity() throws Exception {
    var a = call(false, HttpMethod.GET, null, "Bearer " + key);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(a.body().getString("uri")).isEqualTo("/v1/things?x=1");
    JsonObject seen = a.body().getJsonObject("headers");
    assertThat(seen.getString("x-keywarden-key-id")).startsWith("key_").isNotEqualTo("key_forged");
    assertThat(seen.containsKey("authorization")).isFalse();
    assertThat(seen.getString("host")).isEqualTo("127.0.0.1:" + upstream.actualPort());
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("127.0.0.1:" + h.server.gatewayPort());
    assertThat(seen.fieldNames()).noneMatch(n -> n.startsWith(":"));
  }

  @Test
  void anHttp2RequestBodyIsStreamedToTheUpstream() throws Exception {
    Buffer body = Buffer.buffer(new byte[3 * 1024 * 1024 + 17]);
    var a = call(false, HttpMethod.POST, body, "Bearer " + key);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().getLong("bytes")).isEqualTo(body.length());
  }

  @Test
  void aClientUpgradingFromHttp11ToH2cIsForwarded() throws Exception {
    var a = call(true, HttpMethod.GET, null, "Bearer " + key);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(a.body().getJsonObject("headers").getString("x-keywarden-scopes")).isEqualTo("read");
  }

  @Test
  void anHttp2DenialIs401WithTheChallenge() throws Exception {
    var a = call(false, HttpMethod.GET, null, null);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.body().getJsonObject("error").getString("reason")).isEqualTo("missing");
  }
}
