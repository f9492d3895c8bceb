package io.keywarden.cli;

import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code keywarden serve}: runs a node until SIGTERM or SIGINT, then drains in-flight requests,
 * flushes {@code last_used_at} and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run Keywarden: the management and verification API (SQLite in the data directory by default).")
final class Serve implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ServerFlags flags;

  @Option(names = "--data-dir", description = "Data directory (default: ./data).")
  Path dataDir;

  @Option(names = "--config", description = "YAML configuration file.")
  Path config;

  @Option(names = "--admin-key-file", description = "Write the first admin key to this file (mode 0600) instead of printing it.")
  Path adminKeyFile;

  @Override
  public Integer call() {
    KeywardenConfig cfg;
    try {
      Path configFile = config != null ? config
          : System.getenv("KEYWARDEN_CONFIG") == null ? null : Path.of(System.getenv("KEYWARDEN_CONFIG"));
      cfg = ConfigLoader.load(configFile, System.getenv(),
          new ConfigLoader.Flags(flags.bind, flags.apiPort, flags.gatewayPort, dataDir, adminKeyFile));
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("keywarden: configuration error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    KeywardenServer server;
    try {
      server = KeywardenServer.start(cfg, System.out);
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("keywarden: cannot start: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    if (flags.exitWhenReady) {
      server.close();
      return 0;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Signal.handle(new Signal("HUP"), s -> server.reloadGateway());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    return 0;
  }
}
