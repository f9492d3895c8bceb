package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.RawEchoUpstream;
import io.keywarden.server.testing.RawHttp;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per-route path rewriting ({@code strip_prefix}, {@code rewrite}) over real HTTP, asserted on the
 * request line a raw upstream receives, and its checks at configuration load.
 */
class GatewayPathRewriteTest {
  @TempDir static Path dir;
  static RawEchoUpstream upstream;
  static ServerHarness h;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    upstream = new RawEchoUpstream();
    Path configFile = dir.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%1$d"}
            based: {url: "http://127.0.0.1:%1$d/base"}
          routes:
            - {path: "/billing/{rest*}", authentication: none, strip_prefix: true}
            - {path: "/svc/v3/things", authentication: none, strip_prefix: /svc}
            - {path: "/svc/v4/{id}", authentication: none, strip_prefix: true}
            - {path: "/old/items/{id}/{rest*}", authentication: none, rewrite: "/v2/items/{id}/{rest}"}
            - {path: "/legacy/{id}", methods: [GET], scopes: [read], credentials: ["query:key"], rewrite: "/api/{id}"}
            - {path: "/based/{rest*}", authentication: none, upstream: based, strip_prefix: true}
            - {path: "/plain/{id}", authentication: none}
        """.formatted(upstream.port()));
    h = new ServerHarness(dir, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
    var kw = h.server.keywarden();
    String ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    String user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "owner", List.of(), null, Actor.SYSTEM);
    key = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    upstream.close();
  }

  @BeforeEach
  void forget() {
    upstream.clear();
  }

  static String forwarded(String target) throws Exception {
    var a = RawHttp.exchange(h.server.gatewayPort(), "GET " + target + " HTTP/1.1\r\nHost: gw.example\r\n\r\n");
    assertThat(a.status()).as(target + " " + a.body()).isEqualTo(200);
    var r = upstream.next(Duration.ofSeconds(10));
    assertThat(r).isNotNull();
    String line = r.requestLine();
    return line.substring(4, line.lastIndexOf(' '));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/billing/v1/invoices?x=1, /v1/invoices?x=1",
      "/billing, /",
      "/billing/, /",
      "/billing/a%2Db/c/, /a%2Db/c/",
      "/svc/v3/things, /v3/things",
      "/svc/v4/42?q=%20, /42?q=%20",
      "/old/items/a%20b/x/y, /v2/items/a%20b/x/y",
      "/old/items/7, /v2/items/7",
      "/based/v1/x?y=1, /base/v1/x?y=1",
      "/plain/7?z=1, /plain/7?z=1"})
  void theForwardedPathIsRewrittenAsTheRouteSays(String target, String expected) throws Exception {
    assertThat(forwarded(target)).isEqualTo(expected);
  }

  @Test
  void aRewrittenTargetStillLosesTheQueryCredential() throws Exception {
    assertThat(forwarded("/legacy/7?KEY=" + key + "&z=1")).isEqualTo("/api/7?z=1");
  }

  @Test
  void anAbsoluteFormTargetIsRewrittenFromItsPathOnly() throws Exception {
    var a = RawHttp.exchange(h.server.gatewayPort(),
        "GET http://gw.example/billing/v1/x HTTP/1.1\r\nHost: gw.example\r\n\r\n");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(upstream.next(Duration.ofSeconds(10)).requestLine()).isEqualTo("GET /v1/x HTTP/1.1");
  }

  static ConfigException loadError(String route) throws Exception {
    Path f = Files.createTempFile(dir, "bad", ".yaml");
    Files.writeString(f, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:9"}
          routes:
            - %s
        """.formatted(route));
    try {
      ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("loaded: " + route);
  }

  @Test
  void aRewriteNamingAnUnknownParameterIsAConfigurationErrorNamingTheRoute() throws Exception {
    var e = loadError("{id: items, path: \"/items/{id}\", rewrite: \"/v2/{nope}\"}");
    assertThat(e.getMessage()).contains("gateway.routes[0].rewrite").contains("items").contains("{nope}");
  }

  @Test
  void otherBadRewritesAreConfigurationErrorsToo() throws Exception {
    assertThat(loadError("{path: \"/items/{id}\", strip_prefix: /other}").getMessage())
        .contains("gateway.routes[0].strip_prefix").contains("not a literal prefix");
    assertThat(loadError("{path: \"/{id}\", strip_prefix: true}").getMessage())
        .contains("gateway.routes[0].strip_prefix");
    assertThat(loadError("{path: \"/items/{id}\", strip_prefix: true, rewrite: /x}").getMessage())
        .contains("gateway.routes[0]");
    assertThat(loadError("{path: \"/items/{id}\", rewrite: \"v2/{id}\"}").getMessage())
        .contains("gateway.routes[0].rewrite");
    assertThat(loadError("{path: \"/items/{id}\", rewrite: \"/v2/../{id}\"}").getMessage())
        .contains("gateway.routes[0].rewrite");
    assertThat(loadError("{path: \"/items/{rest*}\", rewrite: \"/{rest}/x\"}").getMessage())
        .contains("gateway.routes[0].rewrite");
    assertThatThrownBy(() -> loadError("{path: \"/items/{id}\", rewrite: \"/v2/{id}\"}")).isInstanceOf(AssertionError.class);
  }
}
