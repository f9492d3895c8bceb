package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import io.keywarden.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's path, end to end over HTTP, as the issue describes it: serve on an empty data
 * directory, read the admin key from the terminal, create a workspace, a project, a user and the
 * membership, a user key with scopes and a project allow-list, verify it, revoke it (refused on
 * the very next call), rotate another (both work during the grace period, the old one is expired
 * after it), then restart on the same directory: nothing is printed again and the admin key still
 * works.
 */
class NewcomerPathTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KEY = Pattern.compile(KeyFormat.SCANNER_REGEX);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final MutableClock clock = MutableClock.atFixedStart();
  private String base;
  private String adminKey;

  private KeywardenConfig config(Path dataDir) {
    ServerSettings d = ServerSettings.defaults();
    return KeywardenConfig.defaults()
        .withServer(new ServerSettings("127.0.0.1", 0, 0, d.maxBodyBytes(), Duration.ofSeconds(2), 1))
        .withDataDir(dataDir);
  }

  @Test
  void newcomerServesCreatesVerifiesRevokesAndRotates() throws Exception {
    Path data = dir.resolve("data");
    assertThat(data).doesNotExist();
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    try (KeywardenServer server = KeywardenServer.start(config(data), clock,
        new PrintStream(terminal, true, StandardCharsets.UTF_8))) {
      base = "http://127.0.0.1:" + server.apiPort();
      adminKey = adminKeyPrintedOnce(terminal.toString(StandardCharsets.UTF_8));
      assertThat(adminKey).startsWith("kw_op_");
      assertThat(Files.list(data).map(p -> p.getFileName().toString()).toList())
          .as("the admin key is not stored in the data directory, only its hash").doesNotContain("admin.key");

      String ws = created(call("POST", "/v1/workspaces", "{\"name\":\"Acme\"}")).get("id").asText();
      assertThat(ws).startsWith("ws_");
      String project = created(call("POST", "/v1/workspaces/" + ws + "/projects", "{\"name\":\"Website\"}"))
          .get("id").asText();
      String otherProject = created(call("POST", "/v1/workspaces/" + ws + "/projects", "{\"name\":\"Billing\"}"))
          .get("id").asText();
      assertThat(project).startsWith("proj_");
      String user = created(call("POST", "/v1/users", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}"))
          .get("id").asText();
      assertThat(user).startsWith("usr_");
      JsonNode member = created(call("PUT", "/v1/workspaces/" + ws + "/members/" + user, "{\"role\":\"member\"}"));
      assertThat(member.get("role").asText()).isEqualTo("member");

      // A user key with scopes and a project allow-list.
      JsonNode key = created(call("POST", "/v1/keys", """
          {"workspace_id":"%s","kind":"user","user_id":"%s","name":"ci","scopes":["read"],"projects":["%s"]}
          """.formatted(ws, user, project)));
      String keyId = key.get("id").asText();
      String secret = key.get("secret").asText();
      assertThat(keyId).startsWith("key_");
      assertThat(secret).startsWith("kw_sk_live_");
      assertThat(key.get("projects")).extracting(JsonNode::asText).containsExactly(project);

      JsonNode ok = verify(secret, project, "read");
      assertThat(ok.get("valid").asBoolean()).as(ok.toString()).isTrue();
      assertThat(ok.get("code").asText()).isEqualTo("valid");
      assertThat(ok.get("key").get("id").asText()).isEqualTo(keyId);
      assertThat(ok.get("project_id").asText()).isEqualTo(project);
      assertThat(ok.get("scopes")).extracting(JsonNode::asText).containsExactly("read");
      assertThat(verify(secret, otherProject, "read").get("code").asText()).isEqualTo("project_not_allowed");
      assertThat(verify(secret, project, "write").get("code").asText()).isEqualTo("insufficient_scope");

      // Revoke: refused on the very next call.
      JsonNode revoked = data(call("DELETE", "/v1/keys/" + keyId, null), 200);
      assertThat(revoked.get("state").asText()).isEqualTo("revoked");
      JsonNode afterRevoke = verify(secret, project, "read");
      assertThat(afterRevoke.get("valid").asBoolean()).isFalse();
      assertThat(afterRevoke.get("code").asText()).isEqualTo("revoked");

      // Rotate another key with a grace period: both work during it, the old one expires after it.
      JsonNode second = created(call("POST", "/v1/keys", """
          {"workspace_id":"%s","kind":"user","user_id":"%s","name":"deploy","scopes":["read","write"]}
          """.formatted(ws, user)));
      String oldSecret = second.get("secret").asText();
      assertThat(verify(oldSecret, project, "write").get("valid").asBoolean()).isTrue();
      JsonNode successor = created(call("POST", "/v1/keys/" + second.get("id").asText() + "/rotate",
          "{\"grace_seconds\":60}"));
      String newSecret = successor.get("secret").asText();
      assertThat(newSecret).isNotEqualTo(oldSecret);
      assertThat(successor.get("replaces").asText()).isEqualTo(second.get("id").asText());
      assertThat(successor.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("read", "write");
      assertThat(verify(oldSecret, project, "write").get("code").asText()).isEqualTo("valid");
      assertThat(verify(newSecret, project, "write").get("code").asText()).isEqualTo("valid");
      clock.advance(Duration.ofSeconds(61));
      assertThat(verify(oldSecret, project, "write").get("code").asText()).isEqualTo("expired");
      assertThat(verify(newSecret, project, "write").get("code").asText()).isEqualTo("valid");

      // The audit trail saw all of it.
      JsonNode events = call("GET", "/v1/audit-events?workspace_id=" + ws + "&limit=100", null).body();
      List<String> actions = new ArrayList<>();
      events.get("data").forEach(e -> actions.add(e.get("action").asText()));
      assertThat(actions).contains("workspace.created", "project.created", "membership.created",
          "key.created", "key.revoked", "key.rotated");
      assertThat(events.toString()).doesNotContain(secret).doesNotContain(oldSecret).doesNotContain(newSecret);
    }
    assertThat(terminal.toString(StandardCharsets.UTF_8)).as("no key is printed after the admin key")
        .doesNotContainPattern("kw_sk_");

    // Later starts never print the admin key again, and it keeps working.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (KeywardenServer server = KeywardenServer.start(config(data), clock,
        new PrintStream(again, true, StandardCharsets.UTF_8))) {
      base = "http://127.0.0.1:" + server.apiPort();
      assertThat(again.toString(StandardCharsets.UTF_8)).as("second start prints nothing").isEmpty();
      Reply list = call("GET", "/v1/workspaces", null);
      assertThat(list.status()).as(list.toString()).isEqualTo(200);
      assertThat(list.body().get("data")).extracting(w -> w.get("name").asText()).containsExactly("Acme");
    }
  }

  /** The one key printed between the two rules of '='; fails if there is not exactly one. */
  private static String adminKeyPrintedOnce(String out) {
    List<String> lines = out.lines().toList();
    List<Integer> rules = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("={20,}")) {
        rules.add(i);
      }
    }
    assertThat(rules).as("the admin key is framed by two rules of '=' in:%n%s", out).hasSize(2);
    String framed = String.join("\n", lines.subList(rules.get(0), rules.get(1) + 1));
    Matcher m = KEY.matcher(framed);
    assertThat(m.find()).as("a key between the rules in:%n%s", out).isTrue();
    String key = m.group();
    assertThat(m.find()).as("only one key is printed").isFalse();
    Matcher all = KEY.matcher(out);
    int count = 0;
    while (all.find()) {
      count++;
    }
    assertThat(count).as("the key appears once in the whole output").isEqualTo(1);
    return key;
  }

  private JsonNode verify(String key, String project, String scope) throws IOException, InterruptedException {
    return data(call("POST", "/v1/keys/verify",
        "{\"key\":\"" + key + "\",\"project_id\":\"" + project + "\",\"scopes\":[\"" + scope + "\"]}"), 200);
  }

  private static JsonNode created(Reply r) {
    return data(r, 201);
  }

  private static JsonNode data(Reply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    return r.body().get("data");
  }

  private Reply call(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + adminKey);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private record Reply(int status, String text) {
    JsonNode body() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }
}
