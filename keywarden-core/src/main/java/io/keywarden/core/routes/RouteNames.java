package io.keywarden.core.routes;

/** Syntax checks shared by route settings. */
final class RouteNames {
  private RouteNames() {}

  /** An HTTP header name: an RFC 9110 token of at most 64 characters. */
  static boolean isHeaderName(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A name that other settings refer to (upstream, group, error style): {@code [a-z0-9][a-z0-9_.-]*}. */
  static boolean isReferenceName(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || (i > 0 && (c == '_' || c == '.' || c == '-'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A route id: 1 to 100 visible ASCII characters, no quotes, backslashes or spaces. */
  static boolean isRouteId(String s) {
    if (s == null || s.isEmpty() || s.length() > 100) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 127 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
