package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.cli.CliHarness.Result;
import io.keywarden.core.keys.KeyFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code keywarden} command's connection settings (flags, environment, profile file) and
 * its exit codes: 1 for the API's refusals with the API's code, message and field on stderr, 2 for
 * usage errors, 3 when no server answers; the operator key is never printed.
 */
class CliConnectionAndErrorsTest {
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

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Map<String, String> withoutConnection() {
    Map<String, String> env = cli.env();
    env.put("KEYWARDEN_URL", null);
    env.put("KEYWARDEN_TOKEN", null);
    return env;
  }

  @Test
  void refusalsExitWith1AndPrintTheApisCodeMessageAndField() throws Exception {
    Result missing = cli.run("keys", "show", "key_00000000000000000000x");
    assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.err()).startsWith("keywarden: not_found: ");
    assertThat(missing.out()).isEmpty();

    Result invalid = cli.run("workspaces", "create", "--name", "Acme", "--max-ttl-days", "0");
    assertThat(invalid.exit()).as(invalid.toString()).isEqualTo(1);
    assertThat(invalid.err()).contains("invalid_request").contains("(field: max_ttl_days)");

    String unknownKey = KeyFormat.generate("kw_op");
    Result unauthorized = cli.run("workspaces", "list", "--token", unknownKey);
    assertThat(unauthorized.exit()).isEqualTo(1);
    assertThat(unauthorized.err()).contains("unauthorized").doesNotContain(unknownKey);
    assertThat(unauthorized.out() + unauthorized.err()).doesNotContain(cli.adminKey);
  }

  @Test
  void usageErrorsExitWith2() throws Exception {
    Result unknownOption = cli.run("keys", "list", "--colour", "red");
    assertThat(unknownOption.exit()).isEqualTo(2);
    assertThat(unknownOption.err()).contains("Unknown option").contains("'--colour'").contains("Usage: keywarden keys list");
    Result missingName = cli.run("workspaces", "create");
    assertThat(missingName.exit()).isEqualTo(2);
    assertThat(missingName.err()).contains("--name");
    Result badMetadata = cli.run("keys", "create", "--name", "x", "--metadata", "not json");
    assertThat(badMetadata.exit()).isEqualTo(2);
    assertThat(badMetadata.err()).contains("--metadata must be a JSON object");
    Result noToken = cli.run(withoutConnection(), null, List.of(), "workspaces", "list");
    assertThat(noToken.exit()).isEqualTo(2);
    assertThat(noToken.err()).contains("no operator key").contains("KEYWARDEN_TOKEN");
    Result badUrl = cli.run("workspaces", "list", "--url", "ftp://example.com");
    assertThat(badUrl.exit()).isEqualTo(2);
    assertThat(badUrl.err()).contains("http:// or https://");
  }

  @Test
  void noServerExitsWith3NamingTheAddress() throws Exception {
    String url = "http://127.0.0.1:" + closedPort();
    Result r = cli.run("workspaces", "list", "--url", url);
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach Keywarden at " + url).doesNotContain(cli.adminKey);
  }

  @Test
  void aProfileFileNamesServersAndTheDefaultOneIsUsedWithoutFlags() throws Exception {
    Path home = dir.resolve("home");
    Path file = home.resolve(".config/keywarden/config.yaml");
    Files.createDirectories(file.getParent());
    Path tokenFile = dir.resolve("ops.token");
    Files.writeString(tokenFile, cli.adminKey + "\n");
    String wrong = KeyFormat.generate("kw_op");
    Files.writeString(file, """
        default: local
        profiles:
          local:
            url: %s
            token: %s
          stale:
            url: %s/v1/
            token: %s
          from-file:
            url: %s
            token_file: %s
          nowhere:
            url: http://127.0.0.1:%d
            token: %s
        """.formatted(cli.url, cli.adminKey, cli.url, wrong, cli.url, tokenFile, closedPort(), cli.adminKey));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> env = withoutConnection();
    env.put("KEYWARDEN_CLI_CONFIG", null);

    Result byDefault = cli.run(env, null, List.of(), "workspaces", "list");
    assertThat(byDefault.exit()).as(byDefault.toString()).isZero();
    assertThat(byDefault.err()).isEmpty();
    Result stale = cli.run(env, null, List.of(), "workspaces", "list", "--profile", "stale");
    assertThat(stale.exit()).as(stale.toString()).isEqualTo(1);
    assertThat(stale.err()).contains("unauthorized").doesNotContain(wrong);
    assertThat(cli.run(env, null, List.of(), "workspaces", "list", "--profile", "from-file").exit()).isZero();
    assertThat(cli.run(env, null, List.of(), "workspaces", "list", "--profile", "nowhere").exit()).isEqualTo(3);
    assertThat(cli.run(env, null, List.of(), "workspaces", "list", "--profile", "nowhere", "--url", cli.url).exit())
        .as("a flag wins over the profile").isZero();
    Result unknown = cli.run(env, null, List.of(), "workspaces", "list", "--profile", "prod");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no profile \"prod\"").contains("local, stale, from-file, nowhere");

    Map<String, String> envWins = new HashMap<>(env);
    envWins.put("KEYWARDEN_TOKEN", wrong);
    assertThat(cli.run(envWins, null, List.of(), "workspaces", "list").exit())
        .as("the environment wins over the default profile").isEqualTo(1);
    assertThat(cli.run(envWins, null, List.of(), "workspaces", "list", "--profile", "local").exit())
        .as("a profile asked for wins over the environment").isZero();

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Result shared = cli.run(env, null, List.of(), "workspaces", "list");
    assertThat(shared.exit()).isZero();
    assertThat(shared.err()).contains("others can read it").contains("chmod 600").doesNotContain(cli.adminKey);

    Path other = dir.resolve("elsewhere.yaml");
    Files.writeString(other, "profiles:\n  x:\n    url: " + cli.url + "\n    password: hunter2\n");
    Map<String, String> explicit = new HashMap<>(env);
    explicit.put("KEYWARDEN_CLI_CONFIG", other.toString());
    Result typo = cli.run(explicit, null, List.of(), "workspaces", "list", "--profile", "x");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown setting profiles.x.password");
  }

  @Test
  void helpWorksLikeHelpOptionAndCompletionScriptsLoadInBash() throws Exception {
    Result help = cli.run("help", "keys");
    Result option = cli.run("keys", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).isEqualTo(option.out()).contains("create", "rotate", "export");
    Result nested = cli.run("help", "keys", "create");
    assertThat(nested.exit()).isZero();
    assertThat(nested.out()).isEqualTo(cli.run("keys", "create", "--help").out()).contains("--scopes");
    Result unknown = cli.run("help", "keys", "destroy");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown command: 'destroy'");
    Result top = cli.run("help");
    assertThat(top.out()).contains("keys", "workspaces", "projects", "users", "members", "operator-keys", "audit",
        "verify", "completion", "serve");

    Result bash = cli.run("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("operator-keys");
    Path script = dir.resolve("keywarden.bash");
    Files.writeString(script, bash.out());
    Process p = new ProcessBuilder("bash", "-c", "source '" + script + "' && complete -p keywarden")
        .redirectErrorStream(true).start();
    String registered = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(registered).isZero();
    assertThat(registered).contains("keywarden");
    assertThat(cli.run("completion", "zsh").out()).contains("bashcompinit");
    assertThat(cli.run("completion", "fish").exit()).isEqualTo(2);
  }
}
