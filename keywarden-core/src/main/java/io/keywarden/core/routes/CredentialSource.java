package io.keywarden.core.routes;

import java.util.Objects;

/**
 * Where a route looks for the API key.
 *
 * @param kind how the key is carried
 * @param name the header or query parameter name, as configured
 */
public record CredentialSource(Kind kind, String name) {
  /** The header that {@link #bearer()} reads. */
  public static final String AUTHORIZATION = "Authorization";

  /** How a key is carried. */
  public enum Kind {
    /** {@code <name>: Bearer <key>}, normally {@code Authorization}. The default. */
    BEARER,
    /** The whole value of a header is the key, e.g. {@code X-API-Key: <key>}. */
    HEADER,
    /**
     * A query parameter, e.g. {@code ?api_key=<key>}. Only where a route lists it: keys in URLs
     * end up in logs and browser history.
     */
    QUERY
  }

  public CredentialSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** {@code Authorization: Bearer <key>}. */
  public static CredentialSource bearer() {
    return new CredentialSource(Kind.BEARER, AUTHORIZATION);
  }

  /** A checked source; header names must be HTTP tokens, query names {@code [A-Za-z0-9_.-]+}. */
  public static CredentialSource of(Kind kind, String name, String setting) {
    Objects.requireNonNull(kind, "kind");
    if (name == null || name.isEmpty() || name.length() > 64) {
      throw new RouteConfigException(setting, "a " + kind.name().toLowerCase(java.util.Locale.ROOT)
          + " credential source needs a name of 1 to 64 characters");
    }
    boolean ok = kind == Kind.QUERY ? isQueryName(name) : RouteNames.isHeaderName(name);
    if (!ok) {
      throw new RouteConfigException(setting, "\"" + name + "\" is not a valid "
          + (kind == Kind.QUERY ? "query parameter" : "header") + " name");
    }
    return new CredentialSource(kind, name);
  }

  /** A whole header that carries the key, e.g. {@code X-API-Key}. */
  public static CredentialSource header(String name) {
    return of(Kind.HEADER, name, "credentials");
  }

  /** A query parameter that carries the key. */
  public static CredentialSource query(String name) {
    return of(Kind.QUERY, name, "credentials");
  }

  private static boolean isQueryName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case BEARER -> name + ": Bearer";
      case HEADER -> name;
      case QUERY -> "?" + name;
    };
  }
}
