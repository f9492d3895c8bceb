package io.keywarden.cli;

import io.keywarden.server.AdminKeyReset;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keywarden admin …}: work on the deployment through its store, not its API. */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Work on a deployment through its store (no running server or API key needed).",
    subcommands = {AdminCommand.ResetKey.class})
final class AdminCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /**
   * {@code keywarden admin reset-key}: revokes the admin key that the first start (or an earlier
   * reset) issued and issues a new one. Whoever can open the store may do this; it works while
   * the server runs.
   */
  @Command(name = "reset-key", mixinStandardHelpOptions = true,
      description = {"Revoke the bootstrap admin key (and any issued by an earlier reset) and issue a new one, shown once.",
          "Uses the same store settings as serve: --data-dir for SQLite, or the database URL, credentials and",
          "deployment secret from --config / KEYWARDEN_* variables for PostgreSQL. Works while the server runs."})
  static final class ResetKey implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", description = "Data directory (default: ./data).")
    Path dataDir;

    @Option(names = "--config", description = "YAML configuration file (as given to serve).")
    Path config;

    @Option(names = "--admin-key-file", description = "Write the new admin key to this file (mode 0600) instead of printing it.")
    Path adminKeyFile;

    @Override
    public Integer call() {
      KeywardenConfig cfg;
      try {
        Path configFile = config != null ? config
            : System.getenv("KEYWARDEN_CONFIG") == null ? null : Path.of(System.getenv("KEYWARDEN_CONFIG"));
        cfg = ConfigLoader.load(configFile, System.getenv(),
            new ConfigLoader.Flags(null, null, null, dataDir, adminKeyFile));
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("keywarden: configuration error: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 2;
      }
      if (cfg.databaseUrl() == null && !java.nio.file.Files.isDirectory(cfg.dataDir())) {
        spec.commandLine().getErr().println("keywarden: no data directory at " + cfg.dataDir().toAbsolutePath()
            + "; give --data-dir (or --config with the database settings) of the deployment");
        spec.commandLine().getErr().flush();
        return 2;
      }
      try {
        AdminKeyReset.reset(cfg, Clock.systemUTC(), System.out);
        return 0;
      } catch (java.io.IOException | RuntimeException e) {
        spec.commandLine().getErr().println("keywarden: cannot reset the admin key: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }
}
