package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.http.Bearer;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.service.KeyUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every status of the decision engine, driven through the gateway to a real upstream: the HTTP
 * status and stable codes of each denial, {@code WWW-Authenticate} on 401 (with {@code error=}
 * where a reason applies), the upstream never seeing a denied request, and each denial counted by
 * its reason code.
 */
class GatewayDecisionMatrixTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static String ws;
  static String projA;
  static String projB;
  static String user;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A request to the gateway: path, key (or raw Authorization value) and extra headers. */
  record Call(String path, String authorization, List<String> headers) {}

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      req.body().onSuccess(b -> req.response().end("upstream"));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/regions, methods: [GET], scopes: [read]}
            - {path: /v1/public, methods: [GET], public: true}
            - path: /v1/projects/things
              methods: [GET]
              scopes: [read]
              project: {header: project-id, selection: required}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    projA = kw.store().createProject(ws, "alpha", Actor.SYSTEM).id();
    projB = kw.store().createProject(ws, "beta", Actor.SYSTEM).id();
    user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "member", List.of(), projA, Actor.SYSTEM);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static NewKeyRequest userKey(String... scopes) {
    return NewKeyRequest.userKey(ws, user, "k", List.of(scopes));
  }

  static String issue(NewKeyRequest r) {
    return h.server.keywarden().keys().create(r, Actor.SYSTEM).secret();
  }

  static Call get(String path, String key, String... headers) {
    return new Call(path, key == null ? null : "Bearer " + key, List.of(headers));
  }

  /** Sets up what makes the engine decide {@code status}, and the request that meets it. */
  static Call scenario(DecisionStatus status) {
    var kw = h.server.keywarden();
    return switch (status) {
      case VALID -> get("/v1/regions", issue(userKey("read")));
      case MISSING -> get("/v1/regions", null);
      case MALFORMED -> get("/v1/regions", "not-a-key");
      case BAD_CHECKSUM -> {
        String key = issue(userKey("read"));
        yield get("/v1/regions", key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a"));
      }
      case NOT_FOUND -> get("/v1/regions", KeyFormat.generate(KeyFormat.prefixOf(issue(userKey("read")))));
      case WRONG_REALM -> get("/v1/regions", h.adminKey);
      case REVOKED -> {
        var issued = kw.keys().create(userKey("read"), Actor.SYSTEM);
        kw.keys().revoke(issued.key().id(), Actor.SYSTEM);
        yield get("/v1/regions", issued.secret());
      }
      case EXPIRED -> {
        String key = issue(userKey("read").withExpiresAt(h.clock.instant().plus(Duration.ofHours(1))));
        h.clock.advance(Duration.ofHours(2));
        yield get("/v1/regions", key);
      }
      case DISABLED -> {
        var issued = kw.keys().create(userKey("read"), Actor.SYSTEM);
        kw.keys().update(issued.key().id(), KeyUpdate.none().withEnabled(false), Actor.SYSTEM);
        yield get("/v1/regions", issued.secret());
      }
      case WORKSPACE_SUSPENDED -> {
        String suspended = kw.store().createWorkspace("Suspended " + System.nanoTime(), "default", null, Actor.SYSTEM).id();
        kw.store().putMembership(suspended, user, "member", List.of(), null, Actor.SYSTEM);
        String key = issue(NewKeyRequest.userKey(suspended, user, "k", List.of("read")));
        kw.tenants().setSuspended(suspended, true, "unpaid invoice", Actor.SYSTEM);
        yield get("/v1/regions", key);
      }
      case IP_NOT_ALLOWED -> get("/v1/regions", issue(userKey("read").withAllowedIps(List.of("192.0.2.0/24"))));
      case ORIGIN_NOT_ALLOWED -> get("/v1/public", issue(userKey("read").withType(KeyType.PUBLISHABLE)
          .withAllowedOrigins(List.of("https://app.example.com"))), "Origin", "https://evil.example.net");
      case PUBLISHABLE_NOT_ALLOWED -> get("/v1/regions", issue(userKey("read").withType(KeyType.PUBLISHABLE)));
      case OWNER_NOT_MEMBER -> {
        String leaver = kw.store().createUser("leaver-" + System.nanoTime() + "@example.com", "Leaver", Actor.SYSTEM).id();
        kw.store().putMembership(ws, leaver, "member", List.of(), projA, Actor.SYSTEM);
        String key = issue(NewKeyRequest.userKey(ws, leaver, "k", List.of("read")));
        kw.store().removeMembership(ws, leaver, Actor.SYSTEM);
        yield get("/v1/regions", key);
      }
      case PROJECT_REQUIRED -> get("/v1/projects/things", issue(userKey("read")));
      case PROJECT_NOT_FOUND -> get("/v1/projects/things", issue(userKey("read")), "project-id", "proj_000000000000000000000");
      case PROJECT_NOT_ALLOWED -> get("/v1/projects/things", issue(userKey("read").withProjects(List.of(projA))),
          "project-id", projB);
      case INSUFFICIENT_SCOPE -> get("/v1/regions", issue(userKey("write")));
    };
  }

  static HttpResponse<String> send(Call c) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + c.path()))
        .timeout(Duration.ofSeconds(10)).GET();
    if (c.authorization() != null) {
      b.header("Authorization", c.authorization());
    }
    for (int i = 0; i < c.headers().size(); i += 2) {
      b.header(c.headers().get(i), c.headers().get(i + 1));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource(DecisionStatus.class)
  void everyDecisionIsAnsweredWithItsStatusCodesAndChallengeAndOnlyAllowedOnesReachTheUpstream(DecisionStatus status)
      throws Exception {
    Call call = scenario(status);
    GatewayDenials denials = h.server.gateway().denials();
    long deniedBefore = denials.get(status.reason());
    int upstreamBefore = upstreamCalls.get();

    var r = send(call);

    if (status == DecisionStatus.VALID) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("upstream");
      assertThat(upstreamCalls.get()).isEqualTo(upstreamBefore + 1);
      return;
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status.httpStatus());
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo(status.error().code());
    assertThat(error.get("reason").asText()).isEqualTo(status.reason());
    assertThat(upstreamCalls.get()).as("the upstream never sees a denied request").isEqualTo(upstreamBefore);
    assertThat(denials.get(status.reason())).isEqualTo(deniedBefore + 1);
    var challenge = r.headers().firstValue("WWW-Authenticate");
    if (r.statusCode() == 401) {
      assertThat(challenge).contains(Bearer.challenge(status, null));
      if (status == DecisionStatus.MISSING) {
        assertThat(challenge.orElseThrow()).isEqualTo(Bearer.REALM).doesNotContain("error=");
      } else {
        assertThat(challenge.orElseThrow()).startsWith("Bearer ").contains("error=\"invalid_token\"")
            .contains(status.reason());
      }
    } else if (status == DecisionStatus.INSUFFICIENT_SCOPE) {
      assertThat(challenge.orElseThrow()).contains("error=\"insufficient_scope\"");
    } else {
      assertThat(challenge).isEmpty();
    }
    if (call.authorization() != null) {
      assertThat(r.body()).doesNotContain(call.authorization().substring("Bearer ".length()));
    }
  }

  @Test
  void theStatusCodesOfTheMatrixAreTheDocumentedOnes() {
    List<String> byStatus = new ArrayList<>();
    for (DecisionStatus s : DecisionStatus.values()) {
      byStatus.add(s.reason() + "=" + s.httpStatus());
    }
    assertThat(byStatus).containsExactly("valid=200", "missing=401", "malformed=401", "bad_checksum=401",
        "not_found=401", "wrong_realm=401", "revoked=401", "expired=401", "disabled=401", "workspace_suspended=403",
        "ip_not_allowed=403",
        "origin_not_allowed=403", "publishable_not_allowed=403", "owner_not_member=403", "project_required=400",
        "project_not_found=404", "project_not_allowed=403", "insufficient_scope=403");
  }

  @Test
  void requestsNoRouteServesAreCountedByTheirReason() throws Exception {
    GatewayDenials denials = h.server.gateway().denials();
    long before = denials.get("no_route");
    assertThat(send(get("/nothing/here", null)).statusCode()).isEqualTo(404);
    assertThat(denials.get("no_route")).isEqualTo(before + 1);
    assertThat(denials.snapshot()).containsKeys("no_route", "revoked", "insufficient_scope")
        .allSatisfy((reason, n) -> assertThat(reason).doesNotContain("kw_"));
  }
}
