package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.CliHarness.Result;
import io.keywarden.store.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keywarden workspaces|projects|users|members|audit …} as the real command against a real
 * server, and {@code audit tail} following events as they are written.
 */
class TenantAndAuditCommandsTest {
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

  private static Result ok(String... args) throws Exception {
    Result r = cli.run(args);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void workspacesAndProjectsAreCreatedListedChangedAndDeleted() throws Exception {
    String ws = ok("workspaces", "create", "--name", "Globex", "-q").out().strip();
    assertThat(ws).startsWith("ws_");
    assertThat(ok("workspaces", "list").out()).contains(ws).contains("Globex");
    assertThat(ok("workspaces", "update", ws, "--name", "Globex Corp", "--json").json().get("data").get("name").asText())
        .isEqualTo("Globex Corp");
    String project = ok("projects", "create", "--workspace", ws, "--name", "web", "-q").out().strip();
    assertThat(project).startsWith("proj_");
    String table = ok("projects", "list", "--workspace", ws).out();
    assertThat(table.lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME", "WORKSPACE");
    assertThat(table).contains(project, "web");
    assertThat(ok("projects", "update", project, "--name", "site").out()).contains("name:", "site");
    assertThat(ok("projects", "show", project).out()).contains("workspace_id:", ws);
    assertThat(ok("projects", "delete", project).out()).contains("Deleted project " + project);
    assertThat(cli.run("projects", "show", project).exit()).isEqualTo(1);
    assertThat(ok("workspaces", "delete", ws).out()).contains("Deleted workspace " + ws);
    assertThat(cli.run("workspaces", "show", ws).err()).contains("not_found");
  }

  @Test
  void usersAndMembershipsAreManaged() throws Exception {
    String ws = ok("workspaces", "create", "--name", "Initech", "-q").out().strip();
    String user = ok("users", "create", "--email", "peter@initech.example", "--name", "Peter", "-q").out().strip();
    assertThat(ok("users", "list", "--all").out()).contains(user, "peter@initech.example");
    assertThat(ok("users", "update", user, "--name", "Peter G.").out()).contains("Peter G.");
    Result dup = cli.run("users", "create", "--email", "peter@initech.example", "--name", "Again");
    assertThat(dup.exit()).isEqualTo(1);
    assertThat(dup.err()).contains("conflict");
    assertThat(ok("members", "add", "--workspace", ws, "--user", user, "--role", "viewer").out()).contains("viewer");
    String members = ok("members", "list", "--workspace", ws).out();
    assertThat(members.lines().findFirst().orElseThrow()).startsWith("USER").contains("ROLE");
    assertThat(members).contains(user, "viewer");
    assertThat(ok("members", "set", "--workspace", ws, "--user", user, "--role", "admin", "--json")
        .json().get("data").get("role").asText()).isEqualTo("admin");
    assertThat(ok("members", "remove", "--workspace", ws, "--user", user).out()).contains("Deleted membership");
    assertThat(ok("members", "list", "--workspace", ws).out()).contains("(no members)");
    assertThat(ok("users", "delete", user).out()).contains("Deleted user");
  }

  @Test
  void auditListShowsChangesWithFilters() throws Exception {
    String ws = ok("workspaces", "create", "--name", "Audited", "-q").out().strip();
    ok("projects", "create", "--workspace", ws, "--name", "p1");
    Result list = ok("audit", "list", "--workspace", ws);
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("AT").contains("ACTION", "TARGET", "ACTOR");
    assertThat(list.out()).contains("workspace.created", "project.created");
    JsonNode json = ok("audit", "list", "--workspace", ws, "--action", "project.created", "--json").json();
    assertThat(json.get("data")).hasSize(1);
    assertThat(json.get("data").get(0).get("action").asText()).isEqualTo("project.created");
    Result badTime = cli.run("audit", "list", "--from", "yesterday");
    assertThat(badTime.exit()).isEqualTo(1);
    assertThat(badTime.err()).contains("(field: from)");
  }

  @Test
  void auditTailPrintsNewEventsOnceAsTheyAreWritten() throws Exception {
    Path out = dir.resolve("tail.out");
    List<String> cmd = CliHarness.javaCommand();
    cmd.addAll(List.of("audit", "tail", "--interval", "0.1", "--lines", "3"));
    Process tail = cli.start(cmd, cli.env(), out, dir.resolve("tail.err"));
    awaitLine(tail, out, "AT ");

    String first = cli.server.keywarden().store().createWorkspace("Tailed one", "default", null, Actor.SYSTEM).id();
    awaitLine(tail, out, first);
    String second = cli.server.keywarden().store().createWorkspace("Tailed two", "default", null, Actor.SYSTEM).id();
    awaitLine(tail, out, second);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.stream().filter(l -> l.contains(first))).as("printed once").hasSize(1);
    assertThat(lines.stream().filter(l -> l.contains(second))).hasSize(1);
    assertThat(lines.indexOf(lines.stream().filter(l -> l.contains(first)).findFirst().orElseThrow()))
        .as("oldest first").isLessThan(lines.indexOf(lines.stream().filter(l -> l.contains(second)).findFirst().orElseThrow()));
    assertThat(lines.stream().filter(l -> l.contains(second)).findFirst().orElseThrow()).contains("workspace.created");
    tail.destroy();
    assertThat(tail.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Waits (bounded) until the followed output has a line containing {@code text}. */
  private static void awaitLine(Process p, Path out, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.readAllLines(out).stream().anyMatch(l -> l.contains(text))) {
        return;
      }
      assertThat(p.isAlive()).as("tail exited: %s", Files.readString(dir.resolve("tail.err"))).isTrue();
      p.waitFor(50, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("no line with " + text + " in " + Files.readString(out));
  }
}
