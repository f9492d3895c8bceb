package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.CliHarness.Result;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keywarden keys …} and {@code keywarden verify}, run as the real command against a real
 * server: create, list as a table and as the API's JSON, show, update, revoke, rotate with a grace
 * period, verify, and export of 10,000 keys, with the secret printed by create and rotate only.
 */
class KeysCommandTest {
  private static final Pattern ANY_KEY = Pattern.compile(KeyFormat.SCANNER_REGEX);

  @TempDir static Path dir;
  static CliHarness cli;
  static String ws;
  static String user;

  @BeforeAll
  static void start() throws Exception {
    cli = CliHarness.start(dir);
    String[] t = cli.workspaceWithMember("Acme");
    ws = t[0];
    user = t[1];
  }

  @AfterAll
  static void stop() {
    cli.close();
  }

  /** Creates a key with {@code -q} and returns its id and secret. */
  private static String[] create(String name, String scopes) throws Exception {
    Result r = cli.run("keys", "create", "--workspace", ws, "--user", user, "--name", name, "--scopes", scopes, "-q");
    assertThat(r.exit()).as(r.toString()).isZero();
    String[] idAndSecret = r.out().strip().split(" ");
    assertThat(idAndSecret).hasSize(2);
    assertThat(idAndSecret[0]).startsWith("key_");
    assertThat(idAndSecret[1]).startsWith("kw_sk_live_");
    return idAndSecret;
  }

