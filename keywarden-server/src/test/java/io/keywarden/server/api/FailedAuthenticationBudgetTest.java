package io.keywarden.server.api;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failed-authentication budget over real HTTP, with Keywarden behind a load balancer (the
 * test client is the trusted proxy 127.0.0.1 and names the real client in {@code
 * X-Forwarded-For}). The budget is charged to the real client on both listeners, and it limits
 * failures: a valid key the cache knows always passes, while keys the cache does not know get 429
 * from a blocked client without a store lookup.
 */
class FailedAuthenticationBudgetTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static String ws;
  static String user;
  static final AtomicInteger clients = new AtomicInteger();
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String STALE_OPERATOR_KEY = "kw_op_" + "x".repeat(30) + "AAAAAA";
  static final String STALE_ACCESS_KEY = "kw_sk_live_" + "x".repeat(30) + "AAAAAA";

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        rate_limits:
          failed_auth: {limit: 5, window: 1m}
        gateway:
          trusted_proxies: [127.0.0.1/32]
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/things, methods: [GET], scopes: [read]}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var store = h.server.keywarden().store();
    ws = store.createWorkspace("acme", "default", null, Actor.SYSTEM).id();
    user = store.createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String client() {
    return "203.0.113." + clients.incrementAndGet();
  }

  static ServerHarness.Reply api(String key, String client) {
    return h.call("GET", "/v1/workspaces").auth(key).header("X-Forwarded-For", client).send();
  }

  static ServerHarness.Reply verify(String operatorKey, String client, String key) {
    return h.call("POST", "/v1/keys/verify").auth(operatorKey).header("X-Forwarded-For", client)
        .json("{\"key\":\"" + key + "\"}").send();
  }

  static HttpResponse<String> gateway(String key, String client) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + "/v1/things"))
        .timeout(Duration.ofSeconds(10)).GET().header("X-Forwarded-For", client)
        .header("Authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String operatorKey(String... scopes) {
    return h.server.keywarden().keys().createOperatorKey("op", List.of(scopes), null, Actor.SYSTEM).secret();
  }

  static String accessKey() {
    return h.server.keywarden().keys()
        .create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
  }

  /** Presents stale operator keys from {@code client} until the management API answers 429. */
  static void exhaust(String client) {
    int refused = 0;
    for (int i = 0; i < 70; i++) {
      refused += api(STALE_OPERATOR_KEY, client).status() == 429 ? 1 : 0;
    }
    assertThat(refused).as("the stale client is refused").isGreaterThan(60);
  }

  @Test
  void oneClientWithStaleKeysBehindTheLoadBalancerLocksNoOtherOperatorOrVerifierOut() {
    String verifier = operatorKey("verify");
    String good = accessKey();
    assertThat(api(h.adminKey, client()).status()).isEqualTo(200);
    assertThat(verify(verifier, client(), good).status()).isEqualTo(200);

    exhaust(client());

    assertThat(api(h.adminKey, client()).status()).isEqualTo(200);
    var verified = verify(verifier, client(), good);
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    assertThat(verified.data().get("valid").asBoolean()).isTrue();
  }

  @Test
  void aBlockedClientsValidKeyTheCacheKnowsStillPasses() {
    String stale = client();
    assertThat(api(h.adminKey, client()).status()).isEqualTo(200); // the admin key is cached
    exhaust(stale);

    var good = api(h.adminKey, stale);
    var bad = api(STALE_OPERATOR_KEY, stale);

    assertThat(good.status()).as(good.toString()).isEqualTo(200);
    assertThat(bad.status()).isEqualTo(429);
    assertThat(bad.header("Retry-After")).isNotNull();
  }

  @Test
  void aBlockedClientGetsNoStoreLookupForAKeyTheCacheDoesNotKnow() {
    String stale = client();
    exhaust(stale);
    String neverSeen = operatorKey("admin");
    long reads = h.server.keywarden().cache().storeReads();

    var r = api(neverSeen, stale);

    assertThat(r.status()).isEqualTo(429);
    assertThat(h.server.keywarden().cache().storeReads()).isEqualTo(reads);
    assertThat(api(neverSeen, client()).status()).as("another client is served").isEqualTo(200);
  }

  @Test
  void throughTheGatewayABlockedClientsCachedValidKeyStillReachesTheUpstream() throws Exception {
    String good = accessKey();
    assertThat(gateway(good, client()).statusCode()).isEqualTo(200); // cached now
    String stale = client();
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      refused += gateway(STALE_ACCESS_KEY, stale).statusCode() == 429 ? 1 : 0;
    }
    assertThat(refused).isGreaterThan(10);
    int before = upstreamCalls.get();

    var passed = gateway(good, stale);
    var neverSeen = gateway(accessKey(), stale);
    var bad = gateway(STALE_ACCESS_KEY, stale);

    assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
    assertThat(upstreamCalls.get()).isEqualTo(before + 1);
    assertThat(neverSeen.statusCode()).isEqualTo(429);
    assertThat(bad.statusCode()).isEqualTo(429);
  }
}
