package io.keywarden.server.http;

import io.keywarden.core.decision.DecisionStatus;

/**
 * RFC 6750 bearer tokens: reading {@code Authorization: Bearer <token>} and the {@code
 * WWW-Authenticate} challenge for a refused one. Shared by the management API and the gateway.
 */
public final class Bearer {
  /** The challenge with no error: a credential is needed. */
  public static final String REALM = "Bearer realm=\"keywarden\"";

  private Bearer() {}

  /** The token of a {@code Bearer <token>} header value, or {@code null}. */
  public static String token(String headerValue) {
    if (headerValue == null || headerValue.length() < 8 || !headerValue.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = headerValue.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /**
   * The challenge for a refused credential, or {@code null} when the status calls for none.
   *
   * @param requiredScope the scope a {@code insufficient_scope} refusal names, or {@code null}
   */
  public static String challenge(DecisionStatus status, String requiredScope) {
    if (status.isAuthenticationFailure()) {
      return status == DecisionStatus.MISSING
          ? REALM
          : REALM + ", error=\"invalid_token\", error_description=\"" + status.reason() + "\"";
    }
    if (status == DecisionStatus.INSUFFICIENT_SCOPE) {
      return REALM + ", error=\"insufficient_scope\"" + (requiredScope == null ? "" : ", scope=\"" + requiredScope + "\"");
    }
    return null;
  }
}
