package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload of the gateway section lets streams under way finish on the forwarder they started
 * with, however long they last, while new requests use the new configuration. The replaced
 * forwarder is retired at once here (instead of after a minute), so a stream it cut would show.
 */
class GatewayReloadTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static ServerHarness h;
  static Path configFile;
  static final LinkedBlockingQueue<Runnable> sseEnds = new LinkedBlockingQueue<>();
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static String config(String extra) {
    return """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /events, authentication: none}
            - {path: /ws, authentication: none}
        %s""".formatted(upstream.actualPort(), extra);
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer()
        .webSocketHandler(ws -> ws.textMessageHandler(m -> ws.writeTextMessage("echo:" + m)))
        .requestHandler(req -> {
          if (req.path().equals("/events")) {
            var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: first\n\n");
            sseEnds.add(() -> resp.end("data: last\n\n"));
          } else {
            req.response().end("new:" + req.path());
          }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, config(""));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    h.server.gateway().retireAfter(Duration.ZERO);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String gw(String path) {
    return "http://127.0.0.1:" + h.server.gatewayPort() + path;
  }

  static void reload(String extra) throws Exception {
    Files.writeString(configFile, config(extra));
    assertThat(h.server.reloadGateway()).isTrue();
  }

  @Test
  void aServerSentEventStreamOutlivesAReloadAndNewRequestsUseTheNewRoutes() throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create(gw("/events"))).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    var lines = r.body().iterator();
    assertThat(lines.next()).isEqualTo("data: first");
    Runnable end = sseEnds.poll(10, TimeUnit.SECONDS);

    reload("    - {path: /added, authentication: none}\n");
    var added = http.send(HttpRequest.newBuilder(URI.create(gw("/added"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(added.body()).isEqualTo("new:/added");

    vertx.runOnContext(v -> end.run());
    assertThat(lines.next()).isEmpty();
    assertThat(lines.next()).isEqualTo("data: last");
    List<String> rest = new java.util.ArrayList<>();
    lines.forEachRemaining(rest::add);
    assertThat(rest).containsOnly(""); // the stream ended cleanly after the last event
    // The retired forwarder has closed now that its last exchange ended; the new one serves on.
    for (int i = 0; i < 3; i++) {
      var again = http.send(HttpRequest.newBuilder(URI.create(gw("/added"))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(again.body()).isEqualTo("new:/added");
    }
  }

  @Test
  void aWebSocketSessionOutlivesAReload() throws Exception {
    var messages = new LinkedBlockingQueue<String>();
    var ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + h.server.gatewayPort() + "/ws"),
        new java.net.http.WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data, boolean last) {
            messages.add(data.toString());
            socket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("one", true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:one");

    reload("    - {path: /other, authentication: none}\n");

    ws.sendText("two", true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:two");
    ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }
}
