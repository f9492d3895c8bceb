package io.keywarden.server;

import io.keywarden.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyFormat;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the API through every path that echoes client input (unknown paths, methods, fields,
 * malformed JSON, bad filters and cursors, keys of the wrong realm), with every logger at TRACE,
 * then searches every response that is not a key's creation, the logs and the data files for the
 * keys: none may appear.
 */
class RawKeysNeverLeakTest {
  @TempDir Path dir;

  @Test
  void noRawKeyAppearsInResponsesLogsOrDataFiles() throws Exception {
    LogCapture logs = LogCapture.start();

    List<String> secrets = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    try (ServerHarness h = new ServerHarness(dir)) {
      String ws = h.post("/v1/workspaces", "{\"name\":\"Acme\"}").send().data().get("id").asText();
      String proj = h.post("/v1/workspaces/" + ws + "/projects", "{\"name\":\"web\"}").send().data().get("id").asText();
      String usr = h.post("/v1/users", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}").send().data().get("id").asText();
      h.put("/v1/workspaces/" + ws + "/members/" + usr, "{\"role\":\"member\"}").send();
      var userKey = h.post("/v1/keys", "{\"workspace_id\":\"" + ws + "\",\"kind\":\"user\",\"user_id\":\"" + usr
          + "\",\"name\":\"ci\",\"scopes\":[\"read\"]}").send();
      var projectKey = h.post("/v1/keys", "{\"workspace_id\":\"" + ws + "\",\"kind\":\"project\",\"project_id\":\""
          + proj + "\",\"name\":\"deploy\"}").send();
      String s1 = userKey.data().get("secret").asText();
      String s2 = projectKey.data().get("secret").asText();
      String id1 = userKey.data().get("id").asText();
      String id2 = projectKey.data().get("id").asText();
      String op = h.server.keywarden().keys().createOperatorKey("ops", List.of("verify"), null, Actor.SYSTEM).secret();
      secrets.addAll(List.of(s1, s2, op, h.adminKey));

      List<ServerHarness.Reply> replies = new ArrayList<>();
      replies.add(h.post("/v1/keys/verify", "{\"key\":\"" + s1 + "\",\"scopes\":[\"read\"]}").send());
      replies.add(h.post("/v1/keys/verify", "{\"key\":\"" + s1 + "\",\"scopes\":[\"" + s1 + "\"]}").send());
      replies.add(h.post("/v1/keys/verify", "{\"key\":\"" + s1 + "\",\"project_id\":\"" + s2 + "\"}").send());
      replies.add(h.call("POST", "/v1/keys/verify").auth(s1).json("{\"key\":\"" + s1 + "\"}").send());
      replies.add(h.call("GET", "/v1/workspaces").auth(s2).send());
      replies.add(h.call("GET", "/v1/workspaces").header("Authorization", "Basic " + s1).send());
      replies.add(h.get("/v1/keys/" + s1).send());
      replies.add(h.get("/v1/nothing/" + s1).send());
      replies.add(h.call("PUT", "/v1/keys/" + s1).auth(h.adminKey).json("{}").send());
      replies.add(h.post("/v1/workspaces", "{\"" + s1 + "\":1}").send());
      replies.add(h.post("/v1/workspaces", "{\"name\": " + s1 + "}").send());
      replies.add(h.post("/v1/workspaces", "{\"name\": \"x\", \"plan\": \"" + s1 + "\"}").send());
      replies.add(h.get("/v1/keys?state=" + s1).send());
      replies.add(h.get("/v1/keys?cursor=" + s1).send());
      replies.add(h.get("/v1/keys?kind=" + s1).send());
      replies.add(h.get("/v1/audit-events?from=" + s1).send());
      replies.add(h.get("/v1/keys/" + id1).send());
      replies.add(h.get("/v1/keys?workspace_id=" + ws).send());
      replies.add(h.patch("/v1/keys/" + id1, "{\"name\":\"renamed\"}").send());
      replies.add(h.patch("/v1/keys/" + id1, "{\"name\":\"" + s2 + "\"}").send());
      replies.add(h.get("/v1/keys/" + id1).send());
      replies.add(h.delete("/v1/keys/" + id1).send());
      replies.add(h.post("/v1/keys/verify", "{\"key\":\"" + s1 + "\"}").send());
      var rotated = h.post("/v1/keys/" + id2 + "/rotate", "{\"grace_seconds\":60}").send();
      secrets.add(rotated.data().get("secret").asText());
      var madeOperator = h.post("/v1/operator-keys", "{\"name\":\"upstream\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + ws + "\"}").send();
      String opId = madeOperator.data().get("id").asText();
      secrets.add(madeOperator.data().get("secret").asText());
      replies.add(h.get("/v1/operator-keys/" + opId).send());
      replies.add(h.get("/v1/operator-keys?name_prefix=" + s1).send());
      replies.add(h.patch("/v1/operator-keys/" + opId, "{\"name\":\"" + s1 + "\"}").send());
      var rotatedOperator = h.post("/v1/operator-keys/" + opId + "/rotate", "{\"grace_seconds\":60}").send();
      secrets.add(rotatedOperator.data().get("secret").asText());
      replies.add(h.call("POST", "/v1/operator-keys").auth(madeOperator.data().get("secret").asText())
          .json("{\"name\":\"x\",\"scopes\":[\"admin\"]}").send());
      replies.add(h.delete("/v1/operator-keys/" + rotatedOperator.data().get("id").asText()).send());
      replies.add(h.get("/v1/operator-keys").send());
      replies.add(h.get("/v1/audit-events?limit=100").send());
      for (var r : replies) {
        bodies.add(r.status() + " " + r.raw.body());
      }
    } finally {
      logs.close();
    }

    String logText = logs.text();
    assertThat(logText).isNotBlank();
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.add(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    for (String secret : secrets) {
      String random = secret.substring(secret.length() - KeyFormat.BODY_LENGTH,
          secret.length() - KeyFormat.CHECKSUM_LENGTH);
      for (String body : bodies) {
        assertThat(body).as("a response body").doesNotContain(random);
      }
      assertThat(logText).as("the logs").doesNotContain(random);
      for (String file : files) {
        assertThat(file.contains(random)).as("a data file").isFalse();
      }
    }
  }
}
