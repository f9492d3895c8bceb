package io.keywarden.server.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Suspending a workspace over real HTTP: its keys are refused with 403 {@code
 * workspace_suspended} at the gateway (with a real upstream that must never see them) and by the
 * verify API, from the next request on although they were cached; management goes on; lifting
 * restores them; both changes are audited. The reason reaches the refused client only where the
 * deployment says so.
 */
class WorkspaceSuspensionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir static Path dir;
  @TempDir static Path showingDir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicInteger upstreamCalls = new AtomicInteger();
  static ServerHarness h;
  static ServerHarness showing;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamCalls.incrementAndGet();
      req.response().end("upstream");
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String gateway = """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/regions, methods: [GET], scopes: [read]}
        """.formatted(upstream.actualPort());
    Path plain = dir.resolve("keywarden.yaml");
    Files.writeString(plain, gateway);
    h = new ServerHarness(dir, ConfigLoader.load(plain, Map.of(), ConfigLoader.Flags.NONE));
    Path shows = showingDir.resolve("keywarden.yaml");
    Files.writeString(shows, "server: {show_suspension_reason: true}\n" + gateway);
    showing = new ServerHarness(showingDir, ConfigLoader.load(shows, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    showing.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A workspace with a member and a user key with scope read; returns {workspace id, key}. */
  static String[] tenantWithKey(ServerHarness s) {
    String ws = s.post("/v1/workspaces", "{\"name\":\"Tenant\"}").send().data().get("id").asText();
    String user = s.post("/v1/users", "{\"email\":\"t" + System.nanoTime() + "@example.com\",\"name\":\"T\"}")
        .send().data().get("id").asText();
    s.put("/v1/workspaces/" + ws + "/members/" + user, "{\"role\":\"member\"}").send();
    var key = s.post("/v1/keys", "{\"workspace_id\":\"" + ws + "\",\"kind\":\"user\",\"user_id\":\"" + user
        + "\",\"name\":\"k\",\"scopes\":[\"read\"]}").send();
    assertThat(key.status()).as(key.toString()).isEqualTo(201);
    return new String[] {ws, key.data().get("secret").asText()};
  }

  static HttpResponse<String> viaGateway(ServerHarness s, String key) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server.gatewayPort() + "/v1/regions"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode verify(ServerHarness s, String key) {
    var r = s.post("/v1/keys/verify", "{\"key\":\"" + key + "\",\"scopes\":[\"read\"]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  @Test
  void aSuspendedWorkspacesKeysAreRefusedAtOnceEverywhereAndRestoredWhenLifted() throws Exception {
    String[] t = tenantWithKey(h);
    String ws = t[0];
    String key = t[1];
    assertThat(viaGateway(h, key).statusCode()).as("cached and valid").isEqualTo(200);
    assertThat(verify(h, key).get("valid").asBoolean()).isTrue();
    int upstreamBefore = upstreamCalls.get();

    var suspended = h.patch("/v1/workspaces/" + ws, "{\"suspended\":true,\"suspension_reason\":\"unpaid invoice\"}")
        .send();
    assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
    assertThat(suspended.data().get("suspended").asBoolean()).isTrue();
    assertThat(suspended.data().get("suspension_reason").asText()).isEqualTo("unpaid invoice");

    var refused = viaGateway(h, key);
    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("workspace_suspended");
    assertThat(error.get("reason").asText()).isEqualTo("workspace_suspended");
    assertThat(error.get("message").asText()).doesNotContain("unpaid");
    assertThat(upstreamCalls.get()).as("the upstream never sees the request").isEqualTo(upstreamBefore);
    JsonNode verdict = verify(h, key);
    assertThat(verdict.get("valid").asBoolean()).isFalse();
    assertThat(verdict.get("code").asText()).isEqualTo("workspace_suspended");

    // Management of the workspace goes on.
    assertThat(h.patch("/v1/workspaces/" + ws, "{\"name\":\"Tenant (suspended)\"}").send().status()).isEqualTo(200);
    assertThat(h.get("/v1/keys?workspace_id=" + ws).send().data()).hasSize(1);

    var lifted = h.patch("/v1/workspaces/" + ws, "{\"suspended\":false}").send();
    assertThat(lifted.data().get("suspended").asBoolean()).isFalse();
    assertThat(lifted.data().get("suspension_reason").isNull()).isTrue();
    assertThat(viaGateway(h, key).statusCode()).isEqualTo(200);
    assertThat(verify(h, key).get("valid").asBoolean()).isTrue();

    var events = h.get("/v1/audit-events?target=" + ws).send().data();
    assertThat(events).extracting(e -> e.get("action").asText())
        .contains("workspace.suspended", "workspace.reinstated");
  }

  @Test
  void theReasonIsInTheMessageOnlyWhereTheDeploymentShowsIt() throws Exception {
    String[] t = tenantWithKey(showing);
    showing.patch("/v1/workspaces/" + t[0], "{\"suspended\":true,\"suspension_reason\":\"unpaid invoice\"}").send();

    var refused = viaGateway(showing, t[1]);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("unpaid invoice");
    assertThat(verify(showing, t[1]).get("message").asText()).contains("unpaid invoice");
  }

  @Test
  void onlyADeploymentWideOperatorKeySuspendsOrLifts() {
    String[] t = tenantWithKey(h);
    String bound = h.server.keywarden().keys().createOperatorKey("tenant's own", List.of("tenants:write"), null,
        t[0], Actor.SYSTEM).secret();

    var r = h.call("PATCH", "/v1/workspaces/" + t[0]).auth(bound).json("{\"suspended\":false}").send();
    assertThat(r.status()).isEqualTo(403);
    var reasonAlone = h.patch("/v1/workspaces/" + t[0], "{\"suspension_reason\":\"x\"}").send();
    assertThat(reasonAlone.status()).isEqualTo(400);
    assertThat(reasonAlone.errorField()).isEqualTo("suspension_reason");
    var notBoolean = h.patch("/v1/workspaces/" + t[0], "{\"suspended\":\"yes\"}").send();
    assertThat(notBoolean.status()).isEqualTo(400);
    assertThat(notBoolean.errorField()).isEqualTo("suspended");
  }
}
