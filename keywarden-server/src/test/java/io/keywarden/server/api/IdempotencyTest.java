package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.PageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Idempotency-Key} on creations over real HTTP: a retrying client never makes two objects. */
class IdempotencyTest {
  @TempDir static Path dir;
  static ServerHarness h;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static String idem() {
    return "idem-" + UUID.randomUUID();
  }

  static long workspacesNamed(String name) {
    return h.server.keywarden().store().workspaces(new PageRequest(100, null, null)).items().stream()
        .filter(w -> w.name().equals(name)).count();
  }

  @Test
  void aRepeatGetsTheFirstAnswerAndMakesNothingNew() {
    String key = idem();
    String name = "Once " + key;
    var first = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").header("Idempotency-Key", key).send();
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();

    var again = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").header("Idempotency-Key", key).send();
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json).isEqualTo(first.json);
    assertThat(workspacesNamed(name)).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs409() {
    String key = idem();
    h.post("/v1/workspaces", "{\"name\":\"A " + key + "\"}").header("Idempotency-Key", key).send();
    var other = h.post("/v1/workspaces", "{\"name\":\"B " + key + "\"}").header("Idempotency-Key", key).send();
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.errorCode()).isEqualTo("idempotency_key_reused");
    assertThat(other.errorField()).isEqualTo("Idempotency-Key");
    assertThat(workspacesNamed("B " + key)).isZero();
  }

  @Test
  void aRepeatedKeyCreationNamesTheKeyButNeverShowsOrStoresItsSecret() throws Exception {
    String ws = h.post("/v1/workspaces", "{\"name\":\"Keys\"}").send().data().get("id").asText();
    String project = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"P\"}").send().data().get("id").asText();
    String body = "{\"workspace_id\":\"" + ws + "\",\"kind\":\"project\",\"project_id\":\"" + project
        + "\",\"name\":\"deploy\"}";
    String key = idem();
    var first = h.post("/v1/keys", body).header("Idempotency-Key", key).send();
    assertThat(first.status()).isEqualTo(201);
    String secret = first.data().get("secret").asText();
    String id = first.data().get("id").asText();

    var again = h.post("/v1/keys", body).header("Idempotency-Key", key).send();
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("idempotency_replayed_secret");
    assertThat(again.json.at("/error/message").asText()).contains(id).contains("rotate");
    assertThat(again.raw.body()).doesNotContain(secret);
    assertThat(h.get("/v1/keys?workspace_id=" + ws).send().data()).hasSize(1);
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + h.dataDir.resolve("keywarden.db"));
        var rs = c.createStatement().executeQuery("SELECT body FROM idempotency_keys")) {
      while (rs.next()) {
        assertThat(rs.getString(1)).doesNotContain(secret);
      }
    }

    String rotateKey = idem();
    var rotated = h.post("/v1/keys/" + id + "/rotate", "{}").header("Idempotency-Key", rotateKey).send();
    assertThat(rotated.status()).isEqualTo(201);
    var rotatedAgain = h.post("/v1/keys/" + id + "/rotate", "{}").header("Idempotency-Key", rotateKey).send();
    assertThat(rotatedAgain.errorCode()).isEqualTo("idempotency_replayed_secret");
    assertThat(rotatedAgain.json.at("/error/message").asText()).contains(rotated.data().get("id").asText());
  }

  @Test
  void concurrentDuplicatesMakeOneObject() throws Exception {
    String key = idem();
    String name = "Racing " + key;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ServerHarness.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        replies.add(pool.submit(() -> h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}")
            .header("Idempotency-Key", key).send()));
      }
      for (Future<ServerHarness.Reply> f : replies) {
        var r = f.get();
        assertThat(r.status()).as(r.toString()).isIn(201, 409);
        if (r.status() == 409) {
          assertThat(r.errorCode()).isEqualTo("idempotency_in_progress");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(workspacesNamed(name)).isEqualTo(1);
  }

  @Test
  void keysAreKeptPerOperatorKeyFor24HoursAndAFailedFirstRequestCanBeRetried() {
    String key = idem();
    var failed = h.post("/v1/workspaces", "{\"name\":\"\"}").header("Idempotency-Key", key).send();
    assertThat(failed.status()).isEqualTo(400);
    var fixed = h.post("/v1/workspaces", "{\"name\":\"\"}").header("Idempotency-Key", key).send();
    assertThat(fixed.status()).as("a failure is not kept: the same request runs again").isEqualTo(400);

    String reused = idem();
    String name = "Day " + reused;
    assertThat(h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").header("Idempotency-Key", reused).send()
        .status()).isEqualTo(201);
    String other = h.server.keywarden().keys().createOperatorKey("other", List.of("tenants:write"), null,
        Actor.SYSTEM).secret();
    var byOther = h.call("POST", "/v1/workspaces").auth(other).json("{\"name\":\"" + name + "\"}")
        .header("Idempotency-Key", reused).send();
    assertThat(byOther.status()).isEqualTo(201);
    assertThat(byOther.header("Idempotent-Replayed")).as("another operator key's namespace").isNull();

    h.clock.advance(Duration.ofHours(25));
    var later = h.post("/v1/workspaces", "{\"name\":\"" + name + "\"}").header("Idempotency-Key", reused).send();
    assertThat(later.status()).isEqualTo(201);
    assertThat(later.header("Idempotent-Replayed")).as("expired after 24 h").isNull();
    assertThat(workspacesNamed(name)).isEqualTo(3);

    var bad = h.post("/v1/workspaces", "{\"name\":\"x\"}").header("Idempotency-Key", "has space").send();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorField()).isEqualTo("Idempotency-Key");
  }
}
