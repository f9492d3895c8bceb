package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes that override their upstream's timeouts, against a real upstream that answers late (600
 * ms after the request, on its own timer): a tighter route times out with 504 where the upstream's
 * own timeout would wait, and a more patient route waits where the upstream's own would give up.
 */
class GatewayTimeoutsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long LATE_MS = 600;
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static ServerHarness h;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> vertx.setTimer(LATE_MS, t -> req.response().end("late")))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            patient: {url: "http://127.0.0.1:%1$d", connect_timeout_ms: 1500, response_timeout_ms: 30000}
            hasty: {url: "http://127.0.0.1:%1$d", response_timeout_ms: 100}
          routes:
            - {path: /patient/default, authentication: none, upstream: patient}
            - {path: /patient/tight, authentication: none, upstream: patient, response_timeout_ms: 100}
            - {path: /hasty/default, authentication: none, upstream: hasty}
            - {path: /hasty/relaxed, authentication: none, upstream: hasty, response_timeout_ms: 10000}
            - {path: /hasty/tight-problem, authentication: none, upstream: hasty, connect_timeout_ms: 700, error_style: problem}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRouteWithATighterResponseTimeoutGives504WhereItsUpstreamWouldWait() throws Exception {
    assertThat(get("/patient/default").body()).isEqualTo("late");
    var r = get("/patient/tight");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("gateway_timeout");
    assertThat(JSON.readTree(r.body()).get("error").get("reason").asText()).isEqualTo("upstream_timeout");
  }

  @Test
  void aRouteWithALongerResponseTimeoutWaitsWhereItsUpstreamWouldGiveUp() throws Exception {
    assertThat(get("/hasty/default").statusCode()).isEqualTo(504);
    var r = get("/hasty/relaxed");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("late");
  }

  @Test
  void aRouteThatOverridesOneTimeoutKeepsItsUpstreamsOtherAndItsOwnErrorStyle() throws Exception {
    GatewayConfig config = h.server.gateway().config();
    var tight = ((RouteMatch.Matched) config.routes().match("GET", "127.0.0.1", "/hasty/tight-problem")).route();
    assertThat(config.timeouts(tight)).isEqualTo(new Upstream.Timeouts(Duration.ofMillis(700), Duration.ofMillis(100)));
    var tighter = ((RouteMatch.Matched) config.routes().match("GET", "127.0.0.1", "/patient/tight")).route();
    assertThat(config.timeouts(tighter)).isEqualTo(new Upstream.Timeouts(Duration.ofMillis(1500), Duration.ofMillis(100)));
    var plain = ((RouteMatch.Matched) config.routes().match("GET", "127.0.0.1", "/patient/default")).route();
    assertThat(config.timeouts(plain)).isNull();

    var r = get("/hasty/tight-problem");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("gateway_timeout");
  }
}
