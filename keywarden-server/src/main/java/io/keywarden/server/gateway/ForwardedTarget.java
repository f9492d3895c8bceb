package io.keywarden.server.gateway;

import io.keywarden.core.routes.RequestPath;

/**
 * Builds the request target the upstream receives, and nothing else does: always origin-form
 * (path and query; never the client's scheme or authority), the path rewritten as the route says
 * ({@link PathRewrite}), the query without the credential nor any other parameter holding a key
 * ({@link QueryString#without}). The
 * upstream's base path is put in front by the {@link Forwarder}, which owns the upstream.
 */
final class ForwardedTarget {
  private ForwardedTarget() {}

  /**
   * @param originForm the request's target when it is origin-form without a fragment (forwarded
   *     as it is when nothing changes), else {@code null}
   * @param rawPath the request's origin-form path as received (without the query)
   * @param path the same path as the route table parsed it
   * @param query the raw query, or {@code null}
   * @param rewrite the route's path rewrite
   * @param strippedQueryNames canonical names of the query parameters to remove (the route's query
   *     credentials when it strips them); empty otherwise
   * @param credential the credential that was found, removed from the query wherever it appears
   *     there; {@code null} when none or when the route keeps it
   */
  static String of(String originForm, String rawPath, RequestPath path, String query, PathRewrite rewrite,
      String[] strippedQueryNames, String credential) {
    // Always through without(): a parameter holding any key is removed on every route.
    String q = query == null ? null : QueryString.without(query, strippedQueryNames, credential);
    if (rewrite.isNone() && q == query && originForm != null) {
      return originForm; // the common case: nothing to change
    }
    String p = rewrite.isNone() ? rawPath : rewrite.apply(path);
    return q == null ? p : p + "?" + q;
  }
}
