package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One listener per event loop shares one port, also when the port is chosen by the system. */
class ListenersTest {
  @TempDir Path dir;

  @Test
  void severalEventLoopsShareARandomPort() throws Exception {
    KeywardenConfig cfg = KeywardenConfig.defaults()
        .withServer(new ServerSettings("127.0.0.1", 0, 0, ServerSettings.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(1), 4))
        .withDataDir(dir.resolve("data"))
        .withAdminKeyFile(dir.resolve("admin.key"));
    try (KeywardenServer server = KeywardenServer.start(cfg, new PrintStream(new ByteArrayOutputStream()))) {
      assertThat(server.apiPort()).isPositive();
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 8; i++) {
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
  }
}
