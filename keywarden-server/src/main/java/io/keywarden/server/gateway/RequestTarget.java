package io.keywarden.server.gateway;

import io.keywarden.core.routes.HostPattern;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * The request target and host of an incoming request, checked before routing. The gateway routes
 * and forwards by the origin-form path and query only; the host the upstream sees is always the
 * upstream's own. What the client says about hosts must therefore be one unambiguous value, or
 * the request is refused with 400 {@code invalid_request} and one of these reasons:
 *
 * <ul>
 *   <li>{@value #BAD_HOST}: a {@code Host} (or {@code :authority}) that is not one host name, IPv4
 *       or bracketed IPv6 literal with an optional port of digits: {@code a..}, {@code a:abc},
 *       {@code a, b}, {@code user@a};
 *   <li>{@value #DUPLICATE_HOST}: more than one {@code Host} line;
 *   <li>{@value #MISSING_HOST}: an HTTP/1.1 or HTTP/2 request that names no host;
 *   <li>{@value #AUTHORITY_MISMATCH}: an absolute-form target ({@code GET http://a/x}) or an HTTP/2
 *       {@code :authority} that names another host than {@code Host};
 *   <li>{@value #BAD_TARGET}: a target that is neither origin-form ({@code /path?query}) nor, over
 *       HTTP/1.x, absolute-form {@code http(s)://authority/path?query} ({@code *}, a relative
 *       path, an absolute {@code :path} over HTTP/2).
 * </ul>
 */
final class RequestTarget {
  static final String BAD_HOST = "bad_host";
  static final String DUPLICATE_HOST = "duplicate_host";
  static final String MISSING_HOST = "missing_host";
  static final String AUTHORITY_MISMATCH = "authority_mismatch";
  static final String BAD_TARGET = "bad_request_target";

  private RequestTarget() {}

  /** Why the request's target or host is refused, or {@code null} when they are acceptable. */
  static String problem(HttpServerRequest req) {
    boolean h2 = req.version() == HttpVersion.HTTP_2;
    List<String> hosts = req.headers().getAll(HttpHeaders.HOST);
    if (hosts.size() > 1) {
      return DUPLICATE_HOST;
    }
    String host = hosts.isEmpty() ? null : hosts.get(0);
    if (host != null && !HostPattern.isWellFormed(host)) {
      return BAD_HOST;
    }
    if (h2) {
      String authority = req.headers().get(":authority");
      if (authority == null && req.authority() != null) {
        authority = req.authority().toString();
      }
      if (authority != null) {
        if (!HostPattern.isWellFormed(authority)) {
          return BAD_HOST;
        }
        if (host != null && !host.equalsIgnoreCase(authority)) {
          return AUTHORITY_MISMATCH;
        }
        host = authority;
      }
    }
    if (host == null && req.version() != HttpVersion.HTTP_1_0) {
      return MISSING_HOST;
    }
    String uri = req.uri();
    if (uri.isEmpty()) {
      return BAD_TARGET;
    }
    if (uri.charAt(0) == '/') {
      return null;
    }
    if (h2) {
      return BAD_TARGET;
    }
    int from = authorityStart(uri);
    if (from < 0) {
      return BAD_TARGET;
    }
    int to = authorityEnd(uri, from);
    String authority = uri.substring(from, to);
    if (!HostPattern.isWellFormed(authority)) {
      return BAD_HOST;
    }
    return host != null && host.equalsIgnoreCase(authority) ? null : AUTHORITY_MISMATCH;
  }

  /** The raw origin-form path of an accepted request (the path of an absolute-form target). */
  static String path(HttpServerRequest req) {
    String uri = req.uri();
    if (uri.charAt(0) == '/') {
      return req.path();
    }
    int to = authorityEnd(uri, authorityStart(uri));
    int end = end(uri, to, true);
    return end == to ? "/" : uri.substring(to, end);
  }

  /** The raw query of an accepted request, or {@code null}. */
  static String query(HttpServerRequest req) {
    String uri = req.uri();
    if (uri.charAt(0) == '/' && uri.indexOf('#') < 0) {
      return req.query(); // parsed once by Vert.x, and cached
    }
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    int end = end(uri, q + 1, false);
    return uri.substring(q + 1, end);
  }

  /** After {@code http://} or {@code https://} (any case), or -1. */
  private static int authorityStart(String uri) {
    if (uri.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    if (uri.regionMatches(true, 0, "https://", 0, 8)) {
      return 8;
    }
    return -1;
  }

  private static int authorityEnd(String uri, int from) {
    for (int i = from; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return uri.length();
  }

  /** The end of the path (at '?' or '#') or of the query (at '#'). */
  private static int end(String uri, int from, boolean path) {
    for (int i = from; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '#' || (path && c == '?')) {
        return i;
      }
    }
    return uri.length();
  }
}
