package io.keywarden.core.routes;

import java.util.Locale;
import java.util.Objects;

/**
 * The host a route is limited to: any host, one exact host ({@code api.example.com}), or every
 * subdomain of a domain ({@code *.example.com}, at any depth, but not the domain itself).
 *
 * <p>Comparison ignores case, the port and one trailing dot of the request's {@code Host}. A
 * request host that is not a plain DNS name or IP literal (empty labels, characters other than
 * letters, digits, {@code -} and {@code .}, or a bracketed IPv6 literal's hex digits and colons)
 * matches only {@link #ANY}, so a crafted {@code Host} cannot reach a host-specific route.
 *
 * @param kind which of the three forms
 * @param host the lower-case host; for {@link Kind#WILDCARD} the domain after {@code *.}; empty
 *     for {@link Kind#ANY}
 */
public record HostPattern(Kind kind, String host) {
  /** Matches every request, with or without a {@code Host}. */
  public static final HostPattern ANY = new HostPattern(Kind.ANY, "");

  /** The form of a host pattern. */
  public enum Kind {
    /** No host condition. */
    ANY,
    /** Exactly one host. */
    EXACT,
    /** Every subdomain of a domain. */
    WILDCARD
  }

  public HostPattern {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(host, "host");
    if ((kind == Kind.ANY) != host.isEmpty()) {
      throw new IllegalArgumentException("host must be empty exactly for Kind.ANY");
    }
  }

  /**
   * Parses a host pattern: a DNS name, an IPv4 literal, a bracketed IPv6 literal, or {@code *.}
   * followed by a DNS name. No port.
   *
   * @param setting the setting named in errors, e.g. {@code routes[3].host}
   * @throws RouteConfigException naming {@code setting} when malformed
   */
  public static HostPattern parse(String pattern, String setting) {
    if (pattern == null || pattern.isEmpty()) {
      throw new RouteConfigException(setting, "must not be empty");
    }
    String p = pattern.toLowerCase(Locale.ROOT);
    if (p.startsWith("[")) {
      if (!p.endsWith("]") || p.length() < 4 || !isIpv6Body(p, 1, p.length() - 1)) {
        throw bad(setting, pattern);
      }
      return new HostPattern(Kind.EXACT, p);
    }
    boolean wildcard = p.startsWith("*.");
    String name = wildcard ? p.substring(2) : p;
    if (!isDnsName(name, 0, name.length())) {
      throw bad(setting, pattern);
    }
    return new HostPattern(wildcard ? Kind.WILDCARD : Kind.EXACT, name);
  }

  private static RouteConfigException bad(String setting, String pattern) {
    return new RouteConfigException(setting, "must be a host name such as api.example.com or"
        + " *.example.com (no scheme, no port), was \"" + pattern + "\"");
  }

  /** Whether the value of a request's {@code Host} header (may be {@code null}) matches. */
  public boolean matches(String hostHeader) {
    return matches(hostHeader, hostEnd(hostHeader));
  }

  /**
   * Whether a {@code Host} header value (or an absolute target's authority) is one well-formed
   * host: a DNS name, an IPv4 literal or a bracketed IPv6 literal, with an optional port of 1 to 5
   * digits. {@code a..}, {@code a:abc}, {@code a, b} and the empty string are not.
   */
  public static boolean isWellFormed(String hostHeader) {
    if (hostEnd(hostHeader) < 0) {
      return false;
    }
    int close = hostHeader.lastIndexOf(']');
    int colon = hostHeader.indexOf(':', close < 0 ? 0 : close);
    return colon < 0 || hostHeader.length() - colon - 1 <= 5;
  }

  /** Matches with the end computed by {@link #hostEnd}, so a table computes it once per request. */
  boolean matches(String h, int end) {
    switch (kind) {
      case ANY:
        return true;
      case EXACT:
        return end == host.length() && h.regionMatches(true, 0, host, 0, end);
      default:
        int suffix = host.length();
        // At least one character and a dot before the domain: "example.com" itself does not match.
        return end > suffix + 1
            && h.charAt(end - suffix - 1) == '.'
            && h.regionMatches(true, end - suffix, host, 0, suffix);
    }
  }

  /**
   * How specific the pattern is, lower first: exact hosts, then wildcards with longer domains
   * first, then {@link #ANY}.
   */
  int rank() {
    return switch (kind) {
      case EXACT -> 0;
      case WILDCARD -> 1 + (1000 - Math.min(host.length(), 999));
      case ANY -> Integer.MAX_VALUE;
    };
  }

  /**
   * The end of the host name in a {@code Host} header value (port and one trailing dot removed),
   * or -1 when there is no usable host name.
   */
  static int hostEnd(String h) {
    if (h == null || h.isEmpty()) {
      return -1;
    }
    if (h.charAt(0) == '[') {
      int close = h.indexOf(']');
      if (close < 0 || !isIpv6Body(h, 1, close) || !isPortOrNothing(h, close + 1)) {
        return -1;
      }
      return close + 1;
    }
    int colon = h.indexOf(':');
    int end = colon < 0 ? h.length() : colon;
    if (colon >= 0 && !isPortOrNothing(h, colon)) {
      return -1;
    }
    if (end > 0 && h.charAt(end - 1) == '.') {
      end--;
    }
    return isDnsName(h, 0, end) ? end : -1;
  }

  private static boolean isPortOrNothing(String h, int from) {
    if (from == h.length()) {
      return true;
    }
    if (h.charAt(from) != ':' || from + 1 == h.length()) {
      return false;
    }
    for (int i = from + 1; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Labels of letters, digits and '-', not starting or ending with '-', joined by single dots. */
  private static boolean isDnsName(String s, int from, int to) {
    if (to <= from || to - from > 253) {
      return false;
    }
    int labelStart = from;
    for (int i = from; i <= to; i++) {
      char c = i == to ? '.' : s.charAt(i);
      if (c == '.') {
        int len = i - labelStart;
        if (len == 0 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6Body(String s, int from, int to) {
    if (to - from < 2) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
          || c == ':' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ANY -> "*";
      case EXACT -> host;
      case WILDCARD -> "*." + host;
    };
  }
}
