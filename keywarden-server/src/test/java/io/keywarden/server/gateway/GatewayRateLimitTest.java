package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits and quotas through the gateway over real HTTP, with the node's clock moved instead
 * of waiting. Each test uses its own workspace, keys and client IP (through a trusted proxy's
 * X-Forwarded-For), so counters never cross tests.
 */
class GatewayRateLimitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final AtomicInteger ips = new AtomicInteger(1);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        access:
          plans: [free, pro, enterprise]
          default_plan: free
        rate_limits:
          headers: {ietf: true}
          failed_auth: {limit: 5, window: 1m}
          management: {limit: 8, window: 1m}
          policies:
            - {name: per-ip, limit: 40, window: 10s, by: [client_ip]}
            - {name: test-env, limit: 4, window: 10m, by: [workspace, environment], environments: [test]}
            - {name: auth-routes, limit: 2, window: 1m, by: [key], routes: [auth]}
          plans:
            free:
              - {name: minute, limit: 6, window: 1m, by: [key]}
            pro:
              - {name: minute, limit: 10, window: 1m, by: [key]}
              - {name: workspace-minute, limit: 12, window: 1m, by: [workspace]}
            enterprise:
              - {name: evaluations, limit: 3, window: month, by: [workspace], routes: [evaluations]}
        gateway:
          trusted_proxies: [127.0.0.1/32]
          error_styles:
            plain: {bodies: {429: "Slow down."}}
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/things, methods: [GET], scopes: [read]}
            - {path: /v1/login, methods: [POST], group: auth}
            - {path: /v1/evaluations, methods: [POST], group: evaluations}
            - {path: /v1/open, authentication: none}
            - {path: /v1/plain, methods: [GET], error_style: plain}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A fresh workspace on {@code plan} with one member; returns {workspace, user}. */
  static String[] workspace(String plan) {
    var store = h.server.keywarden().store();
    String ws = store.createWorkspace("ws-" + ips.get(), plan, null, Actor.SYSTEM).id();
    String user = store.createUser("u" + ips.incrementAndGet() + "@example.com", "U", Actor.SYSTEM).id();
    store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
    return new String[] {ws, user};
  }

  static String key(String[] wsUser) {
    return key(wsUser, "live");
  }

  static String key(String[] wsUser, String env) {
    return h.server.keywarden().keys().create(
        NewKeyRequest.userKey(wsUser[0], wsUser[1], "k", List.of("read")).withEnvironment(env), Actor.SYSTEM).secret();
  }

  static String freshIp() {
    int n = ips.incrementAndGet();
    return "198.51." + (n / 250) + "." + (n % 250 + 1);
  }

  static HttpResponse<String> call(String method, String path, String key, String ip) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + path))
        .timeout(Duration.ofSeconds(10))
        .header("X-Forwarded-For", ip)
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error");
  }

  static long header(HttpResponse<String> r, String name) {
    return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + ": " + r.headers())));
  }

  @Test
  void aKeyOnTheFreePlanGetsItsSixRequestsPerMinuteThenA429WithRetryAfterAndTheUpstreamNeverSeesIt() throws Exception {
    String key = key(workspace("free"));
    String ip = freshIp();
    for (int i = 0; i < 6; i++) {
      assertThat(call("GET", "/v1/things", key, ip).statusCode()).isEqualTo(200);
    }
    int before = upstreamCalls.get();
    var r = call("GET", "/v1/things", key, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(error(r).get("code").asText()).isEqualTo("rate_limited");
    assertThat(error(r).get("message").asText()).contains("\"minute\"").contains("6 requests per minute");
    assertThat(header(r, "Retry-After")).isBetween(1L, 60L);
    assertThat(header(r, "X-RateLimit-Remaining")).isZero();
    assertThat(upstreamCalls.get()).isEqualTo(before);
  }

  @Test
  void aRejectedKeyIsAdmittedAgainOnceItsWindowHasRolledOn() throws Exception {
    String key = key(workspace("free"));
    String ip = freshIp();
    for (int i = 0; i < 6; i++) {
      call("GET", "/v1/things", key, ip);
    }
    var r = call("GET", "/v1/things", key, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    h.clock.advance(Duration.ofSeconds(header(r, "Retry-After")));
    assertThat(call("GET", "/v1/things", key, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void everyAllowedResponseCarriesTheCommonAndTheIetfHeadersOfTheMostRestrictivePolicy() throws Exception {
    String key = key(workspace("pro"));
    String ip = freshIp();
    var first = call("GET", "/v1/things", key, ip);
    var second = call("GET", "/v1/things", key, ip);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(header(first, "X-RateLimit-Limit")).isEqualTo(10);
    assertThat(header(first, "X-RateLimit-Remaining")).isEqualTo(9);
    assertThat(header(second, "X-RateLimit-Remaining")).isEqualTo(8);
    long nowSeconds = h.clock.instant().getEpochSecond();
    assertThat(header(first, "X-RateLimit-Reset")).isBetween(nowSeconds + 1, nowSeconds + 60);
    assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"minute\";q=10;w=60");
    assertThat(second.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"minute\";r=8;t=");
  }

  @Test
  void whenOnePolicyRejectsNoneIsConsumedSoTheWorkspaceBudgetIsLeftForOtherKeys() throws Exception {
    String[] ws = workspace("pro");
    String a = key(ws);
    String b = key(ws);
    String ip = freshIp();
    for (int i = 0; i < 10; i++) {
      assertThat(call("GET", "/v1/things", a, ip).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 5; i++) { // rejected by "minute"; must not count in "workspace-minute"
      var r = call("GET", "/v1/things", a, ip);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(error(r).get("message").asText()).contains("\"minute\"");
    }
    assertThat(call("GET", "/v1/things", b, ip).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1/things", b, ip).statusCode()).isEqualTo(200);
    var third = call("GET", "/v1/things", b, ip);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(error(third).get("message").asText()).contains("\"workspace-minute\"");
  }

  @Test
  void aCommonPerIpLimitCountsRequestsOnRoutesWithoutAuthentication() throws Exception {
    String ip = freshIp();
    for (int i = 0; i < 40; i++) {
      var r = call("GET", "/v1/open", null, ip);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "X-RateLimit-Limit")).isEqualTo(40);
    }
    assertThat(call("GET", "/v1/open", null, ip).statusCode()).isEqualTo(429);
    assertThat(call("GET", "/v1/open", null, freshIp()).statusCode()).isEqualTo(200);
    h.clock.advance(Duration.ofSeconds(11));
    assertThat(call("GET", "/v1/open", null, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void aPolicyForOneEnvironmentLimitsOnlyKeysOfThatEnvironment() throws Exception {
    String[] ws = workspace("pro");
    String test = key(ws, "test");
    String live = key(ws, "live");
    String ip = freshIp();
    for (int i = 0; i < 4; i++) {
      assertThat(call("GET", "/v1/things", test, ip).statusCode()).isEqualTo(200);
    }
    var r = call("GET", "/v1/things", test, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(error(r).get("message").asText()).contains("\"test-env\"");
    assertThat(call("GET", "/v1/things", live, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void aRouteGroupHasItsOwnNamedLimit() throws Exception {
    String key = key(workspace("pro"));
    String ip = freshIp();
    assertThat(call("POST", "/v1/login", key, ip).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/v1/login", key, ip).statusCode()).isEqualTo(200);
    var r = call("POST", "/v1/login", key, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(error(r).get("message").asText()).contains("\"auth-routes\"");
    assertThat(call("GET", "/v1/things", key, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void anExhaustedMonthlyQuotaIsQuotaExceededUntilTheNextCalendarMonth() throws Exception {
    String key = key(workspace("enterprise"));
    String ip = freshIp();
    for (int i = 0; i < 3; i++) {
      assertThat(call("POST", "/v1/evaluations", key, ip).statusCode()).isEqualTo(200);
    }
    var r = call("POST", "/v1/evaluations", key, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(error(r).get("code").asText()).isEqualTo("quota_exceeded");
    Instant now = h.clock.instant();
    var month = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1)
        .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    assertThat(Instant.ofEpochSecond(now.getEpochSecond() + header(r, "Retry-After"))).isEqualTo(month);
    h.clock.set(month);
    assertThat(call("POST", "/v1/evaluations", key(workspace("enterprise")), ip).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/v1/evaluations", key, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatKeepsGuessingKeysIsRefusedEvenWithAValidKeyUntilItsWindowPasses() throws Exception {
    String good = key(workspace("pro"));
    String ip = freshIp();
    for (int i = 0; i < 5; i++) {
      var r = call("GET", "/v1/things", "kw_sk_live_" + "x".repeat(30) + "AAAAAA", ip);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(header(r, "X-RateLimit-Limit")).isEqualTo(5);
    }
    var sixth = call("GET", "/v1/things", "kw_sk_live_" + "y".repeat(30) + "AAAAAA", ip);
    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(error(sixth).get("message").asText()).contains("\"failed-auth\"");
    assertThat(call("GET", "/v1/things", good, ip).statusCode()).isEqualTo(429);
    assertThat(call("GET", "/v1/things", good, freshIp()).statusCode()).isEqualTo(200);
    h.clock.advance(Duration.ofSeconds(header(sixth, "Retry-After")));
    assertThat(call("GET", "/v1/things", good, ip).statusCode()).isEqualTo(200);
  }

  @Test
  void aMissingKeyDoesNotCountAsAFailedAuthentication() throws Exception {
    String ip = freshIp();
    for (int i = 0; i < 8; i++) {
      assertThat(call("GET", "/v1/things", null, ip).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void the429OfARouteWithTheTextStyleIsItsConfiguredBody() throws Exception {
    String key = key(workspace("free"));
    String ip = freshIp();
    for (int i = 0; i < 6; i++) {
      call("GET", "/v1/plain", key, ip);
    }
    var r = call("GET", "/v1/plain", key, ip);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo("Slow down.");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void managementApiResponsesCarryRateLimitHeadersAndTheOperatorKeyIsLimited() throws Exception {
    // The admin key's budget: 8 per minute on this node; other tests do not use the management API.
    h.clock.advance(Duration.ofMinutes(2));
    var first = h.get("/v1/workspaces").send();
    assertThat(first.status()).isEqualTo(200);
    assertThat(Long.parseLong(first.header("X-RateLimit-Limit"))).isEqualTo(8);
    assertThat(Long.parseLong(first.header("X-RateLimit-Remaining"))).isEqualTo(7);
    for (int i = 0; i < 7; i++) {
      assertThat(h.get("/v1/workspaces").send().status()).isEqualTo(200);
    }
    var limited = h.get("/v1/workspaces").send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(limited.header("Retry-After")).isNotNull();
    h.clock.advance(Duration.ofMinutes(1));
    assertThat(h.get("/v1/workspaces").send().status()).isEqualTo(200);
  }

  @Test
  void aRefusalOfAKnownKeyCarriesItsRateLimitStateWithoutCountingIt() throws Exception {
    String[] ws = workspace("pro");
    String readOnly = key(ws);
    String noScopes = h.server.keywarden().keys().create(
        NewKeyRequest.userKey(ws[0], ws[1], "none", List.of()), Actor.SYSTEM).secret();
    String ip = freshIp();
    assertThat(call("GET", "/v1/things", readOnly, ip).statusCode()).isEqualTo(200); // workspace: 11 left
    for (int i = 0; i < 3; i++) {
      var forbidden = call("GET", "/v1/things", noScopes, ip);
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(header(forbidden, "X-RateLimit-Limit")).isEqualTo(10);
      assertThat(header(forbidden, "X-RateLimit-Remaining")).isEqualTo(10);
    }
    var next = call("GET", "/v1/things", readOnly, ip);
    assertThat(header(next, "X-RateLimit-Remaining")).isEqualTo(8); // minute: 8 left; workspace: 10 left
  }

  @Test
  void verificationsAreLimitedByTheVerifiedKeyNotByTheOperatorsManagementBudget() {
    // The management budget here is 8 calls per minute per operator key.
    String verifier = h.server.keywarden().keys()
        .createOperatorKey("verifier", List.of("verify"), null, Actor.SYSTEM).secret();
    for (int i = 0; i < 20; i++) {
      String key = key(workspace("pro"));
      var r = h.call("POST", "/v1/keys/verify").auth(verifier).json("{\"key\":\"" + key + "\"}").send();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.data().get("valid").asBoolean()).isTrue();
    }
  }
}
