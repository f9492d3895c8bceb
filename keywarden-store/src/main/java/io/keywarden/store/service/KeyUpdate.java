package io.keywarden.store.service;

import java.time.Instant;
import java.util.List;

/**
 * A requested change to a key, before validation; {@code null} fields stay as they are.
 *
 * @param clearExpiry {@code true} asks for no expiry (allowed only when the TTL policy allows none)
 * @param rateLimits rate-limit overrides as a JSON list of {@code {"name", "limit"[, "window",
 *     "by"]}} ({@code []} removes them all), or {@code null} to keep them
 */
public record KeyUpdate(
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
  public KeyUpdate(String name, Boolean enabled, List<String> scopes, List<String> projectIds,
      List<String> allowedIps, List<String> allowedOrigins, String metadata, Instant expiresAt,
      boolean clearExpiry) {
    this(name, enabled, scopes, projectIds, allowedIps, allowedOrigins, metadata, expiresAt,
        clearExpiry, null);
  }

  /** A change of nothing. */
  public static KeyUpdate none() {
    return new KeyUpdate(null, null, null, null, null, null, null, null, false, null);
  }

  /** This change, also setting the rate-limit overrides. */
  public KeyUpdate withRateLimits(String r) {
    return new KeyUpdate(name, enabled, scopes, projectIds, allowedIps, allowedOrigins, metadata, expiresAt, clearExpiry, r);
  }

  public KeyUpdate withEnabled(boolean e) {
    return new KeyUpdate(name, e, scopes, projectIds, allowedIps, allowedOrigins, metadata, expiresAt, clearExpiry, rateLimits);
  }

  public KeyUpdate withScopes(List<String> s) {
    return new KeyUpdate(name, enabled, s, projectIds, allowedIps, allowedOrigins, metadata, expiresAt, clearExpiry, rateLimits);
  }

  public KeyUpdate withName(String n) {
    return new KeyUpdate(n, enabled, scopes, projectIds, allowedIps, allowedOrigins, metadata, expiresAt, clearExpiry, rateLimits);
  }

  public KeyUpdate withMetadata(String m) {
    return new KeyUpdate(name, enabled, scopes, projectIds, allowedIps, allowedOrigins, m, expiresAt, clearExpiry, rateLimits);
  }
}
