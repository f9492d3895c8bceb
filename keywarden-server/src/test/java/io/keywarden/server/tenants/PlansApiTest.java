package io.keywarden.server.tenants;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Plans managed through {@code /v1/plans} over real HTTP: seeded from the configuration file, a
 * change is in force at the gateway without a restart, and the stored version wins at the next
 * start.
 */
class PlansApiTest {
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static Path config;
  static ServerHarness h;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    config = dir.resolve("keywarden.yaml");
    Files.writeString(config, """
        access:
          plans: [free, pro]
          default_plan: free
        rate_limits:
          plans:
            free:
              - {name: minute, limit: 100, window: 1m, by: [key]}
            pro:
              - {name: minute, limit: 1000, window: 1m, by: [key]}
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/regions, methods: [GET], scopes: [read]}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String keyOn(String plan) {
    String ws = h.post("/v1/workspaces", "{\"name\":\"W\",\"plan\":\"" + plan + "\"}").send().data().get("id").asText();
    String p = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"P\"}").send().data().get("id").asText();
    var k = h.post("/v1/keys", "{\"workspace_id\":\"" + ws + "\",\"kind\":\"project\",\"project_id\":\"" + p
        + "\",\"name\":\"k\"}").send();
    assertThat(k.status()).as(k.toString()).isEqualTo(201);
    return k.data().get("secret").asText();
  }

  static int gateway(String key) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + "/v1/regions"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theConfiguredPlansAreSeededAndListed() {
    var list = h.get("/v1/plans").send();
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.data()).extracting(p -> p.get("name").asText()).contains("free", "pro");
    var free = h.get("/v1/plans/free").send();
    assertThat(free.data().get("default").asBoolean()).isTrue();
    assertThat(free.data().at("/policies/0/window").asText()).isEqualTo("1m");
    assertThat(h.get("/v1/plans/gold").send().status()).isEqualTo(404);
  }

  @Test
  void aNewLimitIsInForceAtTheGatewayWithoutARestartAndAudited() throws Exception {
    var put = h.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"minute\",\"limit\":2,\"window\":\"1m\",\"by\":[\"key\"]}]}")
        .send();
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String key = keyOn("pro");
    assertThat(gateway(key)).isEqualTo(200);
    assertThat(gateway(key)).isEqualTo(200);
    assertThat(gateway(key)).isEqualTo(429);
    var events = h.get("/v1/audit-events?target=pro").send().data();
    assertThat(events).extracting(e -> e.get("action").asText()).contains("plan.updated");
    h.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"minute\",\"limit\":1000,\"window\":\"1m\",\"by\":[\"key\"]}]}")
        .send();
    assertThat(gateway(key)).isEqualTo(200);
  }

  @Test
  void aPlanMadeThroughTheApiCanBeUsedByWorkspacesAndIsThenKeptFromDeletion() throws Exception {
    var created = h.put("/v1/plans/enterprise", "{\"policies\":[{\"name\":\"burst\",\"limit\":1,\"window\":\"10s\","
        + "\"by\":[\"key\"]}]}").send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String key = keyOn("enterprise");
    assertThat(gateway(key)).isEqualTo(200);
    assertThat(gateway(key)).isEqualTo(429);

    var inUse = h.delete("/v1/plans/enterprise").send();
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.errorField()).isEqualTo("name");
    assertThat(h.delete("/v1/plans/free").send().status()).as("the default plan").isEqualTo(409);

    assertThat(h.put("/v1/plans/unused", "{\"policies\":[]}").send().status()).isEqualTo(201);
    var deleted = h.delete("/v1/plans/unused").send();
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(h.get("/v1/plans/unused").send().status()).isEqualTo(404);
  }

  @Test
  void policiesAreCheckedByTheConfigurationsParserWithErrorsNamingTheEntry() {
    var badWindow = h.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"m\",\"limit\":5,\"window\":\"5 fortnights\"}]}").send();
    assertThat(badWindow.status()).isEqualTo(400);
    assertThat(badWindow.errorField()).isEqualTo("policies[0].window");
    var unknown = h.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"m\",\"limit\":5,\"window\":\"1m\",\"colour\":1}]}").send();
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorField()).isEqualTo("policies[0].colour");
    var twice = h.put("/v1/plans/pro", "{\"policies\":[{\"name\":\"m\",\"limit\":5,\"window\":\"1m\"},"
        + "{\"name\":\"m\",\"limit\":6,\"window\":\"1m\"}]}").send();
    assertThat(twice.errorField()).isEqualTo("policies[1].name");
    var badName = h.put("/v1/plans/Not%20a%20name", "{\"policies\":[]}").send();
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.errorField()).isEqualTo("name");
    assertThat(h.put("/v1/plans/pro", "{}").send().errorField()).isEqualTo("policies");
  }

  @Test
  void theStoredPlanWinsOverTheConfigurationFileAtTheNextStart() throws Exception {
    assertThat(h.put("/v1/plans/free", "{\"policies\":[{\"name\":\"minute\",\"limit\":7,\"window\":\"1m\",\"by\":[\"key\"]}]}")
        .send().status()).isEqualTo(200);
    h.close();
    h = new ServerHarness(dir, ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE));
    assertThat(h.get("/v1/plans/free").send().data().at("/policies/0/limit").asInt()).isEqualTo(7);
    h.put("/v1/plans/free", "{\"policies\":[{\"name\":\"minute\",\"limit\":100,\"window\":\"1m\",\"by\":[\"key\"]}]}")
        .send();
  }
}
