package io.keywarden.demo;

import io.keywarden.demo.upstream.DemoUpstream;
import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A running demo of one reference system: its demo upstream, a Keywarden node with the system's
 * profile on the embedded default store (SQLite in the data directory), and the tenants and keys
 * the demo created through the management API.
 */
public final class Demo implements AutoCloseable {
  /** The flags {@code keywarden demo} shares with {@code serve}; {@code null} means not given. */
  public record Options(Path dataDir, Integer apiPort, Integer gatewayPort, String bind, Path adminKeyFile) {}

  private final DemoSystem system;
  private final DemoUpstream upstream;
  private final KeywardenServer server;
  private final World world;
  private final String host;
  private final Path configFile;
  private final Path adminKeyFile;

  private Demo(DemoSystem system, DemoUpstream upstream, KeywardenServer server, World world, String host,
      Path configFile, Path adminKeyFile) {
    this.system = system;
    this.upstream = upstream;
    this.server = server;
    this.world = world;
    this.host = host;
    this.configFile = configFile;
    this.adminKeyFile = adminKeyFile;
  }

  /**
   * Starts the demo of {@code system}: upstream, Keywarden, then the set-up through the API.
   *
   * @throws io.keywarden.server.config.ConfigException when the profile or a flag is wrong
   */
  public static Demo start(DemoSystem system, Options o, Clock clock, PrintStream terminal) {
    Path dataDir = o.dataDir() != null ? o.dataDir() : Path.of("demo-data", system.id());
    Path adminKeyFile = o.adminKeyFile() != null ? o.adminKeyFile() : dataDir.resolve("admin.key");
    DemoUpstream upstream = DemoUpstream.start(system, "127.0.0.1");
    KeywardenServer server = null;
    try {
      Path configFile = dataDir.resolve(system.id() + ".yaml");
      KeywardenConfig cfg = Profile.load(system, "http://127.0.0.1:" + upstream.port(), configFile,
          new ConfigLoader.Flags(o.bind(), o.apiPort(), o.gatewayPort(), dataDir, adminKeyFile));
      server = KeywardenServer.start(cfg, clock, terminal);
      if (!Files.exists(adminKeyFile)) {
        throw new IllegalStateException("the data directory " + dataDir + " already has an admin key and "
            + adminKeyFile + " does not hold it; pass --admin-key-file with the file it was written to, or use a fresh --data-dir");
      }
      String operatorKey = Files.readString(adminKeyFile).trim();
      String bind = cfg.server().bind();
      String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind.contains(":") ? "[" + bind + "]" : bind;
      Management api = new Management("http://" + host + ":" + server.apiPort(), operatorKey);
      String tag = Long.toString(System.nanoTime() & 0xfffffL, 36);
      World world = SystemDemo.of(system).setUp(api, upstream.data(), tag);
      return new Demo(system, upstream, server, world, host, configFile, adminKeyFile);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      upstream.close();
      if (e instanceof IOException io) {
        throw new IllegalStateException(io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  public DemoSystem system() {
    return system;
  }

  public KeywardenServer server() {
    return server;
  }

  public DemoUpstream upstream() {
    return upstream;
  }

  public World world() {
    return world;
  }

  /** The gateway's address, {@code http://host:port} (the system's base path follows). */
  public String gatewayUrl() {
    return "http://" + host + ":" + server.gatewayPort();
  }

  /** The management API's address. */
  public String apiUrl() {
    return "http://" + host + ":" + server.apiPort();
  }

  /** The commands to paste. */
  public List<Step> walkthrough() {
    return SystemDemo.of(system).walkthrough(world, gatewayUrl());
  }

  /** Prints what was made and the commands to paste. */
  public void print(PrintWriter out) {
    out.println();
    out.println("Keywarden demo: " + system.id() + " (" + system.summary() + ")");
    out.println("  gateway     " + gatewayUrl() + system.basePath() + "/   -> demo upstream http://127.0.0.1:" + upstream.port());
    out.println("  API         " + apiUrl() + "/v1/");
    out.println("  config      " + configFile.toAbsolutePath());
    out.println("  admin key   " + adminKeyFile.toAbsolutePath() + "  (operator key for the API)");
    for (Map.Entry<String, String> e : world.ids().entrySet()) {
      out.println("  " + pad(e.getKey()) + e.getValue());
    }
    for (Map.Entry<String, Management.Key> e : world.keys().entrySet()) {
      out.println("  key " + pad(e.getKey()) + e.getValue().secret() + "  (" + e.getValue().id() + ")");
    }
    out.println();
    out.println("Paste these (each '# expect' line gives the status the command gets):");
    out.println();
    for (Step s : walkthrough()) {
      out.println("# expect " + s.expectedStatus() + ": " + s.title());
      out.println(s.curl());
      out.println();
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
  }

  private static String pad(String s) {
    return String.format("%-18s", s);
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      upstream.close();
    }
  }
}
