package io.keywarden.cli;

import static io.keywarden.cli.client.KeywardenClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.cli.client.KeywardenClient;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keywarden keys …}: the tenants' access keys through {@code /v1/keys}. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Create, list, show, change, revoke, rotate and export access keys.")
final class KeysCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Create a user key (--user) or a project key (--project).",
          "The secret is printed this once; Keywarden cannot show it again."})
  int create(@Mixin Remote remote,
      @Option(names = "--workspace", paramLabel = "WS_ID", description = "Workspace of the key.") String workspace,
      @Option(names = "--user", paramLabel = "USR_ID", description = "Owner of a user key (a member of the workspace).")
      String user,
      @Option(names = "--project", paramLabel = "PROJ_ID", description = "Project of a project key.") String project,
      @Option(names = "--kind", paramLabel = "KIND", description = "user or project (default: from --user or --project).")
      String kind,
      @Option(names = "--name", required = true, description = "A name for people.") String name,
      @Option(names = "--type", paramLabel = "TYPE", description = "secret (default) or publishable.") String type,
      @Option(names = "--environment", paramLabel = "ENV", description = "live (default), test, or another configured one.")
      String environment,
      @Option(names = "--scopes", split = ",", paramLabel = "SCOPE", description = "Scopes of a user key, e.g. read,write.")
      List<String> scopes,
      @Option(names = "--projects", split = ",", paramLabel = "PROJ_ID",
          description = "Project allow-list of a user key (default: every project its owner reaches).")
      List<String> projects,
      @Option(names = "--ttl-days", paramLabel = "DAYS", description = "Lifetime: 30, 60, 90 (default) or none.")
      String ttlDays,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "Expiry as RFC 3339, instead of --ttl-days.")
      String expiresAt,
      @Option(names = "--allowed-ips", split = ",", paramLabel = "CIDR", description = "Addresses the key may be used from.")
      List<String> allowedIps,
      @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN", description = "Origins of a publishable key.")
      List<String> allowedOrigins,
      @Option(names = "--metadata", paramLabel = "JSON", description = "A JSON object of your own, e.g. '{\"team\":\"infra\"}'.")
      String metadata,
      @Option(names = {"-q", "--quiet"}, description = "Print only the new key's id and secret, separated by a space.")
      boolean quiet) {
    String k = kind != null ? kind : user != null ? "user" : project != null ? "project" : null;
    Bodies b = new Bodies(remote.spec).put("workspace_id", workspace).put("kind", k).put("user_id", user)
        .put("project_id", project).put("name", name).put("type", type).put("environment", environment)
        .list("scopes", scopes).list("projects", projects).daysOrNone("ttl_days", "--ttl-days", ttlDays)
        .timeOrNone("expires_at", expiresAt).list("allowed_ips", allowedIps).list("allowed_origins", allowedOrigins)
        .object("metadata", "--metadata", metadata);
    return remote.printSecret(remote.client().send("POST", "/v1/keys", b.json()), quiet, "Created");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys, newest first.")
  int list(@Mixin Remote remote, @Mixin ListOptions page, @Mixin Filters filters) {
    return page.print(remote, "/v1/keys", filters.query(), Views.KEY);
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key (never its secret).")
  int show(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id) {
    return remote.show(remote.client().get(path("v1", "keys", id), Map.of()));
  }

  @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Change a key: only the options given change; lists are replaced.")
  int update(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id,
      @Option(names = "--name") String name,
      @Option(names = "--enable", description = "Enable the key.") boolean enable,
      @Option(names = "--disable", description = "Disable the key (refused until enabled again).") boolean disable,
      @Option(names = "--scopes", split = ",", paramLabel = "SCOPE") List<String> scopes,
      @Option(names = "--projects", split = ",", paramLabel = "PROJ_ID") List<String> projects,
      @Option(names = "--allowed-ips", split = ",", paramLabel = "CIDR") List<String> allowedIps,
      @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN") List<String> allowedOrigins,
      @Option(names = "--metadata", paramLabel = "JSON") String metadata,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "New expiry (RFC 3339), or none.")
      String expiresAt) {
    Bodies b = new Bodies(remote.spec);
    if (enable && disable) {
      throw b.usage("--enable and --disable exclude each other");
    }
    b.put("name", name).put("enabled", enable ? Boolean.TRUE : disable ? Boolean.FALSE : null).list("scopes", scopes)
        .list("projects", projects).list("allowed_ips", allowedIps).list("allowed_origins", allowedOrigins)
        .object("metadata", "--metadata", metadata).timeOrNone("expires_at", expiresAt);
    if (b.isEmpty()) {
      throw b.usage("nothing to change: give at least one option (see keywarden keys update --help)");
    }
    return remote.show(remote.client().send("PATCH", path("v1", "keys", id), b.json()));
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a key: refused from the next request on, on every node.")
  int revoke(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id) {
    KeywardenClient.Answer a = remote.client().send("DELETE", path("v1", "keys", id), null);
    return remote.done(a, "Revoked " + Remote.text(a.data(), "id") + " (" + Remote.text(a.data(), "name") + ").");
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Issue a successor with the same rights; the old key works until the grace period ends.",
          "The new secret is printed this once."})
  int rotate(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id,
      @Option(names = "--grace-seconds", paramLabel = "SECONDS", description = "How long the old key keeps working (default 0).")
      Integer graceSeconds,
      @Option(names = {"-q", "--quiet"}, description = "Print only the new key's id and secret, separated by a space.")
      boolean quiet) {
    ObjectNode body = new Bodies(remote.spec).put("grace_seconds", graceSeconds).json();
    return remote.printSecret(remote.client().send("POST", path("v1", "keys", id, "rotate"), body), quiet, "Rotated");
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Write every key's metadata (never a secret) as JSON lines, one key per line, newest first.",
          "On a terminal a progress line is shown on stderr."})
  int export(@Mixin Remote remote, @Mixin Filters filters,
      @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.") Path output,
      @Option(names = "--no-progress", description = "Never show the progress line.") boolean noProgress)
      throws IOException {
    KeywardenClient client = remote.client();
    Progress progress = Progress.on(remote.err(), !noProgress && Terminal.stderrIsTerminal(), "keys");
    long[] count = new long[1];
    Writer w = output == null ? remote.out()
        : new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8));
    try {
      client.pages("/v1/keys", filters.query(), KeywardenClient.MAX_PAGE, page -> {
        for (JsonNode key : page.data()) {
          if (key instanceof ObjectNode o) {
            o.remove("secret");
          }
          try {
            w.write(key.toString());
            w.write('\n');
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          count[0]++;
        }
        progress.update(count[0]);
        return true;
      });
    } finally {
      if (output == null) {
        w.flush();
      } else {
        w.close();
      }
    }
    progress.done(count[0], output == null ? null : output.toString());
    return 0;
  }

  /** The filters of {@code GET /v1/keys}. */
  static final class Filters {
    @Option(names = "--workspace", paramLabel = "WS_ID", description = "Only this workspace's keys.") String workspace;
    @Option(names = "--user", paramLabel = "USR_ID", description = "Only this user's keys.") String user;
    @Option(names = "--project", paramLabel = "PROJ_ID", description = "Only this project's keys.") String project;
    @Option(names = "--kind", paramLabel = "KIND", description = "user or project.") String kind;
    @Option(names = "--state", paramLabel = "STATE", description = "active, expired, revoked or disabled.") String state;

    Map<String, String> query() {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("workspace_id", workspace);
      q.put("user_id", user);
      q.put("project_id", project);
      q.put("kind", kind);
      q.put("state", state);
      return q;
    }
  }
}
