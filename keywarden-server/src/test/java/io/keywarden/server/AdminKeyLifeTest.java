package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.OperatorKeyFilter;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import io.keywarden.testkit.LogCapture;
import io.keywarden.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin key's life on one machine: issued only once the listeners are bound, a later start
 * that is asked for a key file says where to get a new one, and {@code keywarden admin reset-key}
 * (a separate store instance on the same SQLite file) takes effect on a running node.
 */
class AdminKeyLifeTest {
  private static final Pattern OPERATOR_KEY = Pattern.compile("kw_op_[A-Za-z0-9]+");

  @TempDir Path dir;
  final MutableClock clock = MutableClock.atFixedStart();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private KeywardenConfig config(int apiPort) {
    return KeywardenConfig.defaults()
        .withServer(new ServerSettings("127.0.0.1", apiPort, 0, ServerSettings.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(1), 1))
        .withDataDir(dir.resolve("data"));
  }

  private int status(int port, String key, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aStartOnABusyPortIssuesNoKeyAndTheNextGoodStartShowsAUsableOne() throws Exception {
    ByteArrayOutputStream firstTerminal = new ByteArrayOutputStream();
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> KeywardenServer.start(config(busy.getLocalPort()), clock,
          new PrintStream(firstTerminal, true, StandardCharsets.UTF_8)))
          .hasMessageContaining("listen on 127.0.0.1:" + busy.getLocalPort());
    }
    assertThat(firstTerminal.toString(StandardCharsets.UTF_8)).doesNotContain("kw_op_");
    try (Keywarden kw = KeywardenServer.store(config(0), clock).open()) {
      assertThat(kw.store().adminKeyIssued()).as("the failed start stored no key").isFalse();
    }

    ByteArrayOutputStream secondTerminal = new ByteArrayOutputStream();
    try (KeywardenServer server = KeywardenServer.start(config(0), clock,
        new PrintStream(secondTerminal, true, StandardCharsets.UTF_8))) {
      Matcher m = OPERATOR_KEY.matcher(secondTerminal.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).as("the good start shows the admin key").isTrue();
      assertThat(status(server.apiPort(), m.group(), "/v1/workspaces")).isEqualTo(200);
    }
  }

  @Test
  void anAdminKeyFileOnADeploymentWhoseKeyWasShownIsAnsweredWithOneLogLineNamingResetKey() throws Exception {
    Path keyFile = dir.resolve("admin.key");
    try (KeywardenServer first = KeywardenServer.start(config(0).withAdminKeyFile(keyFile), clock,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      assertThat(Files.readString(keyFile)).startsWith("kw_op_");
    }
    Files.delete(keyFile);
    try (LogCapture logs = LogCapture.start();
        KeywardenServer second = KeywardenServer.start(config(0).withAdminKeyFile(keyFile), clock,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      assertThat(keyFile).doesNotExist();
      var lines = logs.text().lines().filter(l -> l.contains(keyFile.toAbsolutePath().toString())).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("already issued", "keywarden admin reset-key --data-dir "
          + dir.resolve("data").toAbsolutePath(), "--admin-key-file " + keyFile.toAbsolutePath());
    }
  }

  @Test
  void resetKeyFromAnotherStoreInstanceTakesEffectOnTheRunningServerAtOnce() throws Exception {
    try (ServerHarness h = new ServerHarness(Files.createDirectories(dir.resolve("node")))) {
      String old = h.adminKey;
      int port = h.server.apiPort();
      // The bootstrap key is rotated once (its successor counts as a bootstrap key too), and an
      // admin key made through the API is not the reset's business.
      var rotated = h.call("POST", "/v1/operator-keys/" + bootstrapId(h) + "/rotate").auth(old).send();
      assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
      String successor = rotated.data().get("secret").asText();
      var other = h.post("/v1/operator-keys", "{\"name\":\"ci admin\",\"scopes\":[\"admin\"]}").auth(successor).send();
      String otherAdmin = other.data().get("secret").asText();
      assertThat(status(port, successor, "/v1/workspaces")).isEqualTo(200); // cached now
      assertThat(verifyStatus(port, successor)).isEqualTo(200);

      ByteArrayOutputStream terminal = new ByteArrayOutputStream();
      KeywardenConfig sameStore = KeywardenConfig.defaults().withDataDir(h.dataDir);
      var reset = AdminKeyReset.reset(sameStore, h.clock, new PrintStream(terminal, true, StandardCharsets.UTF_8));
      String fresh = reset.issued().secret();
      assertThat(terminal.toString(StandardCharsets.UTF_8)).contains(fresh);

      assertThat(status(port, successor, "/v1/workspaces")).as("the old key, on the next request").isEqualTo(401);
      assertThat(status(port, fresh, "/v1/workspaces")).isEqualTo(200);
      assertThat(status(port, otherAdmin, "/v1/workspaces")).isEqualTo(200);
      // The verification API answers from the cache on the event loop: the node's watch drops the
      // old key within a second (a bounded wait for that event, not a sleep).
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (verifyStatus(port, successor) != 401 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      assertThat(verifyStatus(port, successor)).isEqualTo(401);

      var events = h.server.keywarden().store().auditEvents(AuditFilter.ALL, PageRequest.first(50)).items();
      assertThat(events).anySatisfy(e -> {
        assertThat(e.action()).isEqualTo("admin_key.reset");
        assertThat(e.actor()).isEqualTo("system:reset-key");
        assertThat(e.targetId()).isEqualTo(reset.issued().key().id());
      });
      assertThat(events.toString()).doesNotContain(fresh);
    }
  }

  private int verifyStatus(int port, String operatorKey) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/keys/verify"))
        .header("Authorization", "Bearer " + operatorKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"kw_sk_live_x\"}")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String bootstrapId(ServerHarness h) {
    return h.server.keywarden().store().operatorKeys(OperatorKeyFilter.ALL, PageRequest.first(10)).items().stream()
        .filter(k -> k.name().equals("bootstrap admin")).findFirst().orElseThrow().id();
  }
}
