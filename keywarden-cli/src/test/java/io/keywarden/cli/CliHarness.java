package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Keywarden server (SQLite in a temporary directory, API on an ephemeral port, admin key
 * written to a file) and the real {@code keywarden} command run against it as a child JVM
 * ({@code io.keywarden.cli.Main} on this test's class path, as the other CLI tests do), with its
 * exit code, stdout and stderr.
 */
final class CliHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

  final Path dir;
  final KeywardenServer server;
  final String url;
  final String adminKey;
  private final List<Process> started = new ArrayList<>();
  private final AtomicInteger runs = new AtomicInteger();

  private CliHarness(Path dir, KeywardenServer server, String adminKey) {
    this.dir = dir;
    this.server = server;
    this.url = "http://127.0.0.1:" + server.apiPort();
    this.adminKey = adminKey;
  }

  /** Starts a server on an empty data directory under {@code dir}. */
  static CliHarness start(Path dir) throws IOException {
    Path keyFile = dir.resolve("admin.key");
    ServerSettings d = ServerSettings.defaults();
    KeywardenConfig config = KeywardenConfig.defaults()
        .withServer(new ServerSettings("127.0.0.1", 0, 0, d.maxBodyBytes(), Duration.ofSeconds(2), 1))
        .withDataDir(dir.resolve("data"))
        .withAdminKeyFile(keyFile);
    KeywardenServer server = KeywardenServer.start(config,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return new CliHarness(dir, server, Files.readString(keyFile).strip());
  }

  /** What a finished command did. */
  record Result(int exit, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** The java command line that runs {@code keywarden}. */
  static List<String> javaCommand(String... jvmOptions) {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
        "-Xshare:auto"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    return cmd;
  }

  /** The environment of a command: the harness's server and admin key, and no other KEYWARDEN_ setting. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KEYWARDEN_URL", url);
    env.put("KEYWARDEN_TOKEN", adminKey);
    env.put("KEYWARDEN_CLI_CONFIG", dir.resolve("no-profile-file.yaml").toString());
    return env;
  }

  /** Runs {@code keywarden args…} with the admin key and waits for it. */
  Result run(String... args) throws Exception {
    return run(env(), null, List.of(), args);
  }

  /**
   * Runs {@code keywarden args…}.
   *
   * @param env variables to set ({@code null} values unset them)
   * @param stdin text for standard input, or {@code null} for none
   */
  Result run(Map<String, String> env, String stdin, List<String> jvmOptions, String... args) throws Exception {
    List<String> cmd = javaCommand(jvmOptions.toArray(String[]::new));
    cmd.addAll(List.of(args));
    int n = runs.incrementAndGet();
    Path out = dir.resolve("run-" + n + ".out");
    Path err = dir.resolve("run-" + n + ".err");
    Process p = start(cmd, env, out, err);
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    assertThat(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("keywarden finished").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Starts a command with its output in files, without waiting; {@link #close()} kills it if it still runs. */
  Process start(List<String> cmd, Map<String, String> env, Path out, Path err) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWARDEN_"));
    pb.environment().put("HOME", dir.resolve("home").toString());
    pb.environment().remove("XDG_CONFIG_HOME");
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /**
   * A {@code keywarden} script in {@code bin} that runs this command the way the launcher runs
   * the built jar, so that text written for {@code ./keywarden} can be run as written.
   */
  Path launcherShim(Path bin) throws IOException {
    Files.createDirectories(bin);
    StringBuilder script = new StringBuilder("#!/usr/bin/env bash\nexec");
    for (String part : javaCommand()) {
      script.append(" '").append(part.replace("'", "'\\''")).append('\'');
    }
    script.append(" \"$@\"\n");
    Path shim = bin.resolve("keywarden");
    Files.writeString(shim, script);
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    return shim;
  }

  /** Creates a workspace, a user who is a member of it, and returns their ids. */
  String[] workspaceWithMember(String name) throws Exception {
    Result ws = run("workspaces", "create", "--name", name, "-q");
    assertThat(ws.exit()).as(ws.toString()).isZero();
    Result user = run("users", "create", "--email", name.toLowerCase().replace(' ', '-') + "@example.com",
        "--name", name + " user", "-q");
    assertThat(user.exit()).as(user.toString()).isZero();
    String w = ws.out().strip();
    String u = user.out().strip();
    Result m = run("members", "set", "--workspace", w, "--user", u, "--role", "member");
    assertThat(m.exit()).as(m.toString()).isZero();
    return new String[] {w, u};
  }

  @Override
  public void close() {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    server.close();
  }
}
