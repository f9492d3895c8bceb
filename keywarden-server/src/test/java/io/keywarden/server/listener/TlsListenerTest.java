package io.keywarden.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.testkit.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both listeners over TLS with a PEM pair made at test time by the JDK's keytool: HTTPS with the
 * configured certificate, HTTP/2 by ALPN on the gateway, a replaced pair served without a restart,
 * and a bad new pair that leaves the one in force serving and is logged once.
 */
class TlsListenerTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static Pair rsa;
  static Pair ec;
  static Pair other;

  /** A generated certificate with its key, and the PEM texts of both. */
  record Pair(X509Certificate cert, String certPem, String keyPem) {}

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("upstream"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    rsa = generate("rsa", "-keyalg", "RSA", "-keysize", "2048");
    ec = generate("ec", "-keyalg", "EC", "-groupname", "secp256r1");
    other = generate("other", "-keyalg", "EC", "-groupname", "secp256r1");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A self-signed certificate for 127.0.0.1 from keytool, exported as PEM (key as PKCS#8). */
  static Pair generate(String name, String... keyOptions) throws Exception {
    Path store = dir.resolve(name + ".p12");
    Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "k",
        "-dname", "CN=keywarden-test-" + name, "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
    cmd.addAll(List.of(keyOptions));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate("k");
    byte[] key = ks.getKey("k", "changeit".toCharArray()).getEncoded();
    return new Pair(cert, pem("CERTIFICATE", cert.getEncoded()), pem("PRIVATE KEY", key));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** Writes a file by a rename, as deployment tools do, so a reader never sees half of it. */
  static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static ServerHarness server(Path root, Pair pair) throws Exception {
    Files.createDirectories(root);
    Path cert = root.resolve("cert.pem");
    Path key = root.resolve("key.pem");
    Files.writeString(cert, pair.certPem());
    Files.writeString(key, pair.keyPem());
    Path configFile = root.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        server:
          tls: {cert_file: "%s", key_file: "%s"}
        gateway:
          upstreams:
            app: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: "/{rest*}", authentication: none, upstream: app}
        """.formatted(cert, key, upstream.actualPort()));
    return new ServerHarness(root, ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE));
  }

  /** A new client (so a new connection) that trusts exactly the given certificates. */
  static HttpClient trusting(X509Certificate... certs) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < certs.length; i++) {
      trust.setCertificateEntry("c" + i, certs[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static X509Certificate served(HttpResponse<?> r) throws Exception {
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  @Test
  void bothListenersServeTheConfiguredCertificateWithTls12OrLaterAndTheGatewayOffersHttp2() throws Exception {
    try (ServerHarness h = server(dir.resolve("serve"), rsa)) {
      HttpClient client = trusting(rsa.cert());
      var api = get(client, h.server.apiPort(), "/healthz");
      assertThat(api.statusCode()).isEqualTo(200);
      assertThat(served(api)).isEqualTo(rsa.cert());
      assertThat(api.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
      var gw = get(client, h.server.gatewayPort(), "/anything");
      assertThat(gw.body()).isEqualTo("upstream");
      assertThat(gw.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(served(gw)).isEqualTo(rsa.cert());
      // Plain HTTP on a TLS port is no request.
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + h.server.apiPort() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aReplacedPairIsServedWithoutARestart() throws Exception {
    Path root = dir.resolve("replace");
    try (ServerHarness h = server(root, rsa)) {
      HttpClient before = trusting(rsa.cert(), ec.cert());
      assertThat(served(get(before, h.server.gatewayPort(), "/x"))).isEqualTo(rsa.cert());
      replace(root.resolve("key.pem"), ec.keyPem());
      replace(root.resolve("cert.pem"), ec.certPem());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      X509Certificate now = null;
      while (System.nanoTime() < deadline) {
        // Each client opens a new connection, which shakes hands with the certificate in force.
        now = served(get(trusting(rsa.cert(), ec.cert()), h.server.gatewayPort(), "/x"));
        if (now.equals(ec.cert())) {
          break;
        }
        h.server.tls().reloadIfChanged();
      }
      assertThat(now).isEqualTo(ec.cert());
      assertThat(served(get(trusting(ec.cert()), h.server.apiPort(), "/healthz"))).isEqualTo(ec.cert());
    }
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateKeepsTheOldPairServingAndIsLoggedOnce() throws Exception {
    Path root = dir.resolve("mismatch");
    try (ServerHarness h = server(root, ec); LogCapture logs = LogCapture.start()) {
      replace(root.resolve("cert.pem"), other.certPem()); // the key stays ec's
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!logs.text().contains("TLS certificate not reloaded") && System.nanoTime() < deadline) {
        h.server.tls().reloadIfChanged();
      }
      h.server.tls().reloadIfChanged(); // nothing changed since: no second error
      String text = logs.text();
      assertThat(text.split("TLS certificate not reloaded", -1)).hasSize(2);
      assertThat(text).contains("ERROR").contains("server.tls.key_file").contains("does not belong to the certificate");
      assertThat(served(get(trusting(ec.cert()), h.server.gatewayPort(), "/x"))).isEqualTo(ec.cert());
      assertThat(h.server.tls().certificate()).isEqualTo(ec.cert());
    }
  }

  @Test
  void aPairThatDoesNotLoadStopsTheStartNamingTheSetting() throws Exception {
    Path root = dir.resolve("bad-start");
    Files.createDirectories(root);
    Files.writeString(root.resolve("cert.pem"), other.certPem());
    Files.writeString(root.resolve("key.pem"), ec.keyPem());
    Path configFile = root.resolve("keywarden.yaml");
    Files.writeString(configFile, """
        server:
          tls: {cert_file: "%s", key_file: "%s"}
        """.formatted(root.resolve("cert.pem"), root.resolve("key.pem")));
    var config = ConfigLoader.load(configFile, Map.of(), ConfigLoader.Flags.NONE);
    assertThatThrownBy(() -> new ServerHarness(root, config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.tls.key_file");
    Files.writeString(root.resolve("cert.pem"), "not a certificate");
    assertThatThrownBy(() -> new ServerHarness(root, config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.tls.cert_file");
  }

  @Test
  void aHeadWithAmbiguousFramingIsRefusedOverTlsToo() throws Exception {
    try (ServerHarness h = server(dir.resolve("framing"), rsa)) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("c", rsa.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      for (int port : new int[] {h.server.gatewayPort(), h.server.apiPort()}) {
        try (java.net.Socket s = ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
          s.setSoTimeout(15_000);
          s.getOutputStream().write(("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          var a = io.keywarden.server.testing.RawHttp.read(s.getInputStream());
          assertThat(a.status()).as("port %d: %s", port, a.head()).isEqualTo(400);
          assertThat(a.body()).contains("invalid_request");
        }
      }
    }
  }
}
