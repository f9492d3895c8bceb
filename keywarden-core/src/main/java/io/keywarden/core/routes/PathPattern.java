package io.keywarden.core.routes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A route's path pattern: literal segments, named parameters ({@code {id}}, one whole segment
 * each) and an optional trailing catch-all ({@code {rest*}}, zero or more segments).
 *
 * <p>Syntax, checked by {@link #parse} with errors naming the setting:
 *
 * <ul>
 *   <li>It starts with {@code /}; {@code /} alone matches only the root.
 *   <li>No empty segments ({@code //}) and no trailing slash: a request's single trailing slash is
 *       ignored when matching (see {@link RequestPath}), so {@code /v1/regions} matches both
 *       {@code /v1/regions} and {@code /v1/regions/}, and a pattern ending in {@code /} would mean
 *       nothing different.
 *   <li>Literal segments are written decoded, using only characters allowed unencoded in a path
 *       (letters, digits, {@code - . _ ~ ! $ & ' ( ) * + , = : @}); no {@code %}, no {@code ;},
 *       not {@code .} or {@code ..}. They compare case-sensitively with the decoded request
 *       segment.
 *   <li>A parameter is a whole segment {@code {name}} with a name matching {@code
 *       [a-z_][a-z0-9_]*}; names are unique within the pattern.
 *   <li>A catch-all {@code {name*}} may only be the last segment. {@code /v1/{rest*}} matches
 *       {@code /v1}, {@code /v1/} and everything under {@code /v1/}.
 * </ul>
 *
 * <p>Matching needs no regular expression: a {@link RequestPath} is compared segment by segment,
 * and parameter values are materialized only when read.
 */
public final class PathPattern {
  /** The most segments a pattern may have. */
  public static final int MAX_SEGMENTS = 64;

  /** What a pattern segment is. */
  public enum SegmentKind {
    /** Matches exactly its text. */
    LITERAL,
    /** Matches any one segment and binds it to a name. */
    PARAMETER,
    /** Matches the rest of the path, zero or more segments, and binds it to a name. */
    CATCH_ALL
  }

  /**
   * One segment of a pattern.
   *
   * @param kind what the segment matches
   * @param value the literal text, or the parameter name (without braces and {@code *})
   */
  public record Segment(SegmentKind kind, String value) {}

  private final String text;
  private final List<Segment> segments;
  private final String[] literals; // per fixed position; null where a parameter is
  private final String[] names; // parameter names in order, the catch-all's last
  private final int[] positions; // segment index of each named parameter
  private final int fixed; // segments before the catch-all (all of them without one)
  private final boolean catchAll;

  private PathPattern(String text, List<Segment> segments) {
    this.text = text;
    this.segments = List.copyOf(segments);
    boolean ca = !segments.isEmpty()
        && segments.get(segments.size() - 1).kind() == SegmentKind.CATCH_ALL;
    this.catchAll = ca;
    this.fixed = ca ? segments.size() - 1 : segments.size();
    this.literals = new String[fixed];
    List<String> n = new ArrayList<>();
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.kind() == SegmentKind.LITERAL) {
        literals[i] = s.value();
      } else {
        n.add(s.value());
        p.add(i);
      }
    }
    this.names = n.toArray(new String[0]);
    this.positions = p.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Parses a pattern.
   *
   * @param pattern the pattern, e.g. {@code /v1/applications/{id}/deployments}
   * @param setting the setting it comes from, named in errors, e.g. {@code routes[3].path}
   * @throws RouteConfigException naming {@code setting} when the pattern is malformed
   */
  public static PathPattern parse(String pattern, String setting) {
    if (pattern == null || pattern.isEmpty()) {
      throw new RouteConfigException(setting, "must not be empty");
    }
    if (pattern.charAt(0) != '/') {
      throw new RouteConfigException(setting, "must start with '/', was \"" + pattern + "\"");
    }
    if (pattern.equals("/")) {
      return new PathPattern(pattern, List.of());
    }
    if (pattern.endsWith("/")) {
      throw new RouteConfigException(setting, "must not end with '/' (a request's trailing"
          + " slash is ignored when matching), was \"" + pattern + "\"");
    }
    List<Segment> segments = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int start = 1;
    while (start <= pattern.length()) {
      int slash = pattern.indexOf('/', start);
      int end = slash < 0 ? pattern.length() : slash;
      String seg = pattern.substring(start, end);
      Segment s = segment(seg, pattern, setting);
      if (s.kind() != SegmentKind.LITERAL && !seen.add(s.value())) {
        throw new RouteConfigException(setting,
            "parameter {" + s.value() + "} appears twice in \"" + pattern + "\"");
      }
      if (!segments.isEmpty()
          && segments.get(segments.size() - 1).kind() == SegmentKind.CATCH_ALL) {
        throw new RouteConfigException(setting, "catch-all {"
            + segments.get(segments.size() - 1).value() + "*} must be the last segment of \""
            + pattern + "\"");
      }
      segments.add(s);
      if (segments.size() > MAX_SEGMENTS) {
        throw new RouteConfigException(setting,
            "must have at most " + MAX_SEGMENTS + " segments, was \"" + pattern + "\"");
      }
      start = end + 1;
    }
    return new PathPattern(pattern, segments);
  }

  private static Segment segment(String seg, String pattern, String setting) {
    if (seg.isEmpty()) {
      throw new RouteConfigException(setting, "empty segment ('//') in \"" + pattern + "\"");
    }
    if (seg.charAt(0) == '{' && seg.charAt(seg.length() - 1) == '}') {
      String inner = seg.substring(1, seg.length() - 1);
      boolean ca = inner.endsWith("*");
      String name = ca ? inner.substring(0, inner.length() - 1) : inner;
      if (!isParameterName(name)) {
        throw new RouteConfigException(setting, "parameter name \"" + name + "\" in \"" + pattern
            + "\" must match [a-z_][a-z0-9_]*");
      }
      return new Segment(ca ? SegmentKind.CATCH_ALL : SegmentKind.PARAMETER, name);
    }
    if (seg.indexOf('{') >= 0 || seg.indexOf('}') >= 0) {
      throw new RouteConfigException(setting, "a parameter must be a whole segment, as in"
          + " /{id}; \"" + seg + "\" in \"" + pattern + "\" is not");
    }
    if (seg.equals(".") || seg.equals("..")) {
      throw new RouteConfigException(setting,
          "'.' and '..' segments are not allowed, was \"" + pattern + "\"");
    }
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      if (c == '%') {
        throw new RouteConfigException(setting, "literal segments are written decoded; '%' is"
            + " not allowed in \"" + pattern + "\"");
      }
      if (!RequestPath.isPathChar(c)) {
        throw new RouteConfigException(setting, "character '" + c + "' is not allowed in a"
            + " path segment, in \"" + pattern + "\"");
      }
    }
    return new Segment(SegmentKind.LITERAL, seg);
  }

  private static boolean isParameterName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    if (!(first == '_' || (first >= 'a' && first <= 'z'))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /** The pattern as written. */
  public String text() {
    return text;
  }

  /** The segments, catch-all included. */
  public List<Segment> segments() {
    return segments;
  }

  /** The parameter names in order, the catch-all's included. */
  public List<String> parameterNames() {
    return List.of(names);
  }

  /** Whether {@code name} is a single-segment parameter (not the catch-all) of this pattern. */
  public boolean hasSegmentParameter(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return positions[i] < fixed;
      }
    }
    return false;
  }

  /** Whether the pattern ends with a catch-all. */
  public boolean hasCatchAll() {
    return catchAll;
  }

  /** The number of segments before the catch-all (all of them without one). */
  public int fixedSegmentCount() {
    return fixed;
  }

  /**
   * Matches a request path.
   *
   * @return the extracted, decoded parameters, or {@code null} when the path does not match or
   *     was refused
   */
  public PathParams match(RequestPath path) {
    if (path.isRefused()) {
      return null;
    }
    int n = path.segmentCount();
    if (catchAll ? n < fixed : n != fixed) {
      return null;
    }
    for (int i = 0; i < fixed; i++) {
      String lit = literals[i];
      if (lit != null && !path.segmentEquals(i, lit)) {
        return null;
      }
    }
    return extract(path);
  }

  /** The parameters of a path already known to match; values are decoded when first read. */
  PathParams extract(RequestPath path) {
    return names.length == 0 ? PathParams.EMPTY : new PathParams(names, positions, fixed, path);
  }

  /** Literal text at fixed position {@code i}, or {@code null} for a parameter. */
  String literalAt(int i) {
    return literals[i];
  }

  /** The pattern with parameter names erased: two patterns of one shape match the same paths. */
  String shape() {
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      sb.append('/').append(switch (s.kind()) {
        case LITERAL -> s.value();
        case PARAMETER -> "{}";
        case CATCH_ALL -> "{*}";
      });
    }
    return sb.isEmpty() ? "/" : sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathPattern p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
