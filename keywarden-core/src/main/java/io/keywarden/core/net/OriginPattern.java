package io.keywarden.core.net;

import io.keywarden.core.errors.KeywardenException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An allowed browser origin: exact ({@code https://app.example.com}) or with a leading wildcard
 * label ({@code https://*.example.com}, which matches any subdomain but not the apex). Scheme and
 * port must match exactly; comparison ignores case.
 */
public record OriginPattern(String scheme, String host, boolean anySubdomain, int port, String text) {
  private static final Pattern SYNTAX =
      Pattern.compile("(https?)://(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");

  /**
   * Parses an allowed-origin entry.
   *
   * @throws KeywardenException {@code invalid_request} naming {@code field} when malformed
   */
  public static OriginPattern parse(String text, String field) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    var m = SYNTAX.matcher(t);
    if (!m.matches()) {
      throw KeywardenException.invalid(
          field,
          "\"" + text + "\" in " + field + " is not an origin such as https://app.example.com.");
    }
    String scheme = m.group(1);
    boolean wildcard = m.group(2) != null;
    String host = m.group(3);
    int port = m.group(7) == null ? defaultPort(scheme) : Integer.parseInt(m.group(7).substring(1));
    if (port < 1 || port > 65535) {
      throw KeywardenException.invalid(field, "\"" + text + "\" in " + field + " has a bad port.");
    }
    return new OriginPattern(scheme, host, wildcard, port, t);
  }

  /** Whether the value of an {@code Origin} header matches this pattern. */
  public boolean matches(String origin) {
    if (origin == null) {
      return false;
    }
    int schemeEnd = origin.indexOf("://");
    if (schemeEnd < 0 || !origin.regionMatches(true, 0, scheme, 0, schemeEnd)
        || schemeEnd != scheme.length()) {
      return false;
    }
    int hostStart = schemeEnd + 3;
    int portSep = origin.lastIndexOf(':');
    int hostEnd = portSep > hostStart && origin.indexOf(']', portSep) < 0 ? portSep : origin.length();
    int p;
    if (hostEnd == origin.length()) {
      p = defaultPort(scheme);
    } else {
      p = asciiPort(origin, hostEnd + 1);
    }
    if (p != port) {
      return false;
    }
    int hostLen = hostEnd - hostStart;
    if (!anySubdomain) {
      return hostLen == host.length() && origin.regionMatches(true, hostStart, host, 0, hostLen);
    }
    // "*.example.com": at least one label before ".example.com".
    int suffixLen = host.length() + 1;
    if (hostLen <= suffixLen) {
      return false;
    }
    int suffixStart = hostEnd - host.length();
    return origin.charAt(suffixStart - 1) == '.'
        && origin.regionMatches(true, suffixStart, host, 0, host.length());
  }

  /** The port written as 1 to 5 ASCII digits from {@code from} to the end, else -1. */
  private static int asciiPort(String s, int from) {
    int len = s.length() - from;
    if (len < 1 || len > 5) {
      return -1;
    }
    int p = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      p = p * 10 + (c - '0');
    }
    return p;
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  @Override
  public String toString() {
    return text;
  }
}
