package io.keywarden.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.RawEchoUpstream;
import io.keywarden.server.testing.RawHttp;
import io.keywarden.server.testing.ServerHarness;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heads whose framing a proxy and its upstream could read differently (RFC 9112 §6.1), sent over
 * raw sockets to both listeners of a real Keywarden in front of an upstream that records the bytes
 * it receives: each is refused with 400 {@code invalid_request} and {@code Connection: close}, the
 * connection ends, and nothing (in particular nothing smuggled behind the head) reaches the
 * upstream.
 */
class RequestFramingTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static RawEchoUpstream upstream;
  static ServerHarness h;

  @BeforeAll
  static void start() throws Exception {
    upstream = new RawEchoUpstream();
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /v1/x, methods: [POST], authentication: none}
            - {path: /open/smuggled, methods: [GET], authentication: none}
        """.formatted(upstream.port()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    upstream.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    upstream.clear();
  }

  static final String SMUGGLED = "GET /open/smuggled HTTP/1.1\r\nHost: a\r\n\r\n";

  /** Framing headers, each followed by a body that ends a chunked read and smuggles a request. */
  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 40\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: chunked\r\nContent-Length: 40",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: x",
      "Transfer-Encoding: chunked, chunked",
      "Transfer-Encoding: gzip, chunked",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: ",
      "Content-Length: 5\r\nTransfer-Encoding:$chunked",
      "Transfer-Encoding: xchunked"})
  void aHeadWithAmbiguousFramingIsRefusedAndClosesTheConnectionOnBothListeners(String framing) throws Exception {
    for (int port : new int[] {h.server.gatewayPort(), h.server.apiPort()}) {
      String request = "POST /v1/x HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n0\r\n\r\n" + SMUGGLED;
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(15_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        var a = RawHttp.read(in);
        assertThat(a.status()).as("port %d, %s:\n%s", port, framing, a.head()).isEqualTo(400);
        assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(JSON.readTree(a.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(in.read()).as("the connection ends after the refusal").isEqualTo(-1);
      }
      assertThat(upstream.next(Duration.ofMillis(300))).as("the upstream received something").isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/3.0"})
  void aRequestLineWithAnotherVersionIsA400(String version) throws Exception {
    for (int port : new int[] {h.server.gatewayPort(), h.server.apiPort()}) {
      var a = RawHttp.exchange(port, "GET /open/smuggled " + version + "\r\nHost: a\r\n\r\n");
      assertThat(a.status()).as("port %d, %s:\n%s", port, version, a.head()).isEqualTo(400);
      assertThat(JSON.readTree(a.body()).at("/error/code").asText()).isEqualTo("invalid_request");
    }
    assertThat(upstream.next(Duration.ofMillis(300))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Transfer-Encoding: chunked", "Transfer-Encoding: ChUnKeD ", "Content-Length: 5"})
  void aWellFramedBodyStillArrivesWhole(String framing) throws Exception {
    String body = framing.startsWith("Content") ? "hello" : "5\r\nhello\r\n0\r\n\r\n";
    var a = RawHttp.exchange(h.server.gatewayPort(), "POST /v1/x HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n" + body);
    assertThat(a.status()).as(a.head()).isEqualTo(200);
    var r = upstream.next(Duration.ofSeconds(10));
    assertThat(r).isNotNull();
    assertThat(r.complete()).isTrue();
    assertThat(r.text()).contains("hello");
  }

  @org.junit.jupiter.api.Test
  void aConnectRequestIsRefusedAndNothingBehindItReachesTheUpstream() throws Exception {
    for (int port : new int[] {h.server.gatewayPort(), h.server.apiPort()}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(15_000);
        s.getOutputStream().write(("CONNECT /open/smuggled HTTP/1.1\r\nHost: a\r\n\r\n" + SMUGGLED)
            .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        var a = RawHttp.read(in);
        assertThat(a.status()).as("port %d:\n%s", port, a.head()).isEqualTo(400);
        assertThat(JSON.readTree(a.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(in.read()).isEqualTo(-1);
      }
      assertThat(upstream.next(Duration.ofMillis(300))).isNull();
    }
  }

  @org.junit.jupiter.api.Test
  void aRefusedHeadBehindAPipelinedRequestIsAnsweredAfterIt() throws Exception {
    try (Socket s = new Socket("127.0.0.1", h.server.gatewayPort())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(("POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
          + "POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
          + SMUGGLED).getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      assertThat(RawHttp.read(in).status()).isEqualTo(200);
      var refused = RawHttp.read(in);
      assertThat(refused.status()).as(refused.head()).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("invalid_request");
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(upstream.next(Duration.ofSeconds(10))).isNotNull();
    assertThat(upstream.next(Duration.ofMillis(300))).as("only the first request").isNull();
  }
}
