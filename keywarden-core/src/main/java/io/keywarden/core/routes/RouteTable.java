package io.keywarden.core.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable set of routes compiled into a segment trie, matching a request (method, host, raw
 * path) to its most precise route.
 *
 * <h2>Precedence ("precise matching")</h2>
 *
 * Among the routes whose host and path match and which accept the method, the table picks, in
 * this order:
 *
 * <ol>
 *   <li>the route with a literal segment where the others have a parameter, comparing positions
 *       from left to right; at one position a literal beats a parameter, and a parameter beats a
 *       catch-all ({@code /v1/projects/current} beats {@code /v1/projects/{id}}; {@code
 *       /v1/regions} beats {@code /v1/{rest*}}; {@code /v1/{id}/x} beats {@code /{a}/{b}/x});
 *   <li>then the longer pattern, counting segments before a catch-all ({@code /v1/apps/{rest*}}
 *       beats {@code /v1/{rest*}});
 *   <li>then a pattern without a catch-all beats one whose catch-all matches nothing ({@code
 *       /v1/{id}} beats {@code /v1/{id}/{rest*}} on {@code /v1/7});
 *   <li>then the route limited to a host beats the others: an exact host, then wildcards with the
 *       longer domain first, then routes without a host;
 *   <li>then, for {@code HEAD} only, a route that declares {@code HEAD} (or any method) beats one
 *       that accepts it because it declares {@code GET};
 *   <li>then the route declared first.
 * </ol>
 *
 * Rules 1 to 3 are one lexicographic order of the patterns' segment kinds, position by position:
 * literal, parameter, end of pattern, catch-all (so rules 2 and 3 already follow from rule 1;
 * they are listed because they are what configuration authors ask). That is exactly the order in
 * which a depth-first walk of the trie visits routes: literal child first, then the parameter
 * child, then routes ending at the node, then the node's catch-all routes. The first route that
 * accepts the request is therefore the answer. A lookup costs one step per path segment in the
 * usual case and visits each trie node at most once when literals and parameters overlap; it
 * uses no regular expression, the walk allocates nothing, and parameter values are decoded only
 * when read ({@link PathParams}). A node's literal children are compared with the segment's
 * region of the raw path (up to eight by a scan, more through an open-addressing table hashed
 * over that region), so plain segments are never copied; an escaped segment is decoded once.
 *
 * <p>Methods filter before precedence: {@code GET /v1/projects/current} and {@code DELETE
 * /v1/projects/{id}} send {@code DELETE /v1/projects/current} to the second route. A route that
 * accepts {@code GET} also accepts {@code HEAD} (rule 5 lets a declared {@code HEAD} route take
 * over). When some route's host and path match but none accepts the method, the result is {@link
 * RouteMatch.MethodNotAllowed} listing every method those routes accept; when none matches, {@link
 * RouteMatch.NotFound}. A path refused by {@link RequestPath} is {@link RouteMatch.BadPath}
 * whatever the routes.
 *
 * <p>A route that can never match (an earlier route has the same path shape and host and accepts
 * all its methods) is a configuration error, as is a repeated id.
 *
 * <p>The table is immutable and safe to share between threads; a configuration reload builds a
 * new table and swaps a reference to it.
 */
public final class RouteTable {
  private static final Candidate[] NO_CANDIDATES = new Candidate[0];
  /** Up to this many literal children are scanned; more go into a hash table. */
  private static final int LINEAR_LITERALS = 8;
  private static final RouteMatch.BadPath[] BAD_PATHS =
      new RouteMatch.BadPath[PathProblem.values().length];

  static {
    for (PathProblem p : PathProblem.values()) {
      BAD_PATHS[p.ordinal()] = new RouteMatch.BadPath(p);
    }
  }

  /** A table without routes: every request is {@link RouteMatch.NotFound} or refused. */
  public static final RouteTable EMPTY = of(List.of());

  private final List<Route> routes;
  private final Map<String, Route> byId;
  private final Node root;
  private final boolean hostLimited; // whether any route has a host pattern

  private RouteTable(List<Route> routes, Map<String, Route> byId, Node root) {
    this.routes = routes;
    this.byId = byId;
    this.root = root;
    this.hostLimited = routes.stream().anyMatch(r -> r.host().kind() != HostPattern.Kind.ANY);
  }

  /** Compiles routes, naming them {@code routes[i]} in errors. */
  public static RouteTable of(List<Route> routes) {
    return of(routes, "routes");
  }

