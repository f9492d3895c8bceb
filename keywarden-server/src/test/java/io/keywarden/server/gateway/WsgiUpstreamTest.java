package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.RawHttp;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forged identity headers against an upstream that reads headers the way CGI and WSGI do (Python's
 * {@code wsgiref}: {@code -} and {@code _} both become {@code _} in {@code HTTP_*} variables, and
 * repeated names are joined with commas). Skipped, saying so, on a machine without {@code python3}.
 */
class WsgiUpstreamTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String APP = """
      import json
      from wsgiref.simple_server import make_server, WSGIRequestHandler
      class Quiet(WSGIRequestHandler):
          def log_message(self, *args):
              pass
      def app(environ, start):
          body = json.dumps({k: v for k, v in environ.items() if k.startswith('HTTP_')}).encode()
          start('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
          return [body]
      server = make_server('127.0.0.1', 0, app, handler_class=Quiet)
      print(server.server_port, flush=True)
      server.serve_forever()
      """;
  @TempDir static Path dir;
  static Process python;
  static ServerHarness h;
  static String key;
  static String user;

  @BeforeAll
  static void start() throws Exception {
    try {
      python = new ProcessBuilder("python3", "-c", APP).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      python = null;
    }
    assumeTrue(python != null, "python3 is not installed: the WSGI upstream check is skipped"
        + " (GatewayHardeningTest checks the same on raw sockets)");
    String port = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assumeTrue(port != null && port.matches("\\d+"), "python3 could not start wsgiref: " + port);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%s"}
          routes:
            - {path: /wsgi, methods: [GET], scopes: [read]}
        """.formatted(port));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    String ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "owner", List.of(), null, Actor.SYSTEM);
    key = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
    if (python != null) {
      python.destroy();
      python.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWsgiUpstreamSeesOnlyTheGatewaysIdentityWhateverTheClientSpelt() throws Exception {
    var a = RawHttp.exchange(h.server.gatewayPort(), "GET /wsgi HTTP/1.1\r\nHost: gw.example\r\n"
        + "Authorization: Bearer " + key + "\r\n"
        + "X_Keywarden_User_Id: usr_forged\r\nX-Keywarden_Scopes: admin\r\nx_keywarden_key_kind: project\r\n"
        + "X_Keywarden_Workspace_Id: ws_forged\r\nX_Forwarded_For: 6.6.6.6\r\nX_HTTP_Method_Override: DELETE\r\n\r\n");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    JsonNode env = JSON.readTree(a.body());
    assertThat(env.path("HTTP_X_KEYWARDEN_USER_ID").asText()).isEqualTo(user);
    assertThat(env.path("HTTP_X_KEYWARDEN_SCOPES").asText()).isEqualTo("read");
    assertThat(env.path("HTTP_X_KEYWARDEN_KEY_KIND").asText()).isEqualTo("user");
    assertThat(env.path("HTTP_X_FORWARDED_FOR").asText()).isEqualTo("127.0.0.1");
    assertThat(env.has("HTTP_X_HTTP_METHOD_OVERRIDE")).isFalse();
    assertThat(env.has("HTTP_AUTHORIZATION")).isFalse();
    assertThat(a.body()).doesNotContain("forged", "admin", "6.6.6.6", key);
  }
}
