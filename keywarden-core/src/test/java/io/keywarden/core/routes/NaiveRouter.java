package io.keywarden.core.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reference for {@link RouteTable}: a linear scan over the routes that applies the documented
 * precedence literally, with a comparator, and none of the trie.
 */
final class NaiveRouter {
  private final List<Route> routes;

  NaiveRouter(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  private record Candidate(Route route, int order, PathParams params, boolean explicit) {}

  RouteMatch match(String method, String host, String rawPath) {
    RequestPath path = RequestPath.parse(rawPath);
    if (path.isRefused()) {
      return new RouteMatch.BadPath(path.problem());
    }
    List<Candidate> candidates = new ArrayList<>();
    List<Route> pathMatches = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Route r = routes.get(i);
      if (!r.host().matches(host)) {
        continue;
      }
      PathParams params = r.path().match(path);
      if (params == null) {
        continue;
      }
      pathMatches.add(r);
      boolean explicit = r.methods().isAny() || r.methods().names().contains(method);
      boolean viaGet = method.equals("HEAD") && r.methods().names().contains("GET");
      if (explicit || viaGet) {
        candidates.add(new Candidate(r, i, params, explicit));
      }
    }
    if (!candidates.isEmpty()) {
      int n = path.segmentCount();
      Candidate best = candidates.stream()
          .min(Comparator.<Candidate>comparingInt(c -> 0)
              .thenComparing((a, b) -> comparePaths(a.route.path(), b.route.path(), n))
              .thenComparingInt(c -> hostRank(c.route.host()))
              .thenComparing(c -> !c.explicit)
              .thenComparingInt(c -> c.order))
          .orElseThrow();
      return new RouteMatch.Matched(best.route, best.params);
    }
    if (pathMatches.isEmpty()) {
      return RouteMatch.NotFound.INSTANCE;
    }
    Set<String> allowed = new TreeSet<>();
    for (Route r : pathMatches) {
      allowed.addAll(r.methods().names());
      if (r.methods().names().contains("GET")) {
        allowed.add("HEAD");
      }
    }
    Set<String> ordered = new LinkedHashSet<>();
    for (String m : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")) {
      if (allowed.remove(m)) {
        ordered.add(m);
      }
    }
    ordered.addAll(allowed);
    return new RouteMatch.MethodNotAllowed(List.copyOf(ordered));
  }

  /**
   * Literal (0) before parameter (1) before end of pattern (2) before catch-all (3), position by
   * position from the left, for two patterns that both match a path of {@code n} segments.
   */
  static int comparePaths(PathPattern a, PathPattern b, int n) {
    for (int i = 0; i <= n; i++) {
      int ka = kind(a, i);
      int kb = kind(b, i);
      if (ka != kb) {
        return Integer.compare(ka, kb);
      }
      if (ka >= 2) {
        return 0;
      }
    }
    return 0;
  }

  private static int kind(PathPattern p, int i) {
    List<PathPattern.Segment> s = p.segments();
    if (i < s.size()) {
      return switch (s.get(i).kind()) {
        case LITERAL -> 0;
        case PARAMETER -> 1;
        case CATCH_ALL -> 3;
      };
    }
    return 2;
  }

  /** Exact, then wildcard (longer domain first), then none. */
  private static int hostRank(HostPattern h) {
    return switch (h.kind()) {
      case EXACT -> 0;
      case WILDCARD -> 1_000 - h.host().length();
      case ANY -> 1_000_000;
    };
  }
}
