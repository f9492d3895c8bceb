package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.RawEchoUpstream;
import io.keywarden.server.testing.RawHttp;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's forwarding guarantees, attacked as a client would over raw sockets, against an
 * upstream that records the bytes it receives ({@link RawEchoUpstream}): the request target is
 * origin-form and the Host is the upstream's, hosts are read one way only, every {@code
 * X-Forwarded-For} line counts, identity headers cannot be forged in any spelling, a query
 * credential never reaches the upstream, method overrides are dropped, and a body whose framing
 * breaks never reaches the upstream as a complete request.
 */
class GatewayHardeningTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static RawEchoUpstream upstream;
  static ServerHarness h;
  static String ws;
  static String user;
  static String readKey;
  static String writeKey;

  @BeforeAll
  static void start() throws Exception {
    upstream = new RawEchoUpstream();
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          trusted_proxies: [127.0.0.1/32]
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /api/regions, methods: [GET], scopes: [read]}
            - path: /v1/items/{id}
              methods: [GET, POST, DELETE]
              scopes_by_method: {GET: [read], POST: [write], DELETE: [admin]}
            - {path: /q/items, methods: [GET], credentials: ["query:api_key", bearer], scopes: [read]}
            - {path: /open, methods: [GET], authentication: none, credentials: ["query:api_key"]}
            - {path: /upload, methods: [POST], authentication: none}
        """.formatted(upstream.port()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "owner", List.of(), null, Actor.SYSTEM);
    readKey = key("read");
    writeKey = key("read", "write");
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

  static String key(String... scopes) {
    return h.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of(scopes)), Actor.SYSTEM)
        .secret();
  }

  static int gw() {
    return h.server.gatewayPort();
  }

  static String get(String target, String... headerLines) {
    StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
    for (String l : headerLines) {
      sb.append(l).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  static RawEchoUpstream.Received received() throws InterruptedException {
    RawEchoUpstream.Received r = upstream.next(Duration.ofSeconds(10));
    assertThat(r).as("the upstream received the request").isNotNull();
    return r;
  }

  static String reason(RawHttp.Answer a) throws Exception {
    return JSON.readTree(a.body()).path("error").path("reason").asText(null);
  }

  // Finding 1: the request target and the Host.

  @Test
  void anAbsoluteFormTargetIsForwardedInOriginFormWithTheUpstreamsHost() throws Exception {
    var a = RawHttp.exchange(gw(), get("http://admin.internal/api/regions?x=1", "Host: admin.internal",
        "Authorization: Bearer " + readKey));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = received();
    assertThat(r.requestLine()).isEqualTo("GET /api/regions?x=1 HTTP/1.1");
    assertThat(r.header("Host")).containsExactly("127.0.0.1:" + upstream.port());
    assertThat(r.text()).doesNotContain("admin.internal/");
  }

  @Test
  void anAbsoluteFormTargetNamingAnotherHostThanTheHostHeaderIs400AndNeverForwarded() throws Exception {
    var a = RawHttp.exchange(gw(), get("http://admin.internal/api/regions", "Host: 127.0.0.1:" + gw(),
        "Authorization: Bearer " + readKey));
    assertThat(a.status()).isEqualTo(400);
    assertThat(reason(a)).isEqualTo("authority_mismatch");
    assertThat(JSON.readTree(a.body()).path("error").path("code").asText()).isEqualTo("invalid_request");
    var star = RawHttp.exchange(gw(), get("*", "Host: 127.0.0.1", "Authorization: Bearer " + readKey));
    assertThat(star.status()).isEqualTo(400);
    assertThat(reason(star)).isEqualTo("bad_request_target");
    assertThat(upstream.next(Duration.ofMillis(300))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host: a..", "Host: a:abc", "Host: a, b", "Host: a\r\nHost: b", "", "Host: user@a",
      "Host: a:123456", "Host: "})
  void aHostThatCannotBeReadOneWayIs400InTheDefaultStyleAndNeverForwarded(String hostLines) throws Exception {
    String request = "GET /api/regions HTTP/1.1\r\n" + (hostLines.isEmpty() ? "" : hostLines + "\r\n")
        + "Authorization: Bearer " + readKey + "\r\n\r\n";
    var a = RawHttp.exchange(gw(), request);
    assertThat(a.status()).as(hostLines).isEqualTo(400);
    assertThat(reason(a)).isIn("bad_host", "duplicate_host", "missing_host");
    assertThat(upstream.next(Duration.ofMillis(300))).isNull();
  }

  @Test
  void anHttp2RequestWithAnAbsolutePathOrAForeignAuthorityNeverReachesTheUpstream() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false));
      record Answer(int status, String body) {}
      java.util.function.Function<RequestOptions, Answer> send = o -> {
        try {
          return client.request(o.setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gw())
                  .putHeader("Authorization", "Bearer " + readKey))
              .compose(req -> req.send().compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString()))))
              .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          return new Answer(-1, e.toString()); // a stream the server reset never reached the upstream either
        }
      };
      Answer absolute = send.apply(new RequestOptions().setURI("http://admin.internal/api/regions"));
      assertThat(absolute.status()).as(absolute.body()).isNotEqualTo(200);
      // A Host that disagrees with :authority: 400 from the gateway, or a stream reset by the codec.
      Answer foreign = send.apply(new RequestOptions().setURI("/api/regions").putHeader("Host", "admin.internal"));
      assertThat(foreign.status()).as(foreign.body()).isIn(400, -1);
      assertThat(upstream.next(Duration.ofMillis(300))).isNull();
      Answer plain = send.apply(new RequestOptions().setURI("/api/regions?y=2"));
      assertThat(plain.status()).as(plain.body()).isEqualTo(200);
      var r = received();
      assertThat(r.requestLine()).isEqualTo("GET /api/regions?y=2 HTTP/1.1");
      assertThat(r.header("Host")).containsExactly("127.0.0.1:" + upstream.port());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // Finding 3: X-Forwarded-For over several lines.

  @Test
  void everyXForwardedForLineCountsAndTheClientIsReadFromTheRight() throws Exception {
    // The client forged the first line; the trusted proxy (the peer, 127.0.0.1) appended its own.
    var a = RawHttp.exchange(gw(), get("/api/regions", "Host: gw.example", "Authorization: Bearer " + readKey,
        "X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 198.51.100.7"));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(received().header("X-Forwarded-For")).containsExactly("198.51.100.7, 127.0.0.1");

    String onlyForged = h.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "ip", List.of("read"))
        .withAllowedIps(List.of("6.6.6.6/32")), Actor.SYSTEM).secret();
    var refused = RawHttp.exchange(gw(), get("/api/regions", "Host: gw.example", "Authorization: Bearer " + onlyForged,
        "X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 198.51.100.7"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
  }

  // Finding 6: identity headers in any spelling.

  @Test
  void identityHeadersSpeltWithUnderscoresNeverReachTheUpstreamInAnySpelling() throws Exception {
    var a = RawHttp.exchange(gw(), get("/api/regions", "Host: gw.example", "Authorization: Bearer " + readKey,
        "X_Keywarden_User_Id: usr_forged", "X-Keywarden_Scopes: admin", "x_keywarden-key-id: key_forged",
        "X-KEYWARDEN-WORKSPACE_ID: ws_forged", "X_Forwarded_For: 6.6.6.6", "X_Forwarded_Host: evil.example"));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = received();
    for (String line : r.headerLines()) {
      String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.startsWith("x-keywarden-")) {
        assertThat(line).as("only the gateway's own spelling").startsWith("X-Keywarden-");
      }
    }
    assertThat(r.text()).doesNotContain("usr_forged", "key_forged", "ws_forged", "6.6.6.6", "evil.example");
    assertThat(r.header("X-Keywarden-Scopes")).containsExactly("read");
    assertThat(r.header("X-Keywarden-User-Id")).containsExactly(user);
  }

  // Finding 7: a query credential in every spelling.

  @ParameterizedTest
  @ValueSource(strings = {"api_key=%s", "API_KEY=%s", "api%%5Fkey=%s", "Api%%5fKey=%s", "x=1;api_key=%s",
      "a=1&api_key=%s&b=2", "api_key=%s&api_key=%s", "api.key=%s", "api_key[]=%s", "api_key=&api_key=%s",
      "api+key=%s", "api_key%%3D%s&api_key=%s", "api_key=%s&x=%s"})
  void aQueryCredentialNeverReachesTheUpstreamHoweverItIsSpelt(String query) throws Exception {
    String key = readKey;
    String q = query.formatted(key, key);
    var a = RawHttp.exchange(gw(), get("/q/items?" + q, "Host: gw.example"));
    assertThat(a.status()).as(q + " " + a.body()).isEqualTo(200);
    var r = received();
    assertThat(r.text()).as(q).doesNotContain(key).doesNotContain(key.substring(8));
    assertThat(r.header("X-Keywarden-Scopes")).containsExactly("read");
  }

  @Test
  void otherQueryParametersKeepTheirBytesAndOrder() throws Exception {
    var a = RawHttp.exchange(gw(), get("/q/items?a=1;b=%2F&api_key=" + readKey + "&c=x+y&d", "Host: gw.example"));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(received().requestLine()).isEqualTo("GET /q/items?a=1;b=%2F&c=x+y&d HTTP/1.1");
  }

  @Test
  void aCredentialPresentedInAHeaderIsAlsoRemovedFromTheQuery() throws Exception {
    var a = RawHttp.exchange(gw(), get("/api/regions?echo=" + readKey + "&keep=1", "Host: gw.example",
        "Authorization: Bearer " + readKey));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = received();
    assertThat(r.requestLine()).isEqualTo("GET /api/regions?keep=1 HTTP/1.1");
    assertThat(r.text()).doesNotContain(readKey);
  }

  @Test
  void aQueryCredentialOnARouteWithoutAuthenticationIsStillRemoved() throws Exception {
    var a = RawHttp.exchange(gw(), get("/open?API_KEY=" + readKey + "&z=1", "Host: gw.example"));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(received().requestLine()).isEqualTo("GET /open?z=1 HTTP/1.1");
  }

  // Finding 10: method overrides.

  @Test
  void aPostWithAMethodOverrideReachesTheUpstreamWithoutTheOverride() throws Exception {
    String request = "POST /v1/items/7 HTTP/1.1\r\nHost: gw.example\r\nAuthorization: Bearer " + writeKey
        + "\r\nX-HTTP-Method-Override: DELETE\r\nX-Method-Override: DELETE\r\nX-HTTP-Method: DELETE\r\n"
        + "X_HTTP_Method_Override: DELETE\r\nContent-Length: 2\r\n\r\n{}";
    var a = RawHttp.exchange(gw(), request);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    var r = received();
    assertThat(r.requestLine()).startsWith("POST /v1/items/7 ");
    assertThat(r.text().toLowerCase(Locale.ROOT)).doesNotContain("method-override", "method_override",
        "x-http-method", "delete");
    // The key may not DELETE: the override was the only way to make the upstream do it.
    assertThat(RawHttp.exchange(gw(), "DELETE /v1/items/7 HTTP/1.1\r\nHost: gw.example\r\nAuthorization: Bearer "
        + writeKey + "\r\n\r\n").status()).isEqualTo(403);
  }

  // Finding 11: a body whose framing breaks.

  @ParameterizedTest
  @ValueSource(strings = {"5\r\nhello\r\nZZ\r\nworld\r\n0\r\n\r\n", "5\r\nhello\r\n3\r\nabcdef\r\n0\r\n\r\n",
      "5\r\nhello\r\n-1\r\n\r\n"})
  void aMalformedChunkedBodyResetsTheUpstreamRequestAndIs400(String body) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n\r\n"
          + body).getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      var answer = RawHttp.read(s.getInputStream());
      // The upstream may have seen the head and a first chunk, then a reset; never the request whole.
      var r = upstream.next(Duration.ofSeconds(2));
      if (r != null) {
        assertThat(r.complete()).as("the upstream saw a complete request:\n" + r.text()).isFalse();
      }
      assertThat(answer.status()).as(answer.head()).isIn(0, 400);
      if (answer.status() == 400) {
        assertThat(reason(answer)).isEqualTo("bad_request_body");
      }
    }
  }

  @Test
  void aClientThatGoesAwayMidBodyNeverDeliversACompleteRequest() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw())) {
      s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 100\r\n\r\n"
          + "only twenty bytes...").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
    }
    var r = upstream.next(Duration.ofSeconds(2));
    if (r != null) {
      assertThat(r.complete()).as("the upstream saw a complete request:\n" + r.text()).isFalse();
    }
  }

  @Test
  void aWellFramedChunkedBodyArrivesWhole() throws Exception {
    var a = RawHttp.exchange(gw(), "POST /upload HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    assertThat(a.status()).isEqualTo(200);
    var r = received();
    assertThat(r.complete()).isTrue();
    assertThat(r.text()).contains("hello").contains(" world");
  }

  @Test
  void aKeyPresentedWhereTheRouteDoesNotReadOneNeverReachesTheUpstream() throws Exception {
    // /open reads only ?api_key: a key in Authorization or any other header is not its credential.
    var a = RawHttp.exchange(gw(), get("/open?z=1", "Host: gw.example", "Authorization: Bearer " + readKey,
        "X-Api-Key: " + writeKey, "X-Note: Bearer not-a-key"));
    assertThat(a.status()).as(a.head()).isEqualTo(200);
    var r = received();
    assertThat(r.text()).doesNotContain(readKey).doesNotContain(writeKey).contains("X-Note: Bearer not-a-key");
  }

  @Test
  void aKeyInAQueryParameterTheRouteDoesNotReadNeverReachesTheUpstream() throws Exception {
    // /api/regions reads the bearer: another key in any parameter, name or value, escaped or not.
    String escaped = writeKey.replace("_", "%5F");
    var a = RawHttp.exchange(gw(), get("/api/regions?a=1&token=" + writeKey + "&api%5Fkey=" + escaped + "&"
        + writeKey + "&b=2", "Host: gw.example", "Authorization: Bearer " + readKey));
    assertThat(a.status()).as(a.head()).isEqualTo(200);
    var r = received();
    assertThat(r.requestLine()).isEqualTo("GET /api/regions?a=1&b=2 HTTP/1.1");
    assertThat(r.text()).doesNotContain(readKey).doesNotContain(writeKey).doesNotContain(escaped);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST /upload HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 5\r\n",
      "GET /open HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 5\r\n"})
  void anUpgradeRequestTheUpstreamAnswersPlainlyGetsThatAnswer(String head) throws Exception {
    var a = RawHttp.exchange(gw(), head + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\nhello");
    assertThat(a.status()).as(a.head()).isEqualTo(200);
  }
}
