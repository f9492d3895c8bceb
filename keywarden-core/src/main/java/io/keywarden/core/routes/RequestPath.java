package io.keywarden.core.routes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A request path split into segments once, checked for path tricks, and decoded on demand.
 *
 * <p>Rules, applied to the raw path exactly as it arrived (up to the first {@code ?}; the query is
 * ignored):
 *
 * <ul>
 *   <li>Segments are split on plain {@code /} only, so an escaped slash never creates a segment;
 *       each segment is then percent-decoded (UTF-8) for comparison with literals and for
 *       parameter values. {@code /v1/%72egions} therefore is {@code /v1/regions}, exactly as an
 *       upstream that decodes the path will see it.
 *   <li>One trailing slash is ignored: {@code /v1/regions/} has the segments of {@code
 *       /v1/regions} ({@link #hasTrailingSlash()} remembers it). {@code /} has no segments.
 *   <li>Everything an upstream could resolve differently from the gateway is refused, never
 *       normalized, with a {@link PathProblem}: empty segments ({@code //}), {@code .} and {@code
 *       ..} segments in any encoding ({@code %2e%2E}, {@code .%2e}), {@code %2F}, backslashes
 *       (plain or {@code %5C}), {@code %25} before {@code 2E}/{@code 2F}/{@code 5C}, plain or
 *       escaped (double encoding), a plain {@code ;} (servlet path parameters), malformed escapes and invalid or
 *       overlong UTF-8, encoded control characters, and characters that must be encoded (space,
 *       non-ASCII, {@code " < > \ ^ ` { | } [ ] #}).
 * </ul>
 *
 * Refusing is deliberate: {@code /v1/public/../admin} must not match a public route, and it must
 * not match {@code /v1/admin} either, because the gateway cannot know how the upstream resolves
 * it. Well-behaved clients never send such paths.
 *
 * <p>Parsing is one pass over a byte copy of the path and keeps segment bounds in one {@code
 * int[]}; segments are decoded only when asked for, and cached. Instances are immutable in what
 * they report and safe to share (the decode cache is filled idempotently).
 */
public final class RequestPath {
  /** The most segments a request path may have; longer paths are refused. */
  public static final int MAX_SEGMENTS = 256;

  private static final int[] NO_BOUNDS = new int[0];
  /** Marks a segment's end in {@code bounds} when the segment contains escapes. */
  private static final int ESCAPED = 0x80000000;

  // Character classes of the raw path, for one table lookup per character.
  private static final byte ILLEGAL = 0;
  private static final byte PLAIN = 1;
  private static final byte SLASH = 2;
  private static final byte PERCENT = 3;
  private static final byte BACKSLASH = 4;
  private static final byte SEMICOLON = 5;
  private static final byte[] CLASS = new byte[128];

  static {
    // RFC 3986 pchar: unreserved, sub-delims, ':', '@'; '%' and ';' get classes of their own.
    for (char c = 'a'; c <= 'z'; c++) {
      CLASS[c] = PLAIN;
      CLASS[c - 'a' + 'A'] = PLAIN;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] = PLAIN;
    }
    for (char c : "-._~!$&'()*+,=:@".toCharArray()) {
      CLASS[c] = PLAIN;
    }
    CLASS['/'] = SLASH;
    CLASS['%'] = PERCENT;
    CLASS['\\'] = BACKSLASH;
    CLASS[';'] = SEMICOLON;
  }

  private final String source;
  private final int end;
  private final int count;
  private final int[] bounds; // start and end (with ESCAPED) of each segment
  private final boolean trailingSlash;
  private final PathProblem problem;
  private String[] decoded;

  private RequestPath(
      String source, int end, int count, int[] bounds, boolean trailingSlash, PathProblem problem) {
    this.source = source;
    this.end = end;
    this.count = count;
    this.bounds = bounds;
    this.trailingSlash = trailingSlash;
    this.problem = problem;
  }

  /**
   * Parses a raw request path (as sent, not decoded). A query string, if present, is ignored.
   * Never throws for bad input: a refused path reports its {@link #problem()}.
   */
  public static RequestPath parse(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    int end = rawPath.indexOf('?');
    if (end < 0) {
      end = rawPath.length();
    }
    if (end == 0 || rawPath.charAt(0) != '/') {
      return refused(rawPath, end, PathProblem.NOT_ABSOLUTE);
    }
    if (end == 1) {
      return new RequestPath(rawPath, 1, 0, NO_BOUNDS, false, null);
    }
    boolean trailing = rawPath.charAt(end - 1) == '/';
    int limit = trailing ? end - 1 : end;
    // One byte per char: a char above U+00FF becomes '?', which is illegal, so positions agree
    // with the string up to the first refusal. Scanning bytes is about twice as fast as charAt.
    byte[] bytes = rawPath.getBytes(StandardCharsets.ISO_8859_1);
    int[] bounds = new int[16];
    int n = 0;
    int segStart = 1;
    boolean escaped = false;
    int j = 1;
    while (true) {
      while (j < limit) {
        int c = bytes[j];
        if (c < 0 || CLASS[c] != PLAIN) {
          break;
        }
        j++;
      }
      int c = j < limit ? bytes[j] : '/';
      byte k = c < 0 ? ILLEGAL : CLASS[c];
      if (k == SLASH) {
        if (j == segStart) {
          return refused(rawPath, end, PathProblem.EMPTY_SEGMENT);
        }
        if (j - segStart <= 6 && isDotSegment(rawPath, segStart, j)) {
          return refused(rawPath, end, PathProblem.DOT_SEGMENT);
        }
        if (2 * n == bounds.length) {
          if (n == MAX_SEGMENTS) {
            return refused(rawPath, end, PathProblem.TOO_MANY_SEGMENTS);
          }
          bounds = Arrays.copyOf(bounds, bounds.length * 2);
        }
        bounds[2 * n] = segStart;
        bounds[2 * n + 1] = escaped ? j | ESCAPED : j;
        n++;
        if (j >= limit) {
          return new RequestPath(rawPath, end, n, bounds, trailing, null);
        }
        escaped = false;
        segStart = ++j;
      } else if (k == PERCENT) {
        int b = hexByte(rawPath, j, limit);
        PathProblem p = b < 0 ? PathProblem.BAD_ESCAPE
            : b == '/' ? PathProblem.ENCODED_SLASH
            : b == '\\' ? PathProblem.BACKSLASH
            : b < 0x20 || b == 0x7f ? PathProblem.ENCODED_CONTROL
            : b == '%' && isDoubleEncodedSeparator(rawPath, j + 3, limit)
                ? PathProblem.DOUBLE_ENCODED
            : null;
        if (p != null) {
          return refused(rawPath, end, p);
        }
        escaped = true;
        j = b >= 0x80 ? skipUtf8(rawPath, j, limit, b) : j + 3;
        if (j < 0) {
          return refused(rawPath, end, PathProblem.BAD_ESCAPE);
        }
      } else {
        return refused(rawPath, end, k == BACKSLASH ? PathProblem.BACKSLASH
            : k == SEMICOLON ? PathProblem.PATH_PARAMETER
            : PathProblem.ILLEGAL_CHARACTER);
      }
    }
  }

  /** Whether the raw segment is one or two dots, each written '.' or '%2e' (already validated). */
  private static boolean isDotSegment(String s, int from, int to) {
    int dots = 0;
    for (int i = from; i < to; dots++) {
      char c = s.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '%' && s.charAt(i + 1) == '2' && (s.charAt(i + 2) | 0x20) == 'e') {
        i += 3;
      } else {
        return false;
      }
    }
    return dots <= 2;
  }

  private static RequestPath refused(String source, int end, PathProblem problem) {
    return new RequestPath(source, end, 0, NO_BOUNDS, false, problem);
  }

  /** Whether the path was refused; then it has no segments and matches no route. */
  public boolean isRefused() {
    return problem != null;
  }

  /** Why the path was refused, or {@code null} if it was not. */
  public PathProblem problem() {
    return problem;
  }

  /** The path as received, without the query string. */
  public String raw() {
    return source.substring(0, end);
  }

  /** The number of segments; 0 for {@code /} and for refused paths. */
  public int segmentCount() {
    return count;
  }

  /** Whether the path ended with a slash that matching ignored (not counted for {@code /}). */
  public boolean hasTrailingSlash() {
    return trailingSlash;
  }

  /** Segment {@code i}, percent-decoded. */
  public String segment(int i) {
    Objects.checkIndex(i, count);
    if (!isEscaped(i)) {
      return source.substring(bounds[2 * i], end(i));
    }
    String[] d = decoded;
    if (d == null) {
      decoded = d = new String[count];
    }
    String v = d[i];
    if (v == null) {
      d[i] = v = decode(source, bounds[2 * i], end(i));
    }
    return v;
  }

  /** Segment {@code i} as received, still percent-encoded. */
  public String rawSegment(int i) {
    Objects.checkIndex(i, count);
    return source.substring(bounds[2 * i], end(i));
  }

  /**
   * Segments {@code from} to the last, decoded and joined with {@code /}; empty when {@code from}
   * equals the segment count. This is the value of a catch-all parameter.
   */
  public String remainder(int from) {
    Objects.checkIndex(from, count + 1);
    if (from == count) {
      return "";
    }
    boolean anyEscaped = false;
    for (int i = from; i < count && !anyEscaped; i++) {
      anyEscaped = isEscaped(i);
    }
    if (!anyEscaped) {
      return source.substring(bounds[2 * from], end(count - 1));
    }
    StringBuilder sb = new StringBuilder(end(count - 1) - bounds[2 * from]);
    for (int i = from; i < count; i++) {
      if (i > from) {
        sb.append('/');
      }
      sb.append(segment(i));
    }
    return sb.toString();
  }

  /**
   * Segments {@code from} to the last as received (still percent-encoded), joined with {@code /},
   * without a trailing slash; empty when {@code from} equals the segment count. What the gateway
   * forwards when it rewrites a path, so that an upstream decodes exactly what the client sent.
   */
  public String rawRemainder(int from) {
    Objects.checkIndex(from, count + 1);
    return from == count ? "" : source.substring(bounds[2 * from], end(count - 1));
  }

  /** Whether decoded segment {@code i} equals {@code literal}, without allocating when unescaped. */
  boolean segmentEquals(int i, String literal) {
    if (isEscaped(i)) {
      return segment(i).equals(literal);
    }
    int s = bounds[2 * i];
    int len = end(i) - s;
    return len == literal.length() && source.regionMatches(s, literal, 0, len);
  }

  boolean isEscaped(int i) {
    return bounds[2 * i + 1] < 0;
  }

  String source() {
    return source;
  }

  int start(int i) {
    return bounds[2 * i];
  }

  int end(int i) {
    return bounds[2 * i + 1] & ~ESCAPED;
  }

  @Override
  public String toString() {
    return problem == null ? raw() : raw() + " (refused: " + problem.code() + ")";
  }

  /** Whether {@code c} may appear unencoded in a path segment (RFC 3986 pchar, minus '%' and ';'). */
  static boolean isPathChar(char c) {
    return c < 128 && CLASS[c] == PLAIN;
  }

  /** The byte of the escape {@code %XY} at {@code i}, or -1 when malformed or cut by {@code limit}. */
  private static int hexByte(String s, int i, int limit) {
    if (i + 2 >= limit) {
      return -1;
    }
    int hi = hex(s.charAt(i + 1));
    int lo = hex(s.charAt(i + 2));
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
  }

  /** The value of an ASCII hex digit, else -1 ({@link Character#digit} accepts non-ASCII digits). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Whether the text at {@code i}, after an escaped {@code %}, decodes to {@code 2E}, {@code 2F}
   * or {@code 5C} (either case), whether each of the two characters is written plainly or
   * escaped: {@code %252f} and {@code %252%66} both read as {@code %2f} to an upstream that
   * decodes twice (the request-path fuzzer found the second form).
   */
  private static boolean isDoubleEncodedSeparator(String s, int i, int limit) {
    int a = decodedAt(s, i, limit);
    if (a < 0) {
      return false;
    }
    int b = decodedAt(s, i + (s.charAt(i) == '%' ? 3 : 1), limit);
    if (b < 0) {
      return false;
    }
    b = Character.toLowerCase((char) b);
    return (a == '2' && (b == 'e' || b == 'f')) || (a == '5' && b == 'c');
  }

  /** The character at {@code i}, decoded if it is an escape, or -1 at the end or when malformed. */
  private static int decodedAt(String s, int i, int limit) {
    if (i >= limit) {
      return -1;
    }
    char c = s.charAt(i);
    return c == '%' ? hexByte(s, i, limit) : c;
  }

  /**
   * Checks the UTF-8 sequence that starts with the escaped lead byte {@code lead} at {@code i}
   * (continuation bytes must be escapes too, since plain non-ASCII is refused), rejecting
   * overlong forms, surrogates and code points above U+10FFFF. Returns the index after the
   * sequence, or -1.
   */
  private static int skipUtf8(String s, int i, int limit, int lead) {
    int need;
    int min2 = 0x80;
    int max2 = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      need = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead == 0xe0) {
        min2 = 0xa0; // overlong
      } else if (lead == 0xed) {
        max2 = 0x9f; // surrogates
      }
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead == 0xf0) {
        min2 = 0x90; // overlong
      } else if (lead == 0xf4) {
        max2 = 0x8f; // above U+10FFFF
      }
    } else {
      return -1; // continuation byte without lead, C0/C1 overlong leads, F5-FF
    }
    int j = i + 3;
    for (int k = 0; k < need; k++) {
      if (j >= limit || s.charAt(j) != '%') {
        return -1;
      }
      int b = hexByte(s, j, limit);
      int lo = k == 0 ? min2 : 0x80;
      int hi = k == 0 ? max2 : 0xbf;
      if (b < lo || b > hi) {
        return -1;
      }
      j += 3;
    }
    return j;
  }

  /** Decodes an already validated segment. */
  private static String decode(String s, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int j = from; j < to; ) {
      char c = s.charAt(j);
      if (c == '%') {
        out[n++] = (byte) ((hex(s.charAt(j + 1)) << 4) | hex(s.charAt(j + 2)));
        j += 3;
      } else {
        out[n++] = (byte) c;
        j++;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
