package io.keywarden.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the HTTP servers listen.
 *
 * @param bind address to listen on
 * @param apiPort port of the management and verification API
 * @param gatewayPort port of the gateway
 * @param maxBodyBytes largest accepted request body on the API
 * @param shutdownGrace how long SIGTERM waits for in-flight requests
 * @param eventLoops number of event-loop threads (0: one per core)
 * @param timeouts how long either listener waits for a client
 * @param tls the certificate both listeners (or the ones it names) serve; {@code null} for plain
 *     HTTP
 * @param showSuspensionReason whether keys of a suspended workspace are refused with the
 *     operator's {@code suspension_reason} in the message (default: the generic message only)
 */
public record ServerSettings(
    String bind, int apiPort, int gatewayPort, long maxBodyBytes, Duration shutdownGrace, int eventLoops,
    Timeouts timeouts, Tls tls, boolean showSuspensionReason) {
  /** Settings that do not show suspension reasons. */
  public ServerSettings(
      String bind, int apiPort, int gatewayPort, long maxBodyBytes, Duration shutdownGrace, int eventLoops,
      Timeouts timeouts, Tls tls) {
    this(bind, apiPort, gatewayPort, maxBodyBytes, shutdownGrace, eventLoops, timeouts, tls, false);
  }

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_API_PORT = 8081;
  public static final int DEFAULT_GATEWAY_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  public ServerSettings {
    Objects.requireNonNull(timeouts, "timeouts");
  }

  /** Settings with the default timeouts and no TLS. */
  public ServerSettings(String bind, int apiPort, int gatewayPort, long maxBodyBytes, Duration shutdownGrace,
      int eventLoops) {
    this(bind, apiPort, gatewayPort, maxBodyBytes, shutdownGrace, eventLoops, Timeouts.DEFAULTS, null);
  }

  public static ServerSettings defaults() {
    return new ServerSettings(DEFAULT_BIND, DEFAULT_API_PORT, DEFAULT_GATEWAY_PORT,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_SHUTDOWN_GRACE, 0);
  }

  public ServerSettings withTimeouts(Timeouts t) {
    return new ServerSettings(bind, apiPort, gatewayPort, maxBodyBytes, shutdownGrace, eventLoops, t, tls, showSuspensionReason);
  }

  public ServerSettings withTls(Tls t) {
    return new ServerSettings(bind, apiPort, gatewayPort, maxBodyBytes, shutdownGrace, eventLoops, timeouts, t, showSuspensionReason);
  }

  /**
   * How long a listener waits for a client before it closes the connection; {@link Duration#ZERO}
   * turns a limit off.
   *
   * @param header from the connection's accept, or from the first byte of a later request on a
   *     kept-alive connection, to the end of the request head (a slow head is answered 408)
   * @param idle a kept-alive connection with no request in flight and no byte of the next one
   * @param body the longest silence while a request body is read (the listener is reading, not
   *     holding the client back); on the gateway the upstream request is then aborted
   */
  public record Timeouts(Duration header, Duration idle, Duration body) {
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(30));

    public Timeouts {
      for (Duration d : new Duration[] {header, idle, body}) {
        if (d == null || d.isNegative()) {
          throw new IllegalArgumentException("timeouts must be zero (off) or positive");
        }
      }
    }
  }

  /**
   * A PEM certificate chain and its private key (PKCS#8, RSA or EC), re-read when either file
   * changes.
   *
   * @param api whether the API listener serves TLS
   * @param gateway whether the gateway listener serves TLS
   */
  public record Tls(Path certFile, Path keyFile, boolean api, boolean gateway) {
    public Tls {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
    }
  }
}
