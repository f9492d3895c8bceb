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
 * Two nodes sharing PostgreSQL and Redis: a workspace suspended through one node's API is refused
 * by the other node's gateway (which had the key cached) once the event arrives, and a plan
 * changed through one node is in force on the other without a restart.
 */
class ClusterTenantsTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void suspensionsAndPlanChangesReachTheOtherNodeWithoutARestart() throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServer upstream = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path config = dir.resolve("keywarden.yaml");
    TestPostgres.Schema schema = TestPostgres.freshSchema();
    Files.writeString(config, """
        database: {url: "%s"}
        secrets: ["v1:c2hhcmVkLXNlY3JldC1vZi10aGUtdHdvLW5vZGVzLW9mLXRoaXMtdGVzdA"]
        access:
          plans: [free, pro]
          default_plan: free
        rate_limits:
          backend: redis
          redis: {url: "%s", timeout_ms: 2000}
          plans:
            free: [{name: minute, limit: 1000, window: 1m, by: [key]}]
            pro: [{name: minute, limit: 1000, window: 1m, by: [key]}]
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
      var store = a.server.keywarden().store();
      String ws = store.createWorkspace("Acme", "pro", null, Actor.SYSTEM).id();
      String user = store.createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
      store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
      String key = a.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")),
          Actor.SYSTEM).secret();
      assertThat(call(b, key).statusCode()).isEqualTo(200); // now cached on b

      long before = b.server.invalidationBus().received();
      var suspended = a.patch("/v1/workspaces/" + ws, "{\"suspended\":true}").send();
      assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
      b.server.invalidationBus().whenReceived(before + 1).get(10, TimeUnit.SECONDS);
      var refused = call(b, key);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("workspace_suspended");

      before = b.server.invalidationBus().received();
      a.patch("/v1/workspaces/" + ws, "{\"suspended\":false}").send();
      b.server.invalidationBus().whenReceived(before + 1).get(10, TimeUnit.SECONDS);
      assertThat(call(b, key).statusCode()).isEqualTo(200);

      var put = a.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"minute\",\"limit\":3,\"window\":\"1m\",\"by\":[\"key\"]}]}")
          .send();
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      // The other node reads the plans again off its event loop: a bounded wait for that.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (b.server.rateLimits().plans().plan("pro").policies().getFirst().limit() != 3
          && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertThat(b.server.rateLimits().plans().plan("pro").policies().getFirst().limit()).isEqualTo(3);
      int limited = 0;
      for (int i = 0; i < 4; i++) {
        if (call(b, key).statusCode() == 429) {
          limited++;
        }
      }
      assertThat(limited).as("the new limit of 3 per minute counts on node b").isGreaterThanOrEqualTo(1);
    } finally {
      schema.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> call(ServerHarness node, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.server.gatewayPort() + "/things"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
