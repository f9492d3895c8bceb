package io.keywarden.cli;

import static io.keywarden.cli.client.KeywardenClient.path;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.cli.client.KeywardenClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keywarden operator-keys …}: Keywarden's own machine keys through {@code /v1/operator-keys}. */
@Command(name = "operator-keys", mixinStandardHelpOptions = true,
    description = {"Create, list, show, change, revoke and rotate operator keys (kw_op_…): the keys that call",
        "Keywarden's own API, e.g. a verify-only key bound to one workspace for each of your services."})
final class OperatorKeysCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Create an operator key with a subset of the calling key's scopes.",
          "The secret is printed this once."})
  int create(@Mixin Remote remote,
      @Option(names = "--name", required = true, description = "A name for people.") String name,
      @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE",
          description = "Scopes, e.g. verify or keys:read,keys:write (admin, tenants:read, tenants:write, keys:read,"
              + " keys:write, audit:read, verify, operators:read, operators:write).")
      List<String> scopes,
      @Option(names = "--workspace", paramLabel = "WS_ID", description = "Bind the key to this workspace.")
      String workspace,
      @Option(names = "--ttl-days", paramLabel = "DAYS", description = "Lifetime in days (default: no expiry).")
      Integer ttlDays,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "Expiry as RFC 3339, instead of --ttl-days.")
      String expiresAt,
      @Option(names = "--allowed-ips", split = ",", paramLabel = "CIDR", description = "Addresses the key may be used from.")
      List<String> allowedIps,
      @Option(names = {"-q", "--quiet"}, description = "Print only the new key's id and secret, separated by a space.")
      boolean quiet) {
    Bodies b = new Bodies(remote.spec).put("name", name).list("scopes", scopes).put("workspace_id", workspace)
        .put("ttl_days", ttlDays).timeOrNone("expires_at", expiresAt)
        .list("allowed_ips", allowedIps);
    return remote.printSecret(remote.client().send("POST", "/v1/operator-keys", b.json()), quiet, "Created");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List operator keys, newest first.")
  int list(@Mixin Remote remote, @Mixin ListOptions page,
      @Option(names = "--workspace", paramLabel = "WS_ID", description = "Only keys bound to this workspace.")
      String workspace,
      @Option(names = "--revoked", paramLabel = "true|false", description = "Only revoked keys, or only keys not revoked.")
      Boolean revoked,
      @Option(names = "--name-prefix", paramLabel = "TEXT", description = "Only keys whose name starts with TEXT.")
      String namePrefix) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("workspace_id", workspace);
    q.put("revoked", revoked == null ? null : revoked.toString());
    q.put("name_prefix", namePrefix);
    return page.print(remote, "/v1/operator-keys", q, Views.OPERATOR_KEY);
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one operator key (never its secret).")
  int show(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id) {
    return remote.show(remote.client().get(path("v1", "operator-keys", id), Map.of()));
  }

  @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Change an operator key: only the options given change; lists are replaced.")
  int update(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id,
      @Option(names = "--name") String name,
      @Option(names = "--enable", description = "Enable the key.") boolean enable,
      @Option(names = "--disable", description = "Disable the key (refused until enabled again).") boolean disable,
      @Option(names = "--scopes", split = ",", paramLabel = "SCOPE") List<String> scopes,
      @Option(names = "--allowed-ips", split = ",", paramLabel = "CIDR") List<String> allowedIps,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "New expiry (RFC 3339), or none.")
      String expiresAt) {
    Bodies b = new Bodies(remote.spec);
    if (enable && disable) {
      throw b.usage("--enable and --disable exclude each other");
    }
    b.put("name", name).put("enabled", enable ? Boolean.TRUE : disable ? Boolean.FALSE : null).list("scopes", scopes)
        .list("allowed_ips", allowedIps).timeOrNone("expires_at", expiresAt);
    if (b.isEmpty()) {
      throw b.usage("nothing to change: give at least one option (see keywarden operator-keys update --help)");
    }
    return remote.show(remote.client().send("PATCH", path("v1", "operator-keys", id), b.json()));
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke an operator key (the last unbound admin key cannot be revoked).")
  int revoke(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id) {
    KeywardenClient.Answer a = remote.client().send("DELETE", path("v1", "operator-keys", id), null);
    return remote.done(a, "Revoked " + id + ".");
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Issue a successor with the same scopes and binding; the old key works until the grace period",
          "ends. The new secret is printed this once."})
  int rotate(@Mixin Remote remote, @Parameters(paramLabel = "KEY_ID") String id,
      @Option(names = "--grace-seconds", paramLabel = "SECONDS",
          description = "How long the old key keeps working (default 0).")
      Integer graceSeconds,
      @Option(names = {"-q", "--quiet"}, description = "Print only the new key's id and secret, separated by a space.")
      boolean quiet) {
    ObjectNode body = new Bodies(remote.spec).put("grace_seconds", graceSeconds).json();
    return remote.printSecret(remote.client().send("POST", path("v1", "operator-keys", id, "rotate"), body), quiet,
        "Rotated");
  }

}
