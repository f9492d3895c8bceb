package io.keywarden.server.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A service behind the gateway: where allowed requests are forwarded.
 *
 * @param name the name routes refer to
 * @param baseUrl {@code http://host:port} with an optional base path, e.g. {@code
 *     http://127.0.0.1:9000/api}; the request path is appended to it
 * @param connectTimeout how long to wait for a connection
 * @param responseTimeout how long the upstream may stay silent before the answer (and between
 *     parts of it) before the gateway gives up with 504
 * @param poolSize keep-alive connections kept per event loop
 */
public record Upstream(String name, URI baseUrl, Duration connectTimeout, Duration responseTimeout, int poolSize) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_POOL_SIZE = 64;

  public Upstream {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!"http".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("upstream " + name + ": base URL must be http://host[:port][/path]");
    }
    if (baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
      throw new IllegalArgumentException("upstream " + name + ": base URL must not have a query or fragment");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero() || responseTimeout.isNegative() || responseTimeout.isZero()) {
      throw new IllegalArgumentException("upstream " + name + ": timeouts must be positive");
    }
    if (poolSize < 1 || poolSize > 10_000) {
      throw new IllegalArgumentException("upstream " + name + ": pool size must be between 1 and 10000");
    }
  }

  /**
   * How long the gateway waits for one request: for a connection, and for the upstream's answer
   * (and between parts of it) once the request has been sent. An upstream has its own; a route may
   * override either.
   */
  public record Timeouts(Duration connect, Duration response) {
    public Timeouts {
      if (connect.isNegative() || connect.isZero() || response.isNegative() || response.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
  }

  /** This upstream's own timeouts. */
  public Timeouts timeouts() {
    return new Timeouts(connectTimeout, responseTimeout);
  }

  /** An upstream with default timeouts and pool size. */
  public static Upstream of(String name, String baseUrl) {
    return new Upstream(name, URI.create(baseUrl), DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_POOL_SIZE);
  }

  /** The port to connect to (80 when the URL has none). */
  public int port() {
    return baseUrl.getPort() < 0 ? 80 : baseUrl.getPort();
  }

  /** The base path without a trailing slash; empty when there is none. */
  public String basePath() {
    String p = baseUrl.getRawPath();
    if (p == null || p.isEmpty() || p.equals("/")) {
      return "";
    }
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
