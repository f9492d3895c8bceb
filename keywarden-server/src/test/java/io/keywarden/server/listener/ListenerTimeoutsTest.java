package io.keywarden.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow and idle clients against both real listeners, over raw sockets, with small limits (head
 * 300 ms, idle 600 ms, body 300 ms): a stalled head is answered 408 and closed, a silent or idle
 * connection is closed, a stalled body on the gateway aborts the upstream request so the upstream
 * never sees it complete, while a slow but steady body, a late answer and a long streamed answer
 * pass untouched, and stalled clients do not keep good requests waiting.
 *
 * <p>Every wait is for a real network event, bounded well above the limits.
 */
class ListenerTimeoutsTest {
  static final int HEADER_MS = 300;
  static final int IDLE_MS = 600;
  static final int BODY_MS = 300;
  /** Far above every limit: a connection still open after this was not cut. */
  static final int BOUND_MS = 5000;

  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static RawUpstream raw;
  static ServerHarness h;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/echo" -> req.body().onSuccess(b -> req.response().end(b));
        case "/late" -> vertx.setTimer(IDLE_MS * 2L, t -> req.response().end("late"));
        case "/stream" -> {
          // An event stream: a line every 100 ms for well over every limit.
          req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
          int[] n = {0};
          vertx.setPeriodic(100, t -> {
            if (++n[0] > 15) {
              vertx.cancelTimer(t);
              req.response().end("data: end\n\n");
            } else {
              req.response().write("data: " + n[0] + "\n\n");
            }
          });
        }
        default -> req.response().end("ok");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    raw = new RawUpstream();
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        server:
          header_timeout_ms: %d
          idle_timeout_ms: %d
          body_timeout_ms: %d
        gateway:
          upstreams:
            app: {url: "http://127.0.0.1:%d"}
            raw: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: "/raw/{rest*}", authentication: none, upstream: raw}
            - {path: "/{rest*}", authentication: none, upstream: app}
        """.formatted(HEADER_MS, IDLE_MS, BODY_MS, upstream.actualPort(), raw.port()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    // One request to each listener first: the first connection loads classes for a while, which
    // would count against the small limits here.
    for (String listener : new String[] {"api", "gateway"}) {
      try (Socket s = connect(port(listener))) {
        send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        readUntilClosed(s);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    raw.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static int port(String listener) {
    return listener.equals("api") ? h.server.apiPort() : h.server.gatewayPort();
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(BOUND_MS);
    return s;
  }

  /** Everything the server sends until it closes the connection; fails if it stays open past the bound. */
  static String readUntilClosed(Socket s) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + BOUND_MS + " ms; it sent: "
          + got.toString(StandardCharsets.ISO_8859_1));
    } catch (SocketException reset) {
      // closed with a reset: closed all the same
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one response with a Content-Length body; returns head and body. */
  static String readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("closed before a whole response head: " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "gateway"})
  void aClientThatSendsHalfAHeadAndStallsIsAnswered408AndClosed(String listener) throws Exception {
    try (Socket s = connect(port(listener))) {
      long t0 = System.nanoTime();
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      String answer = readUntilClosed(s);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("Connection: close").contains("\"request_timeout\"");
      assertThat(ms).isGreaterThanOrEqualTo(HEADER_MS - 50).isLessThan(HEADER_MS * 3L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "gateway"})
  void aHeadTrickledByteByByteIsCutAtTheHeaderTimeoutNotKeptAliveByTheTrickle(String listener) throws Exception {
    try (Socket s = connect(port(listener))) {
      long t0 = System.nanoTime();
      send(s, "GET /healthz HTTP/1.1\r\n");
      String trickle = "X-Slow: " + "a".repeat(100);
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        try {
          return readUntilClosed(s);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      // One byte every 50 ms: always some traffic, never a whole head.
      for (int i = 0; i < trickle.length() && !answer.isDone(); i++) {
        try {
          send(s, trickle.substring(i, i + 1));
        } catch (IOException closed) {
          break;
        }
        waitFor(answer, 50);
      }
      assertThat(answer.get(BOUND_MS, TimeUnit.MILLISECONDS)).startsWith("HTTP/1.1 408 ");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(HEADER_MS * 3L);
    }
  }

  /** Waits up to {@code ms} for the server to answer; the pacing of a slow client. */
  static void waitFor(CompletableFuture<?> f, long ms) {
    try {
      f.get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException paced) {
      // still open: the client goes on
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "gateway"})
  void aConnectionThatNeverSendsAByteIsClosedAfterTheHeaderTimeout(String listener) throws Exception {
    try (Socket s = connect(port(listener))) {
      long t0 = System.nanoTime();
      assertThat(readUntilClosed(s)).isEmpty();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(HEADER_MS * 3L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "gateway"})
  void aKeptAliveConnectionWithNothingInFlightIsClosedAfterTheIdleTimeoutNotTheHeaderTimeout(String listener)
      throws Exception {
    try (Socket s = connect(port(listener))) {
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(s)).startsWith("HTTP/1.1 200 ");
      long t0 = System.nanoTime();
      assertThat(readUntilClosed(s)).isEmpty();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(ms).isGreaterThanOrEqualTo(IDLE_MS - 50).isLessThan(IDLE_MS * 3L);
    }
  }

  @Test
  void aKeptAliveConnectionServesManyRequestsSpacedBelowTheIdleTimeout() throws Exception {
    try (Socket s = connect(h.server.gatewayPort())) {
      CompletableFuture<Void> never = new CompletableFuture<>();
      for (int i = 0; i < 4; i++) {
        send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readResponse(s)).startsWith("HTTP/1.1 200 ").endsWith("ok");
        waitFor(never, IDLE_MS / 2); // 4 × 300 ms: longer in all than the idle timeout
      }
    }
  }

  @Test
  void aSlowButSteadyBodyIsNotCut() throws Exception {
    String body = "0123456789abcdefghij"; // 20 bytes, one every 100 ms: 2 s, far over the body timeout
    try (Socket s = connect(h.server.gatewayPort())) {
      send(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n");
      CompletableFuture<Void> never = new CompletableFuture<>();
      for (char c : body.toCharArray()) {
        waitFor(never, BODY_MS / 3);
        send(s, String.valueOf(c));
      }
      String answer = readResponse(s);
      assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith(body);
    }
  }

  @Test
  void anAnswerLaterThanEveryLimitAndALongEventStreamAreNotCut() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    var late = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + "/late"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(late.body()).isEqualTo("late");
    var stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.server.gatewayPort() + "/stream"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stream.body()).contains("data: 15\n\n").endsWith("data: end\n\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"content-length", "chunked"})
  void aBodyThatStallsOnTheGatewayIs408AndTheUpstreamNeverSeesItComplete(String framing) throws Exception {
    raw.reset();
    try (Socket s = connect(h.server.gatewayPort())) {
      if (framing.equals("chunked")) {
        send(s, "POST /raw/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      } else {
        send(s, "POST /raw/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "x".repeat(50));
      }
      String answer = readUntilClosed(s);
      assertThat(answer).startsWith("HTTP/1.1 408 ");
    }
    String seen = raw.received().get(BOUND_MS, TimeUnit.MILLISECONDS);
    assertThat(seen).startsWith("POST /raw/upload HTTP/1.1");
    String upstreamBody = seen.substring(seen.indexOf("\r\n\r\n") + 4);
    if (framing.equals("chunked")) {
      assertThat(upstreamBody).contains("hello").doesNotContain("0\r\n\r\n");
    } else {
      assertThat(upstreamBody.length()).isLessThan(100);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "gateway"})
  void manyStalledConnectionsDoNotKeepAGoodRequestWaiting(String listener) throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        Socket s = connect(port(listener));
        send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
        stalled.add(s);
      }
      // A good request is answered while the stalled connections are still held open.
      try (Socket good = connect(port(listener))) {
        send(good, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readResponse(good)).startsWith("HTTP/1.1 200 ");
      }
      Socket newest = stalled.get(stalled.size() - 1);
      newest.setSoTimeout(1);
      try {
        int b = newest.getInputStream().read();
        throw new AssertionError("the newest stalled connection was already answered (" + b + ")");
      } catch (SocketTimeoutException stillOpen) {
        newest.setSoTimeout(BOUND_MS);
      }
      for (Socket s : stalled) {
        assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 408 ");
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  /**
   * An upstream that never answers: it records what reaches it until the gateway closes or resets
   * the connection.
   */
  static final class RawUpstream implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private volatile CompletableFuture<String> received = new CompletableFuture<>();
    private final Thread thread;

    RawUpstream() throws IOException {
      thread = Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (Socket c = server.accept()) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
              int n;
              while ((n = c.getInputStream().read(buf)) >= 0) {
                got.write(buf, 0, n);
              }
            } catch (IOException reset) {
              // a reset ends the request as surely as a close
            }
            received.complete(got.toString(StandardCharsets.ISO_8859_1));
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    void reset() {
      received = new CompletableFuture<>();
    }

    CompletableFuture<String> received() {
      return received;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
