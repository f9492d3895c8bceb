package io.keywarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.client.KeywardenClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keywarden verify KEY}: asks {@code POST /v1/keys/verify} for one decision. Exit code 0
 * when the key is valid for the request described, 1 when it is not; the reason code is printed.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Ask Keywarden whether an access key may make a request (the verify API).",
        "Exit code 0 if it may, 1 if not (the reason is printed). Give - as KEY to read it from stdin,",
        "which keeps it out of the shell history and the process list."})
final class VerifyCommand implements Callable<Integer> {
  @Mixin Remote remote;

  @Parameters(paramLabel = "KEY", description = "The access key, or - to read it from stdin.")
  String key;

  @Option(names = "--project", paramLabel = "PROJ_ID", description = "The project the request acts on.")
  String project;

  @Option(names = "--scopes", split = ",", paramLabel = "SCOPE", description = "Scopes the request needs, all of them.")
  List<String> scopes;

  @Option(names = "--any-scopes", split = ",", paramLabel = "SCOPE", description = "Scopes of which one suffices.")
  List<String> anyScopes;

  @Option(names = "--project-selection", paramLabel = "MODE", description = "none, optional (default), required or default_fallback.")
  String projectSelection;

  @Option(names = "--ip", paramLabel = "ADDRESS", description = "The client's address, checked against allowed IPs.")
  String ip;

  @Option(names = "--origin", paramLabel = "ORIGIN", description = "The request's Origin, for publishable keys.")
  String origin;

  @Option(names = "--route-group", paramLabel = "GROUP", description = "Whose rate limits apply (default: default).")
  String routeGroup;

  @Override
  public Integer call() throws IOException {
    Bodies b = new Bodies(remote.spec);
    String presented = key.equals("-") ? readStdin() : key;
    if (presented == null || presented.isBlank()) {
      throw b.usage("no key on stdin");
    }
    b.put("key", presented.strip()).put("project_id", project).put("project_selection", projectSelection)
        .list("scopes", scopes).list("any_scopes", anyScopes).put("ip", ip).put("origin", origin)
        .put("route_group", routeGroup);
    KeywardenClient.Answer a = remote.client().send("POST", "/v1/keys/verify", b.json());
    JsonNode d = a.data();
    boolean valid = d.path("valid").asBoolean(false);
    if (remote.json) {
      remote.out().println(a.body());
    } else {
      JsonNode k = d.path("key");
      StringBuilder line = new StringBuilder(valid ? "valid" : "invalid: " + Views.text(d.path("code")));
      if (k.isObject()) {
        line.append("  key ").append(Views.text(k.path("id"))).append(" (").append(Views.text(k.path("name")))
            .append(", ").append(Views.text(k.path("workspace_id"))).append(')');
      }
      if (valid) {
        if (d.hasNonNull("project_id")) {
          line.append("  project ").append(Views.text(d.path("project_id")));
        }
        line.append("  scopes ").append(Views.text(d.path("scopes")));
      }
      remote.out().println(line);
    }
    remote.out().flush();
    return valid ? 0 : 1;
  }

  private static String readStdin() throws IOException {
    return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}
