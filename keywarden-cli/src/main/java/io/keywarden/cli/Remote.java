package io.keywarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.client.Connection;
import io.keywarden.cli.client.KeywardenClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command that talks to a running server shares: where it is, which operator
 * key to present (see {@link Connection} for the order of flags, profile and environment) and
 * whether to print tables for people or the API's JSON for scripts.
 */
final class Remote {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL",
      description = "API address (default: the profile's url, $KEYWARDEN_URL, or " + Connection.DEFAULT_URL + ").")
  String url;

  @Option(names = "--token", paramLabel = "KEY",
      description = "Operator key (default: the profile's token or $KEYWARDEN_TOKEN). Prefer the variable or a"
          + " profile: a flag shows in the process list.")
  String token;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "A named server of the profile file: $KEYWARDEN_CLI_CONFIG or ~/.config/keywarden/config.yaml.")
  String profile;

  @Option(names = "--json", description = "Print the API's JSON answer unchanged instead of a table.")
  boolean json;

  private KeywardenClient client;

  /** The client for this connection; reports the connection's warnings on stderr once. */
  KeywardenClient client() {
    if (client == null) {
      Connection c = Connection.resolve(new Connection.Flags(url, token, profile), System.getenv(), home());
      c.warnings().forEach(w -> err().println("keywarden: warning: " + w));
      err().flush();
      client = new KeywardenClient(c, Main.version());
    }
    return client;
  }

  /** The home directory as the shell sees it ({@code $HOME}), else the JVM's. */
  static Path home() {
    String h = System.getenv("HOME");
    return Path.of(h == null || h.isBlank() ? System.getProperty("user.home") : h);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a single object's answer: its JSON as received, or the rows of {@code view}. */
  int show(KeywardenClient.Answer answer) {
    if (json) {
      out().println(answer.body());
    } else {
      Views.printObject(out(), answer.data());
    }
    out().flush();
    return 0;
  }

  /** Prints a line for people; nothing with {@code --json}, where {@code answer} is printed instead. */
  int done(KeywardenClient.Answer answer, String message) {
    if (json) {
      out().println(answer.body());
    } else {
      out().println(message);
    }
    out().flush();
    return 0;
  }

  /**
   * Prints a created or rotated key: its fields and, apart, the secret that the API shows this
   * once; with {@code quiet}, only the id and the secret; with {@code --json}, the answer.
   */
  int printSecret(KeywardenClient.Answer a, boolean quiet, String verb) {
    JsonNode key = a.data();
    if (json) {
      out().println(a.body());
    } else if (quiet) {
      out().println(text(key, "id") + " " + key.path("secret").asText());
    } else {
      out().println(verb + " " + text(key, "id") + ":");
      Views.printObject(out(), key);
      out().println();
      out().println("Secret, shown this once (store it now; Keywarden keeps only a hash):");
      out().println(key.path("secret").asText());
    }
    out().flush();
    return 0;
  }

  static String text(JsonNode node, String field) {
    return Views.text(node.path(field));
  }
}
