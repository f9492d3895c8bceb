package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keywarden serve} as a real child JVM ({@code io.keywarden.cli.Main} on this test's class
 * path): start on an empty data directory with an admin key file, readiness, the key file's mode,
 * SIGTERM and exit code 0, a second start that creates no new key, and start-up refused with exit
 * code 2 and a message naming the setting when the configuration is bad.
 */
class ServeProcessTest {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> started = new ArrayList<>();

  /** A child that a failed assertion left running is killed, never left behind. */
  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /** A running or finished {@code keywarden} child with its output in files. */
  record Child(Process process, Path stdout, Path stderr) {
    String out() throws IOException {
      return Files.readString(stdout);
    }

    String err() throws IOException {
      return Files.readString(stderr);
    }

    /** Sends SIGTERM (what {@link Process#destroy()} does on Linux) and waits for the exit code. */
    int terminate(Duration within) throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
          .as("the server exits within %s of SIGTERM", within).isTrue();
      return process.exitValue();
    }
  }

  private Child launch(String name, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWARDEN_"));
    Process p = pb.start();
    started.add(p);
    return new Child(p, out, err);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(int port, String path, String key) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code /healthz} until it answers 200; fails early if the process dies. */
  private void awaitReady(Child c, int port) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(c.process().isAlive()).as("server exited early: %s", c.err()).isTrue();
      try {
        if (get(port, "/healthz", null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      // Wait for the next poll on the process itself: if it exits meanwhile, the check above fails at once.
      c.process().waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("not ready within " + READY_TIMEOUT + ": " + c.err());
  }

  @Test
  void serveWritesTheAdminKeyFileOnceServesAndStopsCleanlyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    Path keyFile = dir.resolve("secrets").resolve("admin.key");
    int api = freePort();
    int gateway = freePort();
    String[] args = {"serve", "--data-dir", data.toString(), "--api-port", String.valueOf(api),
        "--gateway-port", String.valueOf(gateway), "--admin-key-file", keyFile.toString()};

    Child first = launch("first", args);
    awaitReady(first, api);
    assertThat(Files.getPosixFilePermissions(keyFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String key = Files.readString(keyFile).trim();
    assertThat(key).startsWith("kw_op_");
    assertThat(get(api, "/v1/workspaces", key).statusCode()).isEqualTo(200);
    assertThat(get(api, "/v1/workspaces", null).statusCode()).isEqualTo(401);
    assertThat(get(api, "/readyz", null).statusCode()).isEqualTo(200);
    assertThat(first.out()).as("the key is written to the file, never printed")
        .doesNotContain(key).contains(keyFile.toAbsolutePath().toString());
    assertThat(first.err()).doesNotContain(key)
        .contains("Keywarden ready").contains("http://127.0.0.1:" + api + "/v1");
    FileTime written = Files.getLastModifiedTime(keyFile);

    assertThat(first.terminate(Duration.ofSeconds(15))).as("exit code after SIGTERM").isZero();
    assertThat(first.err()).contains("Keywarden stopped").doesNotContain(key);

    Child second = launch("second", args);
    awaitReady(second, api);
    assertThat(Files.readString(keyFile).trim()).as("no new admin key").isEqualTo(key);
    assertThat(Files.getLastModifiedTime(keyFile)).isEqualTo(written);
    assertThat(get(api, "/v1/workspaces", key).statusCode()).as("the first key still works").isEqualTo(200);
    assertThat(second.out()).as("a later start prints nothing").isEmpty();
    assertThat(second.terminate(Duration.ofSeconds(15))).isZero();
    assertThat(second.err()).contains("Keywarden stopped");
  }

  @Test
  void serveWithoutAKeyFilePrintsTheAdminKeyOnceAndNeverAgain() throws Exception {
    Path data = dir.resolve("data");
    int api = freePort();
    int gateway = freePort();
    String[] args = {"serve", "--data-dir", data.toString(), "--api-port", String.valueOf(api),
        "--gateway-port", String.valueOf(gateway)};
    Child first = launch("printed", args);
    awaitReady(first, api);
    String out = first.out();
    String key = out.lines().map(String::trim).filter(l -> l.startsWith("kw_op_")).findFirst().orElseThrow(
        () -> new AssertionError("no admin key printed: " + out));
    assertThat(out).contains("=".repeat(40));
    assertThat(get(api, "/v1/workspaces", key).statusCode()).isEqualTo(200);
    assertThat(first.err()).as("the log never shows the key").doesNotContain(key);
    assertThat(first.terminate(Duration.ofSeconds(15))).isZero();

    Child second = launch("silent", args);
    awaitReady(second, api);
    assertThat(second.out()).isEmpty();
    assertThat(get(api, "/v1/workspaces", key).statusCode()).isEqualTo(200);
    assertThat(second.terminate(Duration.ofSeconds(15))).isZero();
  }

  @Test
  void adminResetKeyFromAnotherProcessReplacesTheAdminKeyOfTheRunningServer() throws Exception {
    Path data = dir.resolve("data");
    Path keyFile = dir.resolve("admin.key");
    int api = freePort();
    Child server = launch("running", "serve", "--data-dir", data.toString(), "--api-port", String.valueOf(api),
        "--gateway-port", String.valueOf(freePort()), "--admin-key-file", keyFile.toString());
    awaitReady(server, api);
    String old = Files.readString(keyFile).trim();
    assertThat(get(api, "/v1/workspaces", old).statusCode()).isEqualTo(200);

    Path newKeyFile = dir.resolve("new-admin.key");
    Child reset = launch("reset", "admin", "reset-key", "--data-dir", data.toString(),
        "--admin-key-file", newKeyFile.toString());
    assertThat(reset.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(reset.process().exitValue()).as(reset.err()).isZero();
    String fresh = Files.readString(newKeyFile).trim();
    assertThat(fresh).startsWith("kw_op_").isNotEqualTo(old);
    assertThat(Files.getPosixFilePermissions(newKeyFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(reset.out()).contains("Revoked key_").doesNotContain(fresh);
    assertThat(reset.err()).doesNotContain(fresh);

    var refused = get(api, "/v1/workspaces", old);
    assertThat(refused.statusCode()).as("the running server refuses the old key on its next request").isEqualTo(401);
    assertThat(refused.body()).contains("revoked");
    assertThat(get(api, "/v1/workspaces", fresh).statusCode()).isEqualTo(200);
    assertThat(server.terminate(Duration.ofSeconds(15))).isZero();
    assertThat(server.err()).doesNotContain(fresh).doesNotContain(old);
  }

  @Test
  void adminResetKeyWithoutADataDirectoryExits2SayingWhatToGive() throws Exception {
    Child c = launch("reset-nothing", "admin", "reset-key", "--data-dir", dir.resolve("nothing").toString());
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).isEqualTo(2);
    assertThat(c.err()).contains("no data directory").contains("--data-dir");
    assertThat(dir.resolve("nothing")).doesNotExist();
  }

  @Test
  void unknownSettingInTheConfigFileExits2NamingIt() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "server:\n  api_port: 9001\n  colour: red\n");
    Child c = launch("badconfig", "serve", "--config", bad.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).isEqualTo(2);
    assertThat(c.err()).contains("server.colour").contains("unknown setting");
    assertThat(dir.resolve("data")).as("nothing is created when start-up is refused").doesNotExist();
  }

  @Test
  void apiPortOutOfRangeExits2NamingTheFlag() throws Exception {
    Child c = launch("badport", "serve", "--api-port", "99999", "--data-dir", dir.resolve("data").toString());
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).isEqualTo(2);
    assertThat(c.err()).contains("--api-port").contains("99999");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void apiPortThatIsNotANumberExits2NamingTheFlag() throws Exception {
    Child c = launch("nanport", "serve", "--api-port", "eighty");
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).isEqualTo(2);
    assertThat(c.err()).contains("--api-port");
  }

  @Test
  void equalApiAndGatewayPortsExit2() throws Exception {
    Child c = launch("sameport", "serve", "--api-port", "9555", "--gateway-port", "9555",
        "--data-dir", dir.resolve("data").toString());
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).isEqualTo(2);
    assertThat(c.err()).contains("--gateway-port").contains("9555");
  }
}
