package io.keywarden.cli;

import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.store.service.Keywarden;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code keywarden} command. With no subcommand it prints the version and a freshly generated
 * example key, so a new user sees the key format at once.
 */
@Command(
    name = "keywarden",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keywarden: API keys, scopes, tenancy, rate limits and audit for HTTP APIs.",
    subcommands = {Serve.class, DemoCommand.class, Main.Init.class, Main.RotateSecret.class, Main.Keygen.class, AdminCommand.class})
public final class Main implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String... args) {
    return ManagementCommands.register(new CommandLine(new Main())).execute(args);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Keywarden " + version());
    AccessModel model = AccessModel.defaults();
    String prefix = model.prefix(KeyType.SECRET, model.defaultEnvironment());
    String key = KeyFormat.generate(prefix);
    out.println("Example key (not stored anywhere): " + key);
    out.println("  prefix " + KeyFormat.prefixOf(key) + ", display form " + KeyFormat.displayForm(key)
        + ", checksum " + (KeyFormat.check(key) == KeyFormat.OK ? "valid" : "INVALID"));
    out.println();
    out.println("Run the server with: keywarden serve [--data-dir DIR] [--api-port N]; see keywarden --help");
    out.flush();
    return 0;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  /** Supplies {@code --version}. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Keywarden " + version()};
    }
  }

  /** Creates a data directory: deployment secret (mode 0600) and the SQLite schema. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the data directory: deployment secret and database schema.")
  static final class Init implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
      try (Keywarden kw = Keywarden.builder().dataDir(dataDir).lastUsedFlushInterval(java.time.Duration.ZERO).open()) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Data directory " + dataDir.toAbsolutePath() + " is ready ("
            + kw.store().dialect() + ", secret version " + kw.hasher().currentVersion() + ").");
        out.flush();
      }
      return 0;
    }
  }

  /**
   * Adds a new version to the deployment secret in {@code secret.key}. Keys made from now on are
   * hashed with it; keys made before keep verifying with the version that made them. Restart
   * running nodes to pick it up.
   */
  @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
      description = "Add a new deployment secret version; existing keys keep working. Restart nodes afterwards.")
  static final class RotateSecret implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws java.io.IOException {
      if (!java.nio.file.Files.exists(dataDir.resolve(io.keywarden.store.service.DeploymentSecrets.FILE_NAME))) {
        spec.commandLine().getErr().println("keywarden: no deployment secret in " + dataDir.toAbsolutePath()
            + "; start Keywarden there first (keywarden serve or keywarden init)");
        return 2;
      }
      var ring = io.keywarden.store.service.DeploymentSecrets.rotate(dataDir);
      spec.commandLine().getOut().println("Deployment secret rotated: new keys are hashed with version "
          + ring.currentVersion() + "; keys of versions " + ring.versions() + " keep verifying. Restart running nodes.");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** Prints a new key of the given prefix; it is not stored. */
  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Print a new key in Keywarden's format (it is not stored).")
  static final class Keygen implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--prefix", defaultValue = "kw_sk_live", description = "Key prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() {
      if (!KeyFormat.isValidPrefix(prefix)) {
        spec.commandLine().getErr().println(
            "--prefix must be lower-case segments [a-z][a-z0-9]* joined by '_', at most "
                + KeyFormat.MAX_PREFIX_LENGTH + " characters");
        return 2;
      }
      spec.commandLine().getOut().println(KeyFormat.generate(prefix));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
