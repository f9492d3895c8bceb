package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.scopes.ScopeVocabulary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The route table against {@link NaiveRouter} (a linear scan applying the documented precedence)
 * over random route sets and random requests, and path decoding against an encoder.
 */
class RouteTableProperties {
  private static final ScopeVocabulary VOCABULARY = ScopeVocabulary.defaults();

  /** The pieces of a generated route, before ids are given. */
  record Spec(List<String> segments, boolean catchAll, List<String> methods, String host) {}

  record Request(String method, String host, String path) {}

  @Provide
  Arbitrary<List<Spec>> routeSets() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "c", "{}");
    Arbitrary<List<String>> methods = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(List.<String>of())),
        Tuple.of(6, Arbitraries.of("GET", "HEAD", "POST", "DELETE", "PURGE")
            .set().ofMinSize(1).ofMaxSize(3).map(List::copyOf)));
    Arbitrary<String> host = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.of("a.com", "x.a.com", "*.a.com", "*.x.a.com")));
    Arbitrary<Spec> spec = Combinators.combine(
            segment.list().ofMaxSize(3), Arbitraries.of(false, false, false, true), methods, host)
        .as(Spec::new);
    return spec.list().ofMinSize(1).ofMaxSize(14);
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "c", "d", "%61", "%63", "..", "x%20y");
    Arbitrary<String> path = Combinators.combine(segment.list().ofMaxSize(4), Arbitraries.of(false, true))
        .as((segs, slash) -> {
          String p = "/" + String.join("/", segs);
          return slash && !segs.isEmpty() ? p + "/" : p;
        });
    Arbitrary<String> method = Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "PURGE");
    Arbitrary<String> host = Arbitraries.of("", "a.com", "A.COM:80", "x.a.com", "y.x.a.com", "b.com");
    return Combinators.combine(method, host, path)
        .as((m, h, p) -> new Request(m, h.isEmpty() ? null : h, p))
        .list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 1500)
  void theTableAgreesWithALinearScanApplyingTheDocumentedPrecedence(
      @ForAll("routeSets") List<Spec> specs, @ForAll("requests") List<Request> requests) {
    List<Route> routes = reachable(build(specs));
    RouteTable table = RouteTable.of(routes);
    NaiveRouter naive = new NaiveRouter(routes);
    for (Request q : requests) {
      assertThat(table.match(q.method(), q.host(), q.path()))
          .as("%s %s %s in %s", q.method(), q.host(), q.path(), describe(routes))
          .isEqualTo(naive.match(q.method(), q.host(), q.path()));
    }
  }

  @Property(tries = 500)
  void everyRouteMatchesAPathBuiltFromItsOwnPattern(@ForAll("routeSets") List<Spec> specs) {
    List<Route> routes = reachable(build(specs));
    RouteTable table = RouteTable.of(routes);
    for (Route r : routes) {
      StringBuilder path = new StringBuilder();
      for (PathPattern.Segment s : r.path().segments()) {
        path.append('/').append(s.kind() == PathPattern.SegmentKind.LITERAL ? s.value() : "v");
      }
      String p = path.isEmpty() ? "/" : path.toString();
      String method = r.methods().isAny() ? "GET" : r.methods().names().iterator().next();
      String host = switch (r.host().kind()) {
        case ANY -> null;
        case EXACT -> r.host().host();
        case WILDCARD -> "z." + r.host().host();
      };
      assertThat(table.match(method, host, p).outcome()).as("%s %s", method, p)
          .isEqualTo(RouteMatch.Outcome.MATCHED);
    }
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(10)),
        Tuple.of(1, Arbitraries.strings().withCharRange((char) 0, (char) 0x3ff)
            .ofMinLength(1).ofMaxLength(10)),
        Tuple.of(1, Arbitraries.strings().withChars('.', '%', '2', 'e', 'E', 'f', '/', '\\')
            .ofMinLength(1).ofMaxLength(6)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u4e00', '\u4e10')
            .ofMinLength(1).ofMaxLength(10)));
  }

  @Property(tries = 2000)
  void aPercentEncodedValueDecodesToItselfOrIsRefusedForADocumentedReason(
      @ForAll("values") String value) {
    RouteTable table = RouteTable.of(List.of(
        Route.builder("routes[0]", VOCABULARY).id("item").path("/items/{id}").build()));
    RouteMatch m = table.match("GET", null, "/items/" + encode(value));
    if (mustBeRefused(value)) {
      assertThat(m).isInstanceOf(RouteMatch.BadPath.class);
    } else {
      assertThat(m).isInstanceOf(RouteMatch.Matched.class);
      assertThat(((RouteMatch.Matched) m).params().get("id")).isEqualTo(value);
    }
  }

  @Property(tries = 1000)
  void aDotSegmentInAnySpellingIsRefused(
      @ForAll("dotSpellings") String dots, @ForAll("plainSegments") List<String> before,
      @ForAll("plainSegments") List<String> after) {
    List<String> segs = new ArrayList<>(before);
    segs.add(dots);
    segs.addAll(after);
    String path = "/" + String.join("/", segs);
    assertThat(RequestPath.parse(path).problem()).as(path).isEqualTo(PathProblem.DOT_SEGMENT);
    assertThat(RequestPath.parse(path + "/").problem()).as(path).isEqualTo(PathProblem.DOT_SEGMENT);
  }

  @Provide
  Arbitrary<String> dotSpellings() {
    Arbitrary<String> dot = Arbitraries.of(".", "%2e", "%2E");
    return dot.list().ofMinSize(1).ofMaxSize(2).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<String>> plainSegments() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(4)
        .list().ofMaxSize(3);
  }

  private static boolean mustBeRefused(String v) {
    if (v.equals(".") || v.equals("..")) {
      return true;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
      return true; // encoded once more by the client: double encoding
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** Percent-encodes every UTF-8 byte except unreserved characters. */
  static String encode(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.write(c);
      } else {
        out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static List<Route> build(List<Spec> specs) {
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      StringBuilder p = new StringBuilder();
      for (int k = 0; k < s.segments().size(); k++) {
        String seg = s.segments().get(k);
        p.append('/').append(seg.equals("{}") ? "{p" + k + "}" : seg);
      }
      if (s.catchAll()) {
        p.append("/{rest*}");
      }
      routes.add(Route.builder("routes[" + i + "]", VOCABULARY)
          .id("r" + i)
          .path(p.isEmpty() ? "/" : p.toString())
          .methods(s.methods())
          .host(s.host().isEmpty() ? null : s.host())
          .build());
    }
    return routes;
  }

  /** Drops routes that an earlier one makes unreachable, which the table refuses to build. */
  private static List<Route> reachable(List<Route> routes) {
    List<Route> kept = new ArrayList<>();
    for (Route r : routes) {
      boolean shadowed = kept.stream().anyMatch(e -> e.path().shape().equals(r.path().shape())
          && e.host().equals(r.host()) && e.methods().containsAll(r.methods()));
      if (!shadowed) {
        kept.add(r);
      }
    }
    return kept;
  }

  private static String describe(List<Route> routes) {
    StringBuilder sb = new StringBuilder();
    for (Route r : routes) {
      sb.append("\n  ").append(r.id()).append(' ').append(r.methods()).append(' ')
          .append(r.host()).append(' ').append(r.path());
    }
    return sb.toString();
  }
}
