package io.keywarden.store;

import java.time.Instant;
import java.util.List;

/**
 * A change to a key; {@code null} fields stay as they are. Validated by the caller against the
 * access model before it reaches the store; the store checks references.
 *
 * @param clearExpiry {@code true} removes the expiry ({@code expiresAt} must then be null)
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
    boolean clearExpiry) {
  public static KeyPatch none() {
    return new KeyPatch(null, null, null, null, null, null, null, null, false);
  }
}
