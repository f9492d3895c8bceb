package io.keywarden.server.config;

import java.time.Duration;

/**
 * Where and how the HTTP servers listen.
 *
 * @param bind address to listen on
 * @param apiPort port of the management and verification API
 * @param gatewayPort port of the gateway
 * @param maxBodyBytes largest accepted request body on the API
 * @param shutdownGrace how long SIGTERM waits for in-flight requests
 * @param eventLoops number of event-loop threads (0: one per core)
 * @param showSuspensionReason whether keys of a suspended workspace are refused with the
 *     operator's {@code suspension_reason} in the message (default: the generic message only)
 */
public record ServerSettings(
    String bind, int apiPort, int gatewayPort, long maxBodyBytes, Duration shutdownGrace, int eventLoops,
    boolean showSuspensionReason) {
  /** Settings that do not show suspension reasons. */
  public ServerSettings(
      String bind, int apiPort, int gatewayPort, long maxBodyBytes, Duration shutdownGrace, int eventLoops) {
    this(bind, apiPort, gatewayPort, maxBodyBytes, shutdownGrace, eventLoops, false);
  }

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_API_PORT = 8081;
  public static final int DEFAULT_GATEWAY_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  public static ServerSettings defaults() {
    return new ServerSettings(DEFAULT_BIND, DEFAULT_API_PORT, DEFAULT_GATEWAY_PORT,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_SHUTDOWN_GRACE, 0);
  }
}
