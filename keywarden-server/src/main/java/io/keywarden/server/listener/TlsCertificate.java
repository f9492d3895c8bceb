package io.keywarden.server.listener;

import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ServerSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners' TLS certificate: a PEM certificate chain and its PEM private key (PKCS#8, RSA or
 * EC; the older PKCS#1 and SEC 1 forms are read too), served with TLS 1.2 and 1.3 only and ALPN
 * {@code h2} and {@code http/1.1}.
 *
 * <p>The files are checked once a second; when either changes, the new pair is read and checked
 * (both parse, and the key belongs to the certificate) before any listener is given it, so a
 * half-written or mismatched pair leaves the one in force serving and is logged once, as one
 * error naming the problem. Connections already open keep the certificate they shook hands with.
 */
public final class TlsCertificate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCertificate.class);
  /** TLS 1.0 and 1.1 are off. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  static final long CHECK_MS = 1000;

  private final Vertx vertx;
  private final ServerSettings.Tls settings;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile Pair current;
  private volatile long seenStamp;
  private long timer = -1;

  /** A certificate pair as read, with the stamp of its files. */
  private record Pair(Buffer cert, Buffer key, X509Certificate leaf) {}

  private TlsCertificate(Vertx vertx, ServerSettings.Tls settings, Pair pair, long stamp) {
    this.vertx = vertx;
    this.settings = settings;
    this.current = pair;
    this.seenStamp = stamp;
  }

  /**
   * Reads and checks the pair named by {@code settings}; a problem stops the start, naming
   * {@code server.tls.cert_file} or {@code server.tls.key_file}.
   */
  public static TlsCertificate load(Vertx vertx, ServerSettings.Tls settings) {
    long stamp = stamp(settings);
    try {
      return new TlsCertificate(vertx, settings, read(vertx, settings), stamp);
    } catch (Problem p) {
      throw new ConfigException(p.setting, p.getMessage());
    }
  }

  /** Turns TLS on in {@code options} with the certificate in force. */
  public HttpServerOptions apply(HttpServerOptions options) {
    Pair p = current;
    return options.setSsl(true)
        .setKeyCertOptions(pem(p))
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
  }

  /** Remembers a listener that serves this certificate, to give it the next one. */
  public void serve(HttpServer server) {
    servers.add(server);
  }

  /** Starts checking the files once a second (on a worker thread: file reads block). */
  public synchronized void watch() {
    if (timer < 0) {
      timer = vertx.setPeriodic(CHECK_MS, t -> vertx.executeBlocking(() -> {
        reloadIfChanged();
        return null;
      }, false));
    }
  }

  /** The leaf certificate in force. */
  public X509Certificate certificate() {
    return current.leaf();
  }

  /**
   * Reads the files again if they changed since the last look, and gives a good new pair to every
   * listener.
   *
   * @return whether a new certificate is in force
   */
  public synchronized boolean reloadIfChanged() {
    long stamp = stamp(settings);
    if (stamp == seenStamp) {
      return false;
    }
    seenStamp = stamp;
    Pair next;
    try {
      next = read(vertx, settings);
    } catch (Problem p) {
      LOG.error("TLS certificate not reloaded, the one in force (subject {}, valid until {}) keeps serving: {}: {}",
          current.leaf().getSubjectX500Principal().getName(), current.leaf().getNotAfter().toInstant(),
          p.setting, p.getMessage());
      return false;
    }
    ServerSSLOptions ssl = new ServerSSLOptions()
        .setKeyCertOptions(pem(next))
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setUseAlpn(true);
    List<Future<Boolean>> updates = servers.stream().map(s -> s.updateSSLOptions(ssl, true)).toList();
    try {
      Future.all(updates).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      LOG.error("TLS certificate not reloaded: a listener refused it: {}", e.toString());
      return false;
    }
    current = next;
    LOG.info("TLS certificate reloaded from {}: subject {}, valid until {}", settings.certFile(),
        next.leaf().getSubjectX500Principal().getName(), next.leaf().getNotAfter().toInstant());
    return true;
  }

  @Override
  public synchronized void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static PemKeyCertOptions pem(Pair p) {
    return new PemKeyCertOptions().setCertValue(p.cert()).setKeyValue(p.key());
  }

  /** A problem with the files, and the setting that names the file at fault. */
  private static final class Problem extends Exception {
    final String setting;

    Problem(String setting, String message) {
      super(message, null, false, false);
      this.setting = setting;
    }
  }

  private static final String CERT = "server.tls.cert_file";
  private static final String KEY = "server.tls.key_file";

  private static Pair read(Vertx vertx, ServerSettings.Tls s) throws Problem {
    Buffer cert = file(s.certFile(), CERT);
    Buffer key = file(s.keyFile(), KEY);
    String certText = cert.toString(StandardCharsets.US_ASCII);
    String keyText = key.toString(StandardCharsets.US_ASCII);
    if (!certText.contains("-----BEGIN CERTIFICATE-----")) {
      throw new Problem(CERT, s.certFile() + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    if (!keyText.contains("PRIVATE KEY-----")) {
      throw new Problem(KEY, s.keyFile() + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    X509KeyManager km;
    try {
      KeyManagerFactory kmf = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key).getKeyManagerFactory(vertx);
      km = null;
      for (KeyManager m : kmf.getKeyManagers()) {
        if (m instanceof X509KeyManager x) {
          km = x;
        }
      }
    } catch (Exception e) {
      throw new Problem(KEY, "cannot read the pair " + s.certFile() + " and " + s.keyFile()
          + " (a PEM certificate chain and a PKCS#8 RSA or EC key are needed): " + e.getMessage());
    }
    String alias = km == null ? null : firstAlias(km);
    if (alias == null) {
      throw new Problem(KEY, "no private key found in " + s.keyFile());
    }
    X509Certificate[] chain = km.getCertificateChain(alias);
    PrivateKey pk = km.getPrivateKey(alias);
    if (chain == null || chain.length == 0) {
      throw new Problem(CERT, "no certificate found in " + s.certFile());
    }
    if (!belongTogether(pk, chain[0])) {
      throw new Problem(KEY, "the private key in " + s.keyFile() + " does not belong to the certificate in "
          + s.certFile() + " (subject " + chain[0].getSubjectX500Principal().getName() + ")");
    }
    return new Pair(cert, key, chain[0]);
  }

  private static String firstAlias(X509KeyManager km) {
    for (String type : new String[] {"RSA", "EC", "RSASSA-PSS"}) {
      String[] aliases = km.getServerAliases(type, null);
      if (aliases != null && aliases.length > 0) {
        return aliases[0];
      }
    }
    return null;
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    try {
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> null;
      };
      if (algorithm == null || !key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
        return false;
      }
      byte[] probe = "keywarden tls pair check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] sig = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(sig);
    } catch (Exception e) {
      return false;
    }
  }

  private static Buffer file(Path p, String setting) throws Problem {
    try {
      return Buffer.buffer(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new Problem(setting, "cannot read " + p + ": " + e.getMessage());
    }
  }

  private static long stamp(ServerSettings.Tls s) {
    return stamp(s.certFile()) * 31 + stamp(s.keyFile());
  }

  private static long stamp(Path file) {
    try {
      // A file replaced by a rename has a new file key even when its time and size look the same.
      var a = Files.readAttributes(file, BasicFileAttributes.class);
      return java.util.Objects.hash(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      return -1;
    }
  }
}