  /**
   * Compiles routes in declaration order.
   *
   * @param setting the list's setting, e.g. {@code routes}; a route is named {@code
   *     setting[i]} in errors
   * @throws RouteConfigException for a repeated id or a route that can never match
   */
  public static RouteTable of(List<Route> routes, String setting) {
    List<Route> list = List.copyOf(routes);
    Map<String, Route> byId = new LinkedHashMap<>();
    Map<String, Integer> idIndex = new HashMap<>();
    Map<String, List<Integer>> byShape = new HashMap<>();
    Node root = new Node();
    for (int i = 0; i < list.size(); i++) {
      Route r = list.get(i);
      Integer earlier = idIndex.putIfAbsent(r.id(), i);
      if (earlier != null) {
        throw new RouteConfigException(setting + "[" + i + "].id",
            "\"" + r.id() + "\" is already used by " + setting + "[" + earlier + "]");
      }
      byId.put(r.id(), r);
      List<Integer> same =
          byShape.computeIfAbsent(r.path().shape() + " " + r.host(), k -> new ArrayList<>());
      for (int j : same) {
        Route e = list.get(j);
        if (e.methods().containsAll(r.methods())) {
          throw new RouteConfigException(setting + "[" + i + "]", "never matches: " + setting
              + "[" + j + "] (\"" + e.id() + "\") has the same path, host and methods");
        }
      }
      same.add(i);
      root.add(r, i);
    }
    root.freeze();
    return new RouteTable(list, Map.copyOf(byId), root);
  }

  /** The routes in declaration order. */
  public List<Route> routes() {
    return routes;
  }

  /** The route with {@code id}, or {@code null}. */
  public Route route(String id) {
    return byId.get(id);
  }

  /** The number of routes. */
  public int size() {
    return routes.size();
  }

  /**
   * Matches a request.
   *
   * @param method the request method, case-sensitive ({@code GET})
   * @param host the {@code Host} header (port allowed), or {@code null}
   * @param rawPath the path as received, not decoded; a query string is ignored
   */
  public RouteMatch match(String method, String host, String rawPath) {
    return match(method, host, RequestPath.parse(rawPath));
  }

  /** Matches a request whose path is already parsed. */
  public RouteMatch match(String method, String host, RequestPath path) {
    Objects.requireNonNull(method, "method");
    if (path.isRefused()) {
      return BAD_PATHS[path.problem().ordinal()];
    }
    int hostEnd = hostLimited ? HostPattern.hostEnd(host) : -1;
    int mi = MethodSet.indexOf(method);
    Candidate c = find(root, 0, path, method, mi, host, hostEnd);
    if (c != null) {
      return new RouteMatch.Matched(c.route, c.route.path().extract(path));
    }
    Allowed allowed = new Allowed();
    collect(root, 0, path, host, hostEnd, allowed);
    if (!allowed.matched) {
      return RouteMatch.NotFound.INSTANCE;
    }
    return new RouteMatch.MethodNotAllowed(allowed.list());
  }

  private static Candidate find(
      Node node, int depth, RequestPath p, String method, int mi, String host, int hostEnd) {
    if (depth == p.segmentCount()) {
      Candidate c = pick(node.terminal, method, mi, host, hostEnd);
      if (c != null) {
        return c;
      }
    } else {
      Node child = node.literal(p, depth);
      if (child != null) {
        Candidate c = find(child, depth + 1, p, method, mi, host, hostEnd);
        if (c != null) {
          return c;
        }
      }
      if (node.param != null) {
        Candidate c = find(node.param, depth + 1, p, method, mi, host, hostEnd);
        if (c != null) {
          return c;
        }
      }
    }
    return pick(node.catchAll, method, mi, host, hostEnd);
  }

  /**
   * The first candidate (candidates are sorted by host rank, then declaration) whose host matches
   * and which accepts the method; for HEAD, one that declares HEAD beats one that declares only
   * GET unless the latter has a more specific host.
   */
  private static Candidate pick(
      Candidate[] list, String method, int mi, String host, int hostEnd) {
    Candidate viaGet = null;
    for (Candidate c : list) {
      if (!c.host.matches(host, hostEnd)) {
        continue;
      }
      if (c.methods.accepts(mi, method)) {
        return viaGet != null && viaGet.hostRank < c.hostRank ? viaGet : c;
      }
      if (viaGet == null && mi == MethodSet.HEAD && c.methods.accepts(MethodSet.GET, "GET")) {
        viaGet = c;
      }
    }
    return viaGet;
  }

  /** Every route whose host and path match, for the Allow header of a 405. */
  private static void collect(
      Node node, int depth, RequestPath p, String host, int hostEnd, Allowed acc) {
    if (depth == p.segmentCount()) {
      acc.addAll(node.terminal, host, hostEnd);
    } else {
      Node child = node.literal(p, depth);
      if (child != null) {
        collect(child, depth + 1, p, host, hostEnd, acc);
      }
      if (node.param != null) {
        collect(node.param, depth + 1, p, host, hostEnd, acc);
      }
    }
    acc.addAll(node.catchAll, host, hostEnd);
  }

  @Override
  public String toString() {
    return "RouteTable[" + routes.size() + " routes]";
  }

  /** A route placed in the trie, with what ordering and filtering need at hand. */
  private static final class Candidate {
    final Route route;
    final int order;
    final int hostRank;
    final HostPattern host;
    final MethodSet methods;

