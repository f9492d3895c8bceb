package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.CliHarness.Result;
import io.keywarden.core.keys.KeyFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keywarden operator-keys …} as the real command against a real server: a verify-only key
 * bound to one workspace is created, listed without its secret, used, rotated with a grace period
 * and revoked; the last admin key cannot be revoked.
 */
class OperatorKeysCommandTest {
  @TempDir static Path dir;
  static CliHarness cli;

  @BeforeAll
  static void start() throws Exception {
    cli = CliHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    cli.close();
  }

  private static Result as(String token, String... args) throws Exception {
    Map<String, String> env = cli.env();
    env.put("KEYWARDEN_TOKEN", token);
    return cli.run(env, null, List.of(), args);
  }

  @Test
  void aVerifyOnlyKeyBoundToAWorkspaceIsCreatedUsedRotatedAndRevoked() throws Exception {
    String[] acme = cli.workspaceWithMember("Acme");
    Result key = cli.run("keys", "create", "--workspace", acme[0], "--user", acme[1], "--name", "ci", "-q");
    String accessKey = key.out().strip().split(" ")[1];

    Result created = cli.run("operator-keys", "create", "--name", "billing-service", "--scopes", "verify",
        "--workspace", acme[0], "--ttl-days", "90");
    assertThat(created.exit()).as(created.toString()).isZero();
    String secret = created.out().lines().filter(l -> l.startsWith("kw_op_"))
        .findFirst().orElseThrow(() -> new AssertionError(created));
    String id = created.out().lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).strip();

    Result list = cli.run("operator-keys", "list", "--workspace", acme[0]);
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("SCOPES", "WORKSPACE");
    assertThat(list.out()).contains(id, "billing-service", "verify").doesNotContain(secret);
    assertThat(cli.run("operator-keys", "show", id).out()).contains("workspace_id:", acme[0]).doesNotContain(secret);

    assertThat(as(secret, "verify", accessKey).exit()).as("the service key verifies its workspace's keys").isZero();
    Result forbidden = as(secret, "workspaces", "list");
    assertThat(forbidden.exit()).isEqualTo(1);
    assertThat(forbidden.err()).contains("forbidden");

    Result renamed = cli.run("operator-keys", "update", id, "--name", "billing", "--json");
    assertThat(renamed.exit()).as(renamed.toString()).isZero();
    assertThat(renamed.json().get("data").get("name").asText()).isEqualTo("billing");

    Result rotated = cli.run("operator-keys", "rotate", id, "--grace-seconds", "600", "--json");
    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    JsonNode successor = rotated.json().get("data");
    String newSecret = successor.get("secret").asText();
    assertThat(successor.get("workspace_id").asText()).isEqualTo(acme[0]);
    assertThat(as(secret, "verify", accessKey).exit()).as("old key during the grace period").isZero();
    assertThat(as(newSecret, "verify", accessKey).exit()).isZero();

    assertThat(cli.run("operator-keys", "revoke", successor.get("id").asText()).exit()).isZero();
    Result revoked = as(newSecret, "verify", accessKey);
    assertThat(revoked.exit()).isEqualTo(1);
    assertThat(revoked.err()).contains("unauthorized").doesNotContain(newSecret);
  }

  @Test
  void mintingMoreScopesThanTheCallerHoldsAndRevokingTheLastAdminKeyAreRefused() throws Exception {
    Result reader = cli.run("operator-keys", "create", "--name", "reader", "--scopes", "operators:write,keys:read", "-q");
    assertThat(reader.exit()).as(reader.toString()).isZero();
    String readerSecret = reader.out().strip().split(" ")[1];
    Result escalation = as(readerSecret, "operator-keys", "create", "--name", "more", "--scopes", "keys:write");
    assertThat(escalation.exit()).isEqualTo(1);
    assertThat(escalation.err()).contains("keys:write");

    Result all = cli.run("operator-keys", "list", "--all", "--json");
    String adminId = null;
    for (JsonNode k : all.json().get("data")) {
      if (k.get("display").asText().equals(KeyFormat.displayForm(cli.adminKey))) {
        adminId = k.get("id").asText();
      }
    }
    assertThat(adminId).as(all.out()).isNotNull();
    Result last = cli.run("operator-keys", "revoke", adminId);
    assertThat(last.exit()).isEqualTo(1);
    assertThat(last.err()).contains("last_admin_key");
    assertThat(cli.run("workspaces", "list").exit()).as("the admin key still works").isZero();
  }
}
