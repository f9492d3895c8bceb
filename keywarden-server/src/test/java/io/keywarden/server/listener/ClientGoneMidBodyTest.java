package io.keywarden.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.testkit.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that sends half a request body and hangs up is an everyday event, not a fault: each
 * listener notes it in one DEBUG line, with no ERROR and no stack trace.
 */
class ClientGoneMidBodyTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static ServerHarness h;
  /** Completes when the upstream has seen a request's body end or fail. */
  static volatile CompletableFuture<String> upstreamDone = new CompletableFuture<>();
  /** Completes when a request reached the upstream. */
  static volatile CompletableFuture<Void> upstreamStarted = new CompletableFuture<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      upstreamStarted.complete(null);
      req.exceptionHandler(t -> upstreamDone.complete("failed"));
      req.body().onComplete(b -> {
        upstreamDone.complete(b.succeeded() ? "ended" : "failed");
        if (b.succeeded()) {
          req.response().end("ok");
        }
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            app: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: "/{rest*}", authentication: none, upstream: app}
        """.formatted(upstream.actualPort()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource({
      "api, /v1/workspaces, closed",
      "api, /v1/workspaces, reset",
      "gateway, /upload, closed",
      "gateway, /upload, reset"})
  void aClientThatHangsUpMidBodyIsOneDebugLineNotAnErrorWithAStackTrace(String listener, String path, String how)
      throws Exception {
    int port = listener.equals("api") ? h.server.apiPort() : h.server.gatewayPort();
    upstreamDone = new CompletableFuture<>();
    upstreamStarted = new CompletableFuture<>();
    try (LogCapture logs = LogCapture.start()) {
      Socket s = new Socket("127.0.0.1", port);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + h.adminKey
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"name\":\"half")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (listener.equals("gateway")) {
        upstreamStarted.get(10, TimeUnit.SECONDS); // the hang-up happens mid-relay
      }
      if (how.equals("reset")) {
        s.setSoLinger(true, 0);
      }
      s.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!logs.text().contains("client went away") && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // a bounded poll for the log line
      }
      if (listener.equals("gateway")) {
        assertThat(upstreamDone.get(10, TimeUnit.SECONDS)).isEqualTo("failed");
      }
      // Everything is captured at TRACE; what counts is what an operator sees at DEBUG and above.
      String level = "";
      String event = "";
      int goneLines = 0;
      for (String line : logs.text().split("\n")) {
        if (line.matches("^(TRACE|DEBUG|INFO|WARN|ERROR) .*")) {
          level = line.substring(0, line.indexOf(' '));
          event = line;
          assertThat(level).as(line).isIn("TRACE", "DEBUG", "INFO");
          if (level.equals("DEBUG") && line.startsWith("DEBUG io.keywarden.") && line.contains("client went away")) {
            goneLines++;
          }
        } else if (line.startsWith("\tat ")) {
          // Libraries print their own traces at TRACE and DEBUG (vert.x web for any failed routing
          // context); Keywarden's lines and anything at INFO or above carry none.
          assertThat(event).as("a stack trace under: " + event)
              .matches("^(TRACE|DEBUG) .*").doesNotStartWith("DEBUG io.keywarden.");
        }
      }
      assertThat(goneLines).isEqualTo(1);
    }
  }
}
