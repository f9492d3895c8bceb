package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.RawEchoUpstream;
import io.keywarden.server.testing.RawHttp;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second outside review of the gateway's forwarding guarantees (security findings 1, 6, 7, 11):
 * variants of the first attacks, over raw sockets against an upstream that records the bytes it
 * receives.
 */
class SecurityReviewTest {
  @TempDir static Path dir;
  static RawEchoUpstream upstream;
  static ServerHarness h;
  static String key;
  static String writeKey;

  @BeforeAll
  static void start() throws Exception {
    upstream = new RawEchoUpstream();
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /api/regions, methods: [GET], scopes: [read]}
            - {path: /ws, methods: [GET], credentials: ["query:api_key", bearer], scopes: [read]}
            - {path: /upload, methods: [POST], authentication: none}
            - path: /v1/items/{id}
              methods: [GET, POST, DELETE]
              scopes_by_method: {GET: [read], POST: [write], DELETE: [admin]}
        """.formatted(upstream.port()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    String ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    String user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "owner", List.of(), null, Actor.SYSTEM);
    key = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
    writeKey = kw.keys().create(NewKeyRequest.userKey(ws, user, "w", List.of("read", "write")), Actor.SYSTEM)
        .secret();
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

  static int gw() {
    return h.server.gatewayPort();
  }

  /** Every request the upstream received within a short wait. */
  static List<RawEchoUpstream.Received> receivedWithin(Duration wait) throws InterruptedException {
    var all = new java.util.ArrayList<RawEchoUpstream.Received>();
    RawEchoUpstream.Received r;
    while ((r = upstream.next(wait)) != null) {
      all.add(r);
    }
    return all;
  }

  // Finding 1, variants: the scheme's case, userinfo, an https target, IPv6 and trailing-dot hosts.

  @ParameterizedTest
  @ValueSource(strings = {"HTTP://admin.internal/api/regions", "https://admin.internal/api/regions",
      "hTtP://ADMIN.internal/api/regions"})
  void anAbsoluteFormTargetInAnySchemeSpellingIsForwardedInOriginForm(String target) throws Exception {
    var a = RawHttp.exchange(gw(), "GET " + target + " HTTP/1.1\r\nHost: admin.internal\r\nAuthorization: Bearer "
        + key + "\r\n\r\n");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = receivedWithin(Duration.ofSeconds(2));
    assertThat(r).hasSize(1);
    assertThat(r.get(0).requestLine()).isEqualTo("GET /api/regions HTTP/1.1");
    assertThat(r.get(0).header("Host")).containsExactly("127.0.0.1:" + upstream.port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://u:p@admin.internal/api/regions", "http:///api/regions",
      "http://admin.internal:80/api/regions"})
  void anAbsoluteFormTargetWithUserinfoNoHostOrAnotherPortIs400(String target) throws Exception {
    var a = RawHttp.exchange(gw(), "GET " + target + " HTTP/1.1\r\nHost: admin.internal\r\nAuthorization: Bearer "
        + key + "\r\n\r\n");
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    assertThat(receivedWithin(Duration.ofMillis(300))).isEmpty();
  }

  @Test
  void anH2cUpgradeWithAnAbsoluteTargetNeverReachesTheUpstreamAsAbsoluteOrForeign() throws Exception {
    for (String host : List.of("admin.internal", "127.0.0.1")) {
      try (Socket s = new Socket("127.0.0.1", gw())) {
        s.setSoTimeout(5000);
        var out = s.getOutputStream();
        out.write(("GET http://admin.internal/api/regions HTTP/1.1\r\nHost: " + host + "\r\n"
            + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
            + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String head = readHead(s.getInputStream());
        if (head.startsWith("HTTP/1.1 101")) {
          // The client preface and an empty SETTINGS frame: the upgraded request now runs as stream 1.
          out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
          out.flush();
        }
        var r = receivedWithin(Duration.ofSeconds(2));
        for (var got : r) {
          assertThat(got.requestLine()).as(host + ": " + head).isEqualTo("GET /api/regions HTTP/1.1");
          assertThat(got.header("Host")).containsExactly("127.0.0.1:" + upstream.port());
        }
        if (!host.equals("admin.internal")) {
          assertThat(r).as("a Host that disagrees with the target: never forwarded\n" + head).isEmpty();
        }
      }
    }
  }



  // Finding 10, variant: the override in the query, where Laravel, Symfony and Express's
  // method-override read it for a POST.

  @ParameterizedTest
  @ValueSource(strings = {"_method=DELETE", "_METHOD=delete", "%5Fmethod=DELETE", "keep=1;_method=DELETE",
      "keep=1&_method=DELETE&_method=DELETE", ".method=DELETE", "_method[]=DELETE"})
  void aPostWithAMethodOverrideInTheQueryReachesTheUpstreamWithoutIt(String query) throws Exception {
    var a = RawHttp.exchange(gw(), "POST /v1/items/7?" + query + " HTTP/1.1\r\nHost: gw.example\r\n"
        + "Authorization: Bearer " + writeKey + "\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = receivedWithin(Duration.ofSeconds(1));
    assertThat(r).hasSize(1);
    String line = r.get(0).requestLine();
    assertThat(line).startsWith("POST /v1/items/7");
    assertThat(line.toLowerCase(java.util.Locale.ROOT)).doesNotContain("method", "delete");
    if (query.startsWith("keep=1")) {
      assertThat(line).isEqualTo("POST /v1/items/7?keep=1 HTTP/1.1");
    }
  }

  @Test
  void aQueryWithoutAMethodOverrideIsForwardedByteForByte() throws Exception {
    var a = RawHttp.exchange(gw(), "GET /v1/items/7?method=x&my_method=y&a=%5F HTTP/1.1\r\nHost: gw.example\r\n"
        + "Authorization: Bearer " + key + "\r\n\r\n");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(receivedWithin(Duration.ofSeconds(1)).get(0).requestLine())
        .isEqualTo("GET /v1/items/7?method=x&my_method=y&a=%5F HTTP/1.1");
  }


  // Findings 6, 7 and 10 on the WebSocket handshake, which takes its own path through the forwarder.

  @Test
  void aWebSocketHandshakeCarriesNoForgedIdentityNoQueryKeyAndNoOverride() throws Exception {
    List<RawEchoUpstream.Received> r;
    try (Socket s = new Socket("127.0.0.1", gw())) {
      s.getOutputStream().write(("GET /ws?API_KEY=" + key + "&_method=DELETE&keep=1 HTTP/1.1\r\nHost: gw.example\r\n"
          + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX_Keywarden_User_Id: usr_forged\r\n"
          + "X-Keywarden_Scopes: admin\r\nX-HTTP-Method-Override: DELETE\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      r = receivedWithin(Duration.ofSeconds(1));
    }
    assertThat(r).hasSize(1);
    String text = r.get(0).text();
    assertThat(r.get(0).requestLine()).isEqualTo("GET /ws?keep=1 HTTP/1.1");
    assertThat(text).doesNotContain(key).doesNotContain(key.substring(8)).doesNotContain("usr_forged")
        .doesNotContain("DELETE");
    assertThat(r.get(0).header("X-Keywarden-Scopes")).containsExactly("read");
  }


  @Test
  void anHttp2RequestCarriesNoForgedIdentityNoQueryKeyAndNoOverride() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
          .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      int status = client.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET)
              .setHost("127.0.0.1").setPort(gw()).setURI("/ws?api%5Fkey=" + key + "&_Method=DELETE&keep=1")
              .putHeader("x_keywarden_user_id", "usr_forged").putHeader("x-keywarden_scopes", "admin")
              .putHeader("x-http-method-override", "DELETE"))
          .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(status).isEqualTo(200);
      var r = receivedWithin(Duration.ofSeconds(1));
      assertThat(r).hasSize(1);
      assertThat(r.get(0).requestLine()).isEqualTo("GET /ws?keep=1 HTTP/1.1");
      assertThat(r.get(0).text()).doesNotContain(key.substring(8)).doesNotContain("usr_forged")
          .doesNotContain("DELETE");
      assertThat(r.get(0).header("X-Keywarden-Scopes")).containsExactly("read");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  // Finding 11, variants: a chunked body cut short, a pipelined request behind a broken chunk,
  // Content-Length with Transfer-Encoding, trailers.

  @Test
  void aChunkedBodyWhoseClientHangsUpMidBodyNeverReachesTheUpstreamAsAWholeRequest() throws Exception {
    // With Content-Length a body cut short cannot pass for a whole one; a chunked body can, if the
    // gateway ends the upstream request with its own last chunk.
    try (Socket s = new Socket("127.0.0.1", gw())) {
      s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      var first = upstream.next(Duration.ofMillis(300)); // the head may be on its way already
      if (first != null) {
        assertThat(first.complete()).as("the upstream saw a complete request:\n" + first.text()).isFalse();
      }
    }
    for (var r : receivedWithin(Duration.ofSeconds(2))) {
      assertThat(r.complete()).as("the upstream saw a complete request:\n" + r.text()).isFalse();
    }
  }

  @Test
  void aRequestPipelinedBehindABrokenChunkNeverReachesTheUpstream() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\nZZ\r\nPOST /upload?smuggled=1 HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      var answer = RawHttp.read(s.getInputStream());
      assertThat(answer.status()).isIn(0, 400);
    }
    for (var r : receivedWithin(Duration.ofSeconds(2))) {
      assertThat(r.text()).doesNotContain("smuggled");
      assertThat(r.complete()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Length: 4\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: chunked\r\nContent-Length: 100", "Transfer-Encoding: chunked, identity",
      "Transfer-Encoding: identity, chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity"})
  void aBodyFramedTwoWaysReachesTheUpstreamFramedOneWay(String framing) throws Exception {
    var a = RawHttp.exchange(gw(), "POST /upload HTTP/1.1\r\nHost: gw.example\r\n" + framing + "\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\nGET /upload?smuggled=1 HTTP/1.1\r\nHost: gw.example\r\n\r\n");
    assertThat(a.status()).as(a.head()).isIn(200, 400);
    var r = receivedWithin(Duration.ofSeconds(1));
    for (var got : r) {
      assertThat(got.text()).doesNotContain("smuggled");
      assertThat(got.header("Content-Length")).isEmpty();
      assertThat(got.header("Transfer-Encoding")).containsExactly("chunked");
      assertThat(got.complete()).isTrue();
    }
  }

  @Test
  void trailersOfAChunkedBodyNeverReachTheUpstream() throws Exception {
    var a = RawHttp.exchange(gw(), "POST /upload HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\nX-Keywarden-User-Id: usr_forged\r\nAuthorization: Bearer forged\r\n\r\n");
    assertThat(a.status()).isEqualTo(200);
    var r = receivedWithin(Duration.ofSeconds(1));
    assertThat(r).hasSize(1);
    assertThat(r.get(0).text()).doesNotContain("usr_forged", "forged");
  }

  static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      String s = b.toString(StandardCharsets.ISO_8859_1);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
