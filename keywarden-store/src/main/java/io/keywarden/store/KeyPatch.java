package io.keywarden.store;

import java.time.Instant;
import java.util.List;

/**
 * A change to a key; {@code null} fields stay as they are. Validated by the caller against the
 * access model before it reaches the store; the store checks references.
 *
 * @param clearExpiry {@code true} removes the expiry ({@code expiresAt} must then be null)
 * @param rateLimits canonical rate-limit overrides JSON, {@code "[]"} to remove every override,
 *     or {@code null} to keep them
 */
public record KeyPatch(
    String name,
    Boolean enabled,
    List<String> scopes,
    List<String> projectIds,
    List<String> allowedIps,
    List<String> allowedOrigins,
    String metadata,
    Instant expiresAt,
    boolean clearExpiry,
    String rateLimits) {
  /** A change that keeps the rate-limit overrides. */
  public KeyPatch(String name, Boolean enabled, List<String> scopes, List<String> projectIds,
      List<String> allowedIps, List<String> allowedOrigins, String metadata, Instant expiresAt,
      boolean clearExpiry) {
    this(name, enabled, scopes, projectIds, allowedIps, allowedOrigins, metadata, expiresAt,
        clearExpiry, null);
  }

  public static KeyPatch none() {
    return new KeyPatch(null, null, null, null, null, null, null, null, false, null);
  }

  /** This change, also setting the rate-limit overrides. */
  public KeyPatch withRateLimits(String overrides) {
    return new KeyPatch(name, enabled, scopes, projectIds, allowedIps, allowedOrigins, metadata,
        expiresAt, clearExpiry, overrides);
  }
}
