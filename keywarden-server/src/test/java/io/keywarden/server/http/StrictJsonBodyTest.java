package io.keywarden.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.testing.ServerHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies over real HTTP: exactly one JSON value, of valid Unicode. Anything else is a 400
 * with a stable code naming the problem, and nothing is written. The management API and the
 * verify API read bodies through the same reader.
 */
class StrictJsonBodyTest {
  @TempDir static Path dir;
  static ServerHarness h;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static int workspaces() {
    return h.get("/v1/workspaces?limit=100").send().data().size();
  }

  private static ServerHarness.Reply post(String path, byte[] body) {
    return h.call("POST", path).auth(h.adminKey).body("application/json", body).send();
  }

  @Test
  void aBodyWithASecondValueAfterTheFirstIsMalformedJsonAndCreatesNothing() {
    int before = workspaces();

    var r = h.post("/v1/workspaces", "{\"name\":\"x\"} {\"name\":\"y\"}").send();

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("malformed_json");
    assertThat(r.errorField()).isEqualTo("body");
    assertThat(r.json.get("error").get("message").asText()).contains("after the end of the JSON value");
    assertThat(workspaces()).isEqualTo(before);
  }

  @Test
  void trailingGarbageAfterTheValueIsMalformedJson() {
    for (String body : new String[] {"{\"name\":\"x\"}]", "{\"name\":\"x\"} x", "{\"name\":\"x\"}{}"}) {
      var r = h.post("/v1/workspaces", body).send();
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).as(body).isEqualTo("malformed_json");
    }
  }

  @Test
  void trailingWhitespaceIsFine() {
    var r = h.post("/v1/workspaces", "{\"name\":\"spaced\"}\r\n \t").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Test
  void aSyntaxErrorIsMalformedJsonSayingWhere() {
    var r = h.post("/v1/workspaces", "{\"name\": \"x\",}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("malformed_json");
    assertThat(r.json.get("error").get("message").asText()).contains("line 1");
  }

  @Test
  void anEscapedLoneSurrogateIsInvalidUnicodeNamingTheFieldAndCreatesNothing() {
    int before = workspaces();
    for (String s : new String[] {"\\ud800", "a\\udfffb", "\\ud800\\ud800", "x\\udc00\\ud800"}) {
      var r = h.post("/v1/workspaces", "{\"name\":\"" + s + "\"}").send();
      assertThat(r.status()).as(s).isEqualTo(400);
      assertThat(r.errorCode()).as(s).isEqualTo("invalid_unicode");
      assertThat(r.errorField()).as(s).isEqualTo("name");
    }
    assertThat(workspaces()).isEqualTo(before);
  }

  @Test
  void aLoneSurrogateInAFieldNameOrDeepInsideIsInvalidUnicode() {
    assertThat(h.post("/v1/workspaces", "{\"\\ud800\":\"x\"}").send().errorCode()).isEqualTo("invalid_unicode");
    var keys = h.post("/v1/keys", "{\"workspace_id\":\"ws_x\",\"kind\":\"user\",\"name\":\"k\","
        + "\"scopes\":[\"read\",\"\\udbff\"]}").send();
    assertThat(keys.errorCode()).isEqualTo("invalid_unicode");
    assertThat(keys.errorField()).isEqualTo("scopes");
  }

  @Test
  void aSurrogateEncodedDirectlyInUtf8IsRefused() {
    byte[] head = "{\"name\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + 3 + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xED; // U+D800 written as UTF-8 (not valid UTF-8)
    body[head.length + 1] = (byte) 0xA0;
    body[head.length + 2] = (byte) 0x80;
    System.arraycopy(tail, 0, body, head.length + 3, tail.length);

    var r = post("/v1/workspaces", body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isIn("invalid_unicode", "malformed_json");
  }

  @Test
  void aPairedSurrogateIsAnOrdinaryCharacter() {
    var r = h.post("/v1/workspaces", "{\"name\":\"rocket \\ud83d\\ude80\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.data().get("name").asText()).isEqualTo("rocket \uD83D\uDE80");
  }

  @Test
  void theVerifyApiRefusesTrailingContentAndLoneSurrogatesToo() {
    var trailing = h.post("/v1/keys/verify", "{\"key\":\"kw_sk_live_x\"} {\"key\":\"y\"}").send();
    var surrogate = h.post("/v1/keys/verify", "{\"key\":\"kw_sk_live_x\",\"origin\":\"\\ud800\"}").send();

    assertThat(trailing.status()).isEqualTo(400);
    assertThat(trailing.errorCode()).isEqualTo("malformed_json");
    assertThat(surrogate.status()).isEqualTo(400);
    assertThat(surrogate.errorCode()).isEqualTo("invalid_unicode");
    assertThat(surrogate.errorField()).isEqualTo("origin");
  }

  @Test
  void aFieldNameWithAStrayByteIsMalformedEvenAfterTheRealNameWasRead() {
    // The real name first, so the parser's shared symbol table knows it.
    var first = post("/v1/workspaces", "{\"name\":\"sym-a\",\"external_id\":\"sym-first\"}"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    int before = workspaces();
    byte[] body = "{\"name\":\"sym-b\",\"externalX_id\":\"sym-second\"}".getBytes(StandardCharsets.UTF_8);
    body[new String(body, StandardCharsets.ISO_8859_1).indexOf('X')] = (byte) 0xff;

    var r = post("/v1/workspaces", body);

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("malformed_json");
    assertThat(workspaces()).isEqualTo(before);
  }
}
