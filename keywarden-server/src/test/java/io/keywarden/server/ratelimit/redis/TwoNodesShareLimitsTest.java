package io.keywarden.server.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Keywarden nodes configured with {@code backend: redis} and one Redis admit exactly the
 * limit together: the configuration, the gateway chain and the Redis limiter end to end.
 */
class TwoNodesShareLimitsTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoNodesSharingARedisAdmitExactlyTheLimitTogether() throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServer upstream = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path config = dir.resolve("keywarden.yaml");
    Files.writeString(config, """
        rate_limits:
          backend: redis
          redis: {url: "%s", timeout_ms: 2000}
          policies:
            - {name: per-ip, limit: 20, window: 1m, by: [client_ip]}
        gateway:
          trusted_proxies: [127.0.0.1/32]
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /open, authentication: none}
        """.formatted(TestRedis.sharedUrl(), upstream.actualPort()));
    KeywardenConfig cfg = ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE);
    // A client address of its own, so counters left in a shared Redis by earlier runs never meet it.
    var rnd = ThreadLocalRandom.current();
    String ip = "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(1, 255);
    try (ServerHarness a = new ServerHarness(Files.createDirectories(dir.resolve("a")), cfg);
        ServerHarness b = new ServerHarness(Files.createDirectories(dir.resolve("b")), cfg)) {
      b.clock.set(a.clock.instant());
      assertThat(a.server.rateLimits().limiter().backend()).isEqualTo("redis");
      int admitted = 0;
      long lastRemaining = Long.MAX_VALUE;
      for (int i = 0; i < 30; i++) {
        ServerHarness node = i % 2 == 0 ? a : b;
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.server.gatewayPort() + "/open"))
            .header("X-Forwarded-For", ip).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          admitted++;
          long remaining = Long.parseLong(r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
          assertThat(remaining).isLessThan(lastRemaining);
          lastRemaining = remaining;
        } else {
          assertThat(r.statusCode()).isEqualTo(429);
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
      }
      assertThat(admitted).isEqualTo(20);
      assertThat(lastRemaining).isZero();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