  @Test
  void createPrintsTheSecretOnceAndListShowsTheKeyAsATableWithoutIt() throws Exception {
    Result created = cli.run("keys", "create", "--workspace", ws, "--user", user, "--name", "table-key",
        "--scopes", "read,write", "--metadata", "{\"team\":\"infra\"}");
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out()).contains("Secret, shown this once");
    List<String> secrets = ANY_KEY.matcher(created.out()).results().map(m -> m.group()).toList();
    assertThat(secrets).as("exactly one secret in the answer").hasSize(1);
    String secret = secrets.getFirst();
    String id = created.out().lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).strip();

    Result table = cli.run("keys", "list", "--workspace", ws, "--all");
    assertThat(table.exit()).as(table.toString()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.getFirst()).startsWith("ID").contains("NAME", "STATE", "DISPLAY", "SCOPES", "EXPIRES");
    String row = lines.stream().filter(l -> l.startsWith(id)).findFirst().orElseThrow(() -> new AssertionError(table));
    assertThat(row).contains("table-key", "active", "read,write", KeyFormat.displayForm(secret));
    assertThat(lines.getFirst().indexOf("NAME")).as("columns are aligned").isEqualTo(row.indexOf("table-key"));
    assertThat(table.out()).doesNotContain(secret);

    Result show = cli.run("keys", "show", id);
    assertThat(show.exit()).isZero();
    assertThat(show.out()).contains("name:", "table-key", "{\"team\":\"infra\"}").doesNotContain(secret);
  }

  @Test
  void listWithJsonPrintsTheApisAnswerUnchanged() throws Exception {
    String[] key = create("json-key", "read");
    Result r = cli.run("keys", "list", "--workspace", ws, "--limit", "100", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode body = r.json();
    assertThat(body.has("pagination")).isTrue();
    JsonNode found = null;
    for (JsonNode k : body.get("data")) {
      if (k.get("id").asText().equals(key[0])) {
        found = k;
      }
    }
    assertThat(found).as(r.out()).isNotNull();
    assertThat(found.get("object").asText()).isEqualTo("key");
    assertThat(found.get("scopes")).extracting(JsonNode::asText).containsExactly("read");
    assertThat(r.out()).doesNotContain(key[1]);

    Result page = cli.run("keys", "list", "--workspace", ws, "--limit", "1", "--json");
    assertThat(page.json().get("data")).hasSize(1);
    Result all = cli.run("keys", "list", "--workspace", ws, "--limit", "1", "--all", "--json");
    assertThat(all.json().get("data").size()).as("--all follows the cursors").isGreaterThan(1);
    assertThat(all.json().get("pagination").get("has_more").asBoolean()).isFalse();
  }

  @Test
  void revokedKeysAreRefusedByVerifyWithExitCode1AndTheReason() throws Exception {
    String[] key = create("to-revoke", "read");
    Result ok = cli.run("verify", key[1], "--scopes", "read");
    assertThat(ok.exit()).as(ok.toString()).isZero();
    assertThat(ok.out()).startsWith("valid").contains(key[0]);

    Result revoked = cli.run("keys", "revoke", key[0]);
    assertThat(revoked.exit()).as(revoked.toString()).isZero();
    assertThat(revoked.out()).contains("Revoked " + key[0]);

    Result refused = cli.run("verify", key[1], "--scopes", "read");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out()).startsWith("invalid: revoked");
    Result state = cli.run("keys", "list", "--workspace", ws, "--state", "revoked", "--json");
    assertThat(state.json().get("data")).extracting(k -> k.get("id").asText()).contains(key[0]);
  }

  @Test
  void verifyChecksScopesAndProjectsAndReadsTheKeyFromStdin() throws Exception {
    String[] key = create("verify-key", "read");
    Result fromStdin = cli.run(cli.env(), key[1] + "\n", List.of(), "verify", "-", "--scopes", "read");
    assertThat(fromStdin.exit()).as(fromStdin.toString()).isZero();
    Result scope = cli.run("verify", key[1], "--scopes", "write");
    assertThat(scope.exit()).isEqualTo(1);
    assertThat(scope.out()).startsWith("invalid: insufficient_scope");
    Result json = cli.run("verify", key[1], "--scopes", "write", "--json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(json.json().get("data").get("code").asText()).isEqualTo("insufficient_scope");
    Result garbage = cli.run("verify", "kw_sk_live_notakey");
    assertThat(garbage.exit()).isEqualTo(1);
    assertThat(garbage.out()).startsWith("invalid: malformed");
    Result project = cli.run("verify", key[1], "--project", "proj_00000000000000000000x");
    assertThat(project.exit()).isEqualTo(1);
    assertThat(project.out()).startsWith("invalid: project_not_found");
  }

  @Test
  void rotateWithAGracePeriodPrintsTheNewSecretAndBothKeysVerify() throws Exception {
    String[] old = create("to-rotate", "read");
    Result rotated = cli.run("keys", "rotate", old[0], "--grace-seconds", "3600", "--json");
    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    JsonNode successor = rotated.json().get("data");
    String newSecret = successor.get("secret").asText();
    assertThat(successor.get("replaces").asText()).isEqualTo(old[0]);
    assertThat(newSecret).startsWith("kw_sk_live_").isNotEqualTo(old[1]);
    assertThat(cli.run("verify", old[1], "--scopes", "read").exit()).as("old key in its grace period").isZero();
    assertThat(cli.run("verify", newSecret, "--scopes", "read").exit()).isZero();

    Result quiet = cli.run("keys", "rotate", successor.get("id").asText(), "-q");
    assertThat(quiet.exit()).isZero();
    String[] third = quiet.out().strip().split(" ");
    assertThat(cli.run("verify", third[1]).exit()).isZero();
    assertThat(cli.run("verify", newSecret).exit()).as("rotated without grace: expired at once").isEqualTo(1);
    Result shown = cli.run("keys", "show", third[0]);
    assertThat(shown.out()).doesNotContain(third[1]).contains(successor.get("id").asText());
  }

  @Test
  void updateChangesOnlyTheOptionsGiven() throws Exception {
    String[] key = create("to-update", "read");
    Result r = cli.run("keys", "update", key[0], "--name", "renamed", "--disable", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.json().get("data").get("name").asText()).isEqualTo("renamed");
    assertThat(r.json().get("data").get("enabled").asBoolean()).isFalse();
    assertThat(r.json().get("data").get("scopes")).extracting(JsonNode::asText).containsExactly("read");
    assertThat(cli.run("verify", key[1]).out()).startsWith("invalid: disabled");
    assertThat(cli.run("keys", "update", key[0], "--enable").exit()).isZero();
    assertThat(cli.run("verify", key[1]).exit()).isZero();
    Result nothing = cli.run("keys", "update", key[0]);
    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.err()).contains("nothing to change");
  }

  @Test
  void exportWritesTenThousandKeysAsJsonLinesWithoutASecret() throws Exception {
    Keywarden kw = cli.server.keywarden();
    String bulkWs = kw.store().createWorkspace("Bulk", "default", null, Actor.SYSTEM).id();
    String bulkUser = kw.store().createUser("bulk@example.com", "Bulk", Actor.SYSTEM).id();
    kw.store().putMembership(bulkWs, bulkUser, "member", List.of(), null, Actor.SYSTEM);
    int n = 10_000;
    Set<String> secrets = new HashSet<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "bulk-" + i;
        made.add(pool.submit(() -> kw.keys().create(
            NewKeyRequest.userKey(bulkWs, bulkUser, name, List.of("read")), Actor.SYSTEM).secret()));
      }
      for (Future<String> f : made) {
        secrets.add(f.get());
      }
    }
    assertThat(secrets).hasSize(n);

    Path file = dir.resolve("keys.jsonl");
    Result r = cli.run("keys", "export", "--workspace", bulkWs, "--output", file.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).as("the keys go to the file").isEmpty();
    assertThat(r.err()).as("no progress line when stderr is not a terminal").isEmpty();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(n);
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (String line : lines) {
      JsonNode k = CliHarness.JSON.readTree(line);
      assertThat(k.has("secret")).isFalse();
      ids.add(k.get("id").asText());
      names.add(k.get("name").asText());
    }
    assertThat(ids).as("every key once").hasSize(n);
    assertThat(names).contains("bulk-0", "bulk-9999");
    String all = Files.readString(file);
    assertThat(ANY_KEY.matcher(all).find()).as("no key anywhere in the export").isFalse();
    assertThat(secrets).noneMatch(all::contains);

    Result toStdout = cli.run("keys", "export", "--workspace", bulkWs);
    assertThat(toStdout.out().lines().count()).isEqualTo(n);
  }

  @Test
  void exportDrawsItsProgressLineOnlyWhenStderrIsATerminal() throws Exception {
    create("progress-key", "read");
    Result onTerminal = cli.run(cli.env(), null, List.of("-D" + Terminal.PROPERTY + "=true"),
        "keys", "export", "--workspace", ws, "--output", dir.resolve("p.jsonl").toString());
    assertThat(onTerminal.exit()).as(onTerminal.toString()).isZero();
    assertThat(onTerminal.err()).contains("Exported").contains(dir.resolve("p.jsonl").toString());
    Result piped = cli.run(cli.env(), null, List.of("-D" + Terminal.PROPERTY + "=false"),
        "keys", "export", "--workspace", ws, "--output", dir.resolve("q.jsonl").toString());
    assertThat(piped.err()).isEmpty();
    assertThat(Files.readAllLines(dir.resolve("q.jsonl"))).hasSameSizeAs(Files.readAllLines(dir.resolve("p.jsonl")));
    Result optedOut = cli.run(cli.env(), null, List.of("-D" + Terminal.PROPERTY + "=true"),
        "keys", "export", "--workspace", ws, "--no-progress", "--output", dir.resolve("r.jsonl").toString());
    assertThat(optedOut.err()).isEmpty();
  }
}
