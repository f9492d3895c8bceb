package io.keywarden.cli;

import io.keywarden.cli.client.ApiException;
import io.keywarden.cli.client.ConnectionException;
import io.keywarden.cli.client.SettingsException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The commands that manage a running server ({@code keys}, {@code workspaces}, {@code projects},
 * {@code users}, {@code members}, {@code operator-keys}, {@code audit}, {@code verify}), plus
 * {@code completion} and {@code help}, and the exit codes of their failures:
 *
 * <ul>
 *   <li>{@value #REFUSED}: the API refused the call (any 4xx answer: not found, forbidden, invalid
 *       request, conflict, rate limited …) or {@code verify} found the key invalid;
 *   <li>{@value #USAGE}: a usage error (picocli's), or unusable connection settings;
 *   <li>{@value #UNREACHABLE}: no answer from the server (connection refused, timeout, not Keywarden);
 *   <li>{@value #SERVER_ERROR}: the server failed (a 5xx answer).
 * </ul>
 */
final class ManagementCommands {
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;
  static final int SERVER_ERROR = 4;

  private ManagementCommands() {}

  /** Adds the management commands and their failure handling to the root command line. */
  static CommandLine register(CommandLine root) {
    root.addSubcommand(new KeysCommand())
        .addSubcommand(new TenantCommands.Workspaces())
        .addSubcommand(new TenantCommands.Projects())
        .addSubcommand(new TenantCommands.Users())
        .addSubcommand(new TenantCommands.Members())
        .addSubcommand(new OperatorKeysCommand())
        .addSubcommand(new AuditCommand())
        .addSubcommand(new VerifyCommand())
        .addSubcommand(new CompletionCommand())
        .addSubcommand(new HelpCommand());
    root.setExecutionExceptionHandler(ManagementCommands::failed);
    return root;
  }

  private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
    PrintWriter err = cl.getErr();
    int code;
    if (e instanceof ApiException a) {
      StringBuilder m = new StringBuilder("keywarden: ").append(a.code()).append(": ").append(a.getMessage());
      if (a.field() != null) {
        m.append(" (field: ").append(a.field()).append(')');
      }
      if (a.reason() != null) {
        m.append(" (reason: ").append(a.reason()).append(')');
      }
      err.println(m);
      code = a.status() >= 500 ? SERVER_ERROR : REFUSED;
    } else if (e instanceof ConnectionException c) {
      err.println("keywarden: " + c.getMessage());
      code = UNREACHABLE;
    } else if (e instanceof SettingsException s) {
      err.println("keywarden: " + s.getMessage());
      code = USAGE;
    } else {
      throw e;
    }
    err.flush();
    return code;
  }
}
