package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The forwarding layer of the gateway against a real upstream HTTP server. */
class ForwarderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long HUNDRED_MB = 100L * 1024 * 1024;
  static Vertx vertx;
  static HttpServer upstream;
  static HttpServer gateway;
  static Forwarder forwarder;
  static int deadPort;
  static volatile ErrorStyle style = ErrorStyle.ENVELOPE;
  static volatile Runnable sseEnd;
  static final Map<Object, Integer> served = new java.util.concurrent.ConcurrentHashMap<>();
  static final java.util.concurrent.atomic.AtomicInteger staleCloses = new java.util.concurrent.atomic.AtomicInteger();
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.writeTextMessage("identity=" + ws.headers().get("X-Keywarden-Key-Id")
          + " auth=" + ws.headers().contains("Authorization"));
      ws.textMessageHandler(m -> ws.writeTextMessage("echo:" + m));
    }).requestHandler(req -> {
      int servedBefore = served.merge(req.connection(), 1, Integer::sum) - 1;
      switch (req.path()) {
        case "/base/slow" -> vertx.setTimer(3000, t -> req.response().end("late"));
        case "/base/reset" -> req.connection().close();
        case "/base/stale" -> {
          // A keep-alive connection the upstream has given up on: it closes on the next request.
          if (servedBefore > 0) {
            staleCloses.incrementAndGet();
            req.connection().close();
          } else {
            req.body().onSuccess(b -> req.response().end("fresh"));
          }
        }
        case "/base/close" -> req.response().putHeader("Connection", "close")
            .end(String.valueOf(req.connection().remoteAddress().port()));
        case "/base/events" -> {
          // One event now; the stream stays open until the client has seen it and asks for the end.
          var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
          resp.write("data: first\n\n");
          sseEnd = () -> resp.end("data: last\n\n");
        }
        case "/base/big" -> {
          var resp = req.response().setChunked(true);
          Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
          long[] left = {HUNDRED_MB / chunk.length()};
          Runnable[] pump = new Runnable[1];
          pump[0] = () -> {
            while (left[0] > 0 && !resp.writeQueueFull()) {
              resp.write(chunk);
              left[0]--;
            }
            if (left[0] == 0) {
              resp.end();
            } else {
              resp.drainHandler(v -> pump[0].run());
            }
          };
          pump[0].run();
        }
        default -> {
          AtomicLong bytes = new AtomicLong();
          req.handler(b -> bytes.addAndGet(b.length()));
          req.endHandler(v -> {
            JsonObject headers = new JsonObject();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            req.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Keep-Alive", "timeout=5")
                .putHeader("X-Upstream", "yes")
                .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri())
                    .put("peer", req.connection().remoteAddress().port())
                    .put("bytes", bytes.get()).put("headers", headers).encode());
          });
        }
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    Upstream up = new Upstream("up", URI.create("http://127.0.0.1:" + upstream.actualPort() + "/base"),
        Duration.ofSeconds(2), Duration.ofMillis(400), 8);
    Upstream dead = Upstream.of("dead", "http://127.0.0.1:" + deadPort);
    // The same service with a patient response timeout, for the big uploads: on a busy machine the
    // upstream may take longer than up's 400 ms to drain what is still in flight after the last byte.
    Upstream patient = new Upstream("patient", URI.create("http://127.0.0.1:" + upstream.actualPort() + "/base"),
        Duration.ofSeconds(2), Duration.ofSeconds(60), 8);
    forwarder = new Forwarder(vertx, List.of(up, dead, patient));
    gateway = vertx.createHttpServer().requestHandler(req -> {
      req.pause();
      String target = req.path().startsWith("/dead") ? "dead" : req.path().startsWith("/upload") ? "patient" : "up";
      var spec = new Forwarder.Spec("203.0.113.7", Set.of("authorization"), "x-keywarden-",
          List.of(Map.entry("X-Keywarden-Key-Id", "key_real"), Map.entry("X-Keywarden-Scopes", "read write")));
      forwarder.forward(req, target, req.uri(), spec, style);
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    forwarder.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.actualPort() + path)).timeout(Duration.ofSeconds(60));
  }

  private static JsonNode echo(HttpRequest request) throws Exception {
    var r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void methodPathQueryAndBodyReachTheUpstreamUnderItsBasePath() throws Exception {
    var e = echo(to("/v1/things/42?sort=name&x=%2F").POST(HttpRequest.BodyPublishers.ofString("hello")).build());
    assertThat(e.get("method").asText()).isEqualTo("POST");
    assertThat(e.get("uri").asText()).isEqualTo("/base/v1/things/42?sort=name&x=%2F");
    assertThat(e.get("bytes").asLong()).isEqualTo(5);
  }

  @Test
  void theCredentialIsRemovedAndForgedIdentityHeadersAreReplaced() throws Exception {
    var e = echo(to("/v1/x").header("Authorization", "Bearer kw_sk_live_secret")
        .header("X-Keywarden-Key-Id", "key_forged").header("x-keywarden-workspace-id", "ws_forged").GET().build());
    JsonNode h = e.get("headers");
    assertThat(h.has("authorization")).isFalse();
    assertThat(h.get("x-keywarden-key-id").asText()).isEqualTo("key_real");
    assertThat(h.has("x-keywarden-workspace-id")).isFalse();
    assertThat(h.get("x-keywarden-scopes").asText()).isEqualTo("read write");
  }

  @Test
  void forwardedHeadersAreSetAndHostIsTheUpstreams() throws Exception {
    var e = echo(to("/v1/x").header("X-Forwarded-For", "6.6.6.6").header("Forwarded", "for=6.6.6.6").GET().build());
    JsonNode h = e.get("headers");
    assertThat(h.get("x-forwarded-for").asText()).isEqualTo("203.0.113.7");
    assertThat(h.get("x-forwarded-proto").asText()).isEqualTo("http");
    assertThat(h.get("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + gateway.actualPort());
    assertThat(h.get("host").asText()).isEqualTo("127.0.0.1:" + upstream.actualPort());
    assertThat(h.has("forwarded")).isFalse();
  }

  @Test
  void hopByHopHeadersAreDroppedBothWays() throws Exception {
    // A raw request: java.net.http refuses to send Connection and Proxy-* headers itself.
    String raw = "GET /v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, X-Drop-Me\r\n"
        + "X-Drop-Me: 1\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nX-Keep: 1\r\nTE: trailers\r\n\r\n";
    try (var socket = new java.net.Socket("127.0.0.1", gateway.actualPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder head = new StringBuilder();
      String line;
      int length = 0;
      while (!(line = in.readLine()).isEmpty()) {
        head.append(line).append('\n');
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      char[] body = new char[length];
      int read = 0;
      while (read < length) {
        read += in.read(body, read, length - read);
      }
      JsonNode h = JSON.readTree(new String(body)).get("headers");
      assertThat(h.has("x-drop-me")).isFalse();
      assertThat(h.has("proxy-authorization")).isFalse();
      assertThat(h.has("te")).isFalse();
      assertThat(h.get("x-keep").asText()).isEqualTo("1");
      assertThat(head.toString()).containsIgnoringCase("X-Upstream: yes").doesNotContainIgnoringCase("Keep-Alive: timeout");
    }
  }

  @Test
  void anUnreachableUpstreamIs502InTheRoutesStyle() throws Exception {
    style = ErrorStyle.ENVELOPE;
    var r = http.send(to("/dead/x").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("bad_gateway");

    style = ErrorStyle.PROBLEM;
    r = http.send(to("/dead/x").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(502);
    assertThat(p.get("code").asText()).isEqualTo("bad_gateway");

    style = ErrorStyle.text(Map.of(502, "Upstream down."));
    r = http.send(to("/dead/x").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("Upstream down.");
    style = ErrorStyle.ENVELOPE;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"envelope", "problem", "text"})
  void refusedResetAndSilentUpstreamsAre502And502And504InEveryStyle(String name) throws Exception {
    style = name.equals("text") ? ErrorStyle.text(Map.of(502, "Upstream down.", 504, "Upstream slow.")) : ErrorStyle.named(name);
    try {
      Map<String, Integer> expected = new java.util.LinkedHashMap<>();
      expected.put("/dead/x", 502);
      expected.put("/reset", 502);
      expected.put("/slow", 504);
      for (var e : expected.entrySet()) {
        var r = http.send(to(e.getKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(e.getValue());
        String code = e.getValue() == 502 ? "bad_gateway" : "gateway_timeout";
        switch (name) {
          case "envelope" -> {
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo(code);
          }
          case "problem" -> {
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(e.getValue());
            assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo(code);
          }
          default -> assertThat(r.body()).isEqualTo(e.getValue() == 502 ? "Upstream down." : "Upstream slow.");
        }
      }
    } finally {
      style = ErrorStyle.ENVELOPE;
    }
  }

  @Test
  void sequentialRequestsReuseOneKeepAliveConnectionToTheUpstream() throws Exception {
    Set<Integer> peers = new java.util.HashSet<>();
    for (int i = 0; i < 10; i++) {
      peers.add(echo(to("/v1/x?i=" + i).GET().build()).get("peer").asInt());
    }
    assertThat(peers).hasSize(1);
  }

  @Test
  void anUpstreamThatClosesAfterAnsweringGetsAFreshConnectionNextTime() throws Exception {
    Set<String> peers = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      var r = http.send(to("/close").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      peers.add(r.body());
    }
    assertThat(peers).hasSize(3);
    assertThat(echo(to("/v1/after-close").GET().build()).get("uri").asText()).isEqualTo("/base/v1/after-close");
  }

  @Test
  void anIdempotentRequestOnAConnectionTheUpstreamDroppedIsSentAgainOnAFreshOneButABodyIsNot() throws Exception {
    int closesBefore = staleCloses.get();
    for (int i = 0; i < 3; i++) {
      var r = http.send(to("/stale").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("fresh");
    }
    assertThat(staleCloses.get() - closesBefore).as("reused connections were dropped and retried").isGreaterThanOrEqualTo(2);

    var post = http.send(to("/stale").POST(HttpRequest.BodyPublishers.ofString("once")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(502);
    assertThat(JSON.readTree(post.body()).get("error").get("code").asText()).isEqualTo("bad_gateway");
  }

  @Test
  void aSlowUpstreamIs504() throws Exception {
    var r = http.send(to("/slow").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("gateway_timeout");
  }

  @Test
  void aWebSocketUpgradePassesThroughWithTheIdentityOfTheDecision() throws Exception {
    var messages = new java.util.concurrent.LinkedBlockingQueue<String>();
    var listener = new java.net.http.WebSocket.Listener() {
      @Override
      public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
        messages.add(data.toString());
        ws.request(1);
        return null;
      }
    };
    var ws = http.newWebSocketBuilder()
        .header("Authorization", "Bearer kw_sk_live_secret")
        .header("X-Keywarden-Key-Id", "key_forged")
        .buildAsync(URI.create("ws://127.0.0.1:" + gateway.actualPort() + "/ws"), listener)
        .get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("identity=key_real auth=false");
    ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }

  @Test
  void serverSentEventsArriveBeforeTheStreamEnds() throws Exception {
    var r = http.send(to("/events").header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
    var lines = r.body().iterator();
    assertThat(lines.next()).isEqualTo("data: first");
    vertx.runOnContext(v -> sseEnd.run());
    assertThat(lines.next()).isEmpty();
    assertThat(lines.next()).isEqualTo("data: last");
  }

  @Test
  void aHundredMegabyteUploadStreamsThrough() throws Exception {
    byte[] chunk = new byte[1024 * 1024];
    var body = HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
      long left = HUNDRED_MB;

      @Override
      public int read() {
        return left-- > 0 ? 0 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, Math.min(left, chunk.length));
        left -= n;
        return n;
      }
    });
    var e = echo(to("/upload").header("Content-Type", "application/octet-stream").POST(body).build());
    assertThat(e.get("bytes").asLong()).isEqualTo(HUNDRED_MB);
  }

  @Test
  void aHundredMegabyteDownloadStreamsThrough() throws Exception {
    var r = http.send(to("/big").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    long total = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    }
    assertThat(total).isEqualTo(HUNDRED_MB);
  }
}