    Candidate(Route route, int order) {
      this.route = route;
      this.order = order;
      this.host = route.host();
      this.hostRank = host.rank();
      this.methods = route.methods();
    }
  }

  /** The union of allowed methods over the routes matching host and path. */
  private static final class Allowed {
    boolean matched;
    int mask;
    Set<String> extensions; // created for the first extension method

    void addAll(Candidate[] list, String host, int hostEnd) {
      for (Candidate c : list) {
        if (c.host.matches(host, hostEnd)) {
          matched = true;
          mask |= c.methods.mask();
          if (!c.methods.extensions().isEmpty()) {
            if (extensions == null) {
              extensions = new TreeSet<>();
            }
            extensions.addAll(c.methods.extensions());
          }
        }
      }
    }

    List<String> list() {
      int m = mask;
      if ((m & (1 << MethodSet.GET)) != 0) {
        m |= 1 << MethodSet.HEAD;
      }
      return MethodSet.allowList(m, extensions == null ? Set.of() : extensions);
    }
  }

  /**
   * A trie node: the routes whose fixed segments end here (terminal) or whose catch-all starts
   * here, a table of literal children and at most one parameter child (parameter names are kept
   * by the routes' patterns, so {@code {id}} and {@code {app_id}} share the node).
   */
  private static final class Node {
    private Map<String, Node> building = new LinkedHashMap<>();
    private List<Candidate> terminalList = new ArrayList<>();
    private List<Candidate> catchAllList = new ArrayList<>();
    Node param;
    Candidate[] terminal = NO_CANDIDATES;
    Candidate[] catchAll = NO_CANDIDATES;
    private String[] keys; // null without literal children
    private int[] hashes;
    private Node[] children;
    private int mask = -1; // -1: keys is a short list, scanned; else an open-addressing table

    void add(Route r, int order) {
      PathPattern p = r.path();
      Node n = this;
      for (int i = 0; i < p.fixedSegmentCount(); i++) {
        String lit = p.literalAt(i);
        if (lit == null) {
          if (n.param == null) {
            n.param = new Node();
          }
          n = n.param;
        } else {
          n = n.building.computeIfAbsent(lit, k -> new Node());
        }
      }
      (p.hasCatchAll() ? n.catchAllList : n.terminalList).add(new Candidate(r, order));
    }

    void freeze() {
      Comparator<Candidate> byPrecedence =
          Comparator.<Candidate>comparingInt(c -> c.hostRank).thenComparingInt(c -> c.order);
      terminalList.sort(byPrecedence);
      catchAllList.sort(byPrecedence);
      terminal = terminalList.isEmpty() ? NO_CANDIDATES : terminalList.toArray(NO_CANDIDATES);
      catchAll = catchAllList.isEmpty() ? NO_CANDIDATES : catchAllList.toArray(NO_CANDIDATES);
      if (building.size() > 0 && building.size() <= LINEAR_LITERALS) {
        keys = building.keySet().toArray(new String[0]);
        children = building.values().toArray(new Node[0]);
        for (Node child : children) {
          child.freeze();
        }
      } else if (!building.isEmpty()) {
        int size = Integer.highestOneBit(Math.max(2, building.size() * 2 - 1)) << 1;
        keys = new String[size];
        hashes = new int[size];
        children = new Node[size];
        mask = size - 1;
        for (Map.Entry<String, Node> e : building.entrySet()) {
          int h = e.getKey().hashCode();
          int i = spread(h) & mask;
          while (keys[i] != null) {
            i = (i + 1) & mask;
          }
          keys[i] = e.getKey();
          hashes[i] = h;
          children[i] = e.getValue();
          e.getValue().freeze();
        }
      }
      if (param != null) {
        param.freeze();
      }
      building = null;
      terminalList = null;
      catchAllList = null;
    }

    /** The literal child for segment {@code i} of {@code p} (compared decoded), or null. */
    Node literal(RequestPath p, int i) {
      if (keys == null) {
        return null;
      }
      String s;
      int from;
      int to;
      if (p.isEscaped(i)) {
        s = p.segment(i);
        from = 0;
        to = s.length();
      } else {
        s = p.source();
        from = p.start(i);
        to = p.end(i);
      }
      int len = to - from;
      if (mask < 0) {
        // Few children: compare lengths first, which rejects most candidates at once.
        for (int k = 0; k < keys.length; k++) {
          String key = keys[k];
          if (key.length() == len && s.regionMatches(from, key, 0, len)) {
            return children[k];
          }
        }
        return null;
      }
      int h = 0;
      for (int k = from; k < to; k++) {
        h = 31 * h + s.charAt(k);
      }
      for (int k = spread(h) & mask; ; k = (k + 1) & mask) {
        String key = keys[k];
        if (key == null) {
          return null;
        }
        if (hashes[k] == h && key.length() == len && s.regionMatches(from, key, 0, len)) {
          return children[k];
        }
      }
    }

    private static int spread(int h) {
      return h ^ (h >>> 16);
    }
  }
}
