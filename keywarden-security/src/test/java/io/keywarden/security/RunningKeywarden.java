package io.keywarden.security;

import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Keywarden (API and gateway listeners on ephemeral ports, SQLite in a temporary
 * directory, one event loop) started from YAML text exactly as {@code keywarden serve} reads it,
 * with a clock the tests move.
 */
public final class RunningKeywarden implements AutoCloseable {
  public final MutableClock clock;
  public final KeywardenServer server;
  public final String adminKey;

  /**
   * @param dir a fresh directory for the data and the admin key file
   * @param yaml the configuration file's text without the {@code server}, {@code data_dir} and
   *     {@code admin_key_file} settings (they are added here)
   */
  public RunningKeywarden(Path dir, String yaml, MutableClock clock) throws IOException {
    this.clock = clock;
    Path file = dir.resolve("keywarden.yaml");
    Path keyFile = dir.resolve("admin.key");
    Files.writeString(file, """
        server: {bind: 127.0.0.1, api_port: 0, gateway_port: 0, event_loops: 1, shutdown_grace_seconds: 1}
        data_dir: "%s"
        admin_key_file: "%s"
        """.formatted(dir.resolve("data"), keyFile) + yaml);
    KeywardenConfig cfg = ConfigLoader.load(file, Map.of(), ConfigLoader.Flags.NONE);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    this.server = KeywardenServer.start(cfg, clock, quiet);
    this.adminKey = Files.readString(keyFile).trim();
  }

  public int apiPort() {
    return server.apiPort();
  }

  public int gatewayPort() {
    return server.gatewayPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
