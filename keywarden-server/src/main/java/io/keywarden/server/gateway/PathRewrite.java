package io.keywarden.server.gateway;

import io.keywarden.core.routes.PathPattern;
import io.keywarden.core.routes.RequestPath;
import java.util.ArrayList;
import java.util.List;

/**
 * How a route changes the path it forwards: not at all, by removing a literal prefix ({@code
 * strip_prefix}), or by a template ({@code rewrite: /v2/items/{id}}). Checked and compiled when
 * the configuration is loaded, against the route's path pattern; applied by {@link
 * ForwardedTarget}, the one place that builds the forwarded target.
 *
 * <p>Values are taken from the request as it was received (still percent-encoded), so the
 * upstream decodes exactly what the client sent; the path has already passed {@link RequestPath}'s
 * checks, so no {@code ..} or encoded slash can appear. A trailing slash of the request is kept.
 */
public final class PathRewrite {
  /** The path is forwarded as it came. */
  public static final PathRewrite NONE = new PathRewrite(0, null, null, null);

  private final int stripSegments;
  // A template: literal pieces and, between them, the segment index of each parameter (-1-fixed
  // for the catch-all, cut from segment `fixed` on).
  private final String[] literals;
  private final int[] params;
  private final String text;

  private PathRewrite(int stripSegments, String[] literals, int[] params, String text) {
    this.stripSegments = stripSegments;
    this.literals = literals;
    this.params = params;
    this.text = text;
  }

  /**
   * {@code strip_prefix}: {@code prefix} {@code null} strips every literal segment before the
   * pattern's first parameter; otherwise {@code prefix} must be one or more leading literal
   * segments of the pattern.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static PathRewrite stripPrefix(PathPattern pattern, String prefix) {
    List<PathPattern.Segment> segments = pattern.segments();
    int literalsBefore = 0;
    while (literalsBefore < segments.size()
        && segments.get(literalsBefore).kind() == PathPattern.SegmentKind.LITERAL) {
      literalsBefore++;
    }
    if (prefix == null) {
      if (literalsBefore == 0) {
        throw new IllegalArgumentException("the path " + pattern + " starts with no literal segment to strip");
      }
      return new PathRewrite(literalsBefore, null, null, "strip " + literalsBefore);
    }
    if (!prefix.startsWith("/") || prefix.length() < 2 || prefix.endsWith("/")) {
      throw new IllegalArgumentException("must be true or a path such as /v1, was \"" + prefix + "\"");
    }
    String[] parts = prefix.substring(1).split("/", -1);
    if (parts.length > literalsBefore) {
      throw new IllegalArgumentException("\"" + prefix + "\" is not a literal prefix of the path " + pattern);
    }
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].equals(segments.get(i).value())) {
        throw new IllegalArgumentException("\"" + prefix + "\" is not a literal prefix of the path " + pattern);
      }
    }
    return new PathRewrite(parts.length, null, null, "strip " + prefix);
  }

  /**
   * {@code rewrite}: a path starting with {@code /} in which {@code {name}} stands for the value
   * of the route's parameter {@code name} (for a catch-all, its whole remainder; {@code {rest*}}
   * may be written too).
   *
   * @throws IllegalArgumentException naming the problem, e.g. an unknown parameter
   */
  public static PathRewrite template(PathPattern pattern, String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("must be a path starting with '/', was \"" + template + "\"");
    }
    List<PathPattern.Segment> segments = pattern.segments();
    List<String> lits = new ArrayList<>();
    List<Integer> ps = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{') {
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException("has an unclosed '{' in \"" + template + "\"");
        }
        String name = template.substring(i + 1, close);
        if (name.endsWith("*")) {
          name = name.substring(0, name.length() - 1);
        }
        Integer at = null;
        for (int s = 0; s < segments.size(); s++) {
          PathPattern.Segment seg = segments.get(s);
          if (seg.kind() != PathPattern.SegmentKind.LITERAL && seg.value().equals(name)) {
            at = seg.kind() == PathPattern.SegmentKind.CATCH_ALL ? -1 - s : s;
            break;
          }
        }
        if (at == null) {
          throw new IllegalArgumentException("names {" + name + "}, which is not a parameter of the path "
              + pattern + " (parameters: " + pattern.parameterNames() + ")");
        }
        if (at < 0 && close != template.length() - 1) {
          throw new IllegalArgumentException("may use the catch-all {" + name + "} only at its end, was \""
              + template + "\"");
        }
        lits.add(lit.toString());
        lit.setLength(0);
        ps.add(at);
        i = close;
      } else if (c == '}' || !isTemplateChar(c)) {
        throw new IllegalArgumentException("character '" + c + "' is not allowed in \"" + template
            + "\" (write it percent-encoded)");
      } else {
        lit.append(c);
      }
    }
    lits.add(lit.toString());
    if (template.contains("//") || template.contains("/./") || template.contains("/../")
        || template.endsWith("/.") || template.endsWith("/..")) {
      throw new IllegalArgumentException("must not contain empty, '.' or '..' segments, was \"" + template + "\"");
    }
    return new PathRewrite(0, lits.toArray(new String[0]), ps.stream().mapToInt(Integer::intValue).toArray(),
        template);
  }

  private static boolean isTemplateChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "/-._~!$&'()*+,=:@%".indexOf(c) >= 0;
  }

  /** Whether this rewrite leaves the path alone. */
  public boolean isNone() {
    return this == NONE;
  }

  /** The path to forward for {@code path}, a request path the route matched. */
  String apply(RequestPath path) {
    String out;
    if (literals == null) {
      String rest = path.rawRemainder(Math.min(stripSegments, path.segmentCount()));
      out = rest.isEmpty() ? "/" : "/" + rest;
    } else {
      StringBuilder sb = new StringBuilder(64);
      for (int i = 0; i < params.length; i++) {
        sb.append(literals[i]);
        int at = params[i];
        if (at >= 0) {
          sb.append(path.rawSegment(at));
        } else {
          sb.append(path.rawRemainder(Math.min(-1 - at, path.segmentCount())));
        }
      }
      sb.append(literals[literals.length - 1]);
      out = sb.toString();
      if (out.length() > 1 && out.endsWith("/")) {
        out = out.substring(0, out.length() - 1); // an empty catch-all at the end
      }
    }
    return path.hasTrailingSlash() && !out.endsWith("/") ? out + "/" : out;
  }

  @Override
  public String toString() {
    return text == null ? "none" : text;
  }
}
