package io.keywarden.server.gateway;

import io.keywarden.core.keys.KeyFormat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one reader of a request's raw query string: it finds a query credential and removes it,
 * with the same idea of what a parameter's name is, so that nothing the lookup would read as the
 * credential can stay behind in the forwarded target.
 *
 * <p>Parameters are separated by {@code &} and by {@code ;} (some frameworks split on both). A
 * name is compared in its canonical form: percent-decoded ({@code +} is a space), ASCII lower
 * case, {@code .} and space read as {@code _} (PHP folds them so), and cut at the first {@code [}
 * ({@code api_key[]} is PHP's array of {@code api_key}). So {@code api%5Fkey}, {@code API_KEY},
 * {@code api.key} and {@code api_key[]} all name {@code api_key}. A malformed escape is taken
 * literally, as lenient decoders do.
 *
 * <p>Matching allocates nothing: names are decoded byte by byte as they are compared. Only a
 * found value and a shortened query are new strings.
 */
final class QueryString {
  private QueryString() {}

  /** The canonical form of a configured parameter name (at configuration time). */
  static String canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '[') {
        break;
      }
      sb.append(c == '.' || c == ' ' ? '_' : c);
    }
    return sb.toString();
  }

  /**
   * The decoded value of the first parameter named {@code canonicalName} that is not blank, or
   * {@code null}.
   *
   * @param query the raw query (after {@code ?}), or {@code null}
   */
  static String find(String query, String canonicalName) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    int n = query.length();
    int start = 0;
    while (start <= n) {
      int end = separator(query, start, n);
      int eq = indexOf(query, '=', start, end);
      int nameEnd = eq < 0 ? end : eq;
      if (nameEquals(query, start, nameEnd, canonicalName) && eq >= 0) {
        String v = decode(query, eq + 1, end);
        if (!v.isBlank()) {
          return v;
        }
      }
      start = end + 1;
    }
    return null;
  }

  /**
   * {@code query} without every parameter named by one of {@code canonicalNames}, and without
   * every parameter whose decoded name or value contains {@code credential} (when not null), and
   * every parameter whose decoded name or value is a key (grammar and checksum, {@link #isKey});
   * the other parameters keep their bytes and the separator before them. Returns {@code query}
   * itself when nothing is removed, {@code null} when nothing is left.
   */
  static String without(String query, String[] canonicalNames, String credential) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    int n = query.length();
    StringBuilder kept = null;
    int start = 0;
    while (start <= n) {
      int end = separator(query, start, n);
      boolean drop = false;
      if (end > start) {
        int eq = indexOf(query, '=', start, end);
        int nameEnd = eq < 0 ? end : eq;
        for (String name : canonicalNames) {
          if (nameEquals(query, start, nameEnd, name)) {
            drop = true;
            break;
          }
        }
        if (!drop && credential != null) {
          drop = containsDecoded(query, start, end, credential);
        }
        if (!drop) {
          drop = isKey(query, start, nameEnd) || (eq >= 0 && isKey(query, eq + 1, end));
        }
      }
      if (drop) {
        if (kept == null) {
          kept = new StringBuilder(n);
          appendPart(kept, query, 0, start - 1); // everything before this part, if anything
        }
      } else if (kept != null && end > start) {
        if (!kept.isEmpty()) {
          kept.append(query.charAt(start - 1));
        }
        kept.append(query, start, end);
      }
      start = end + 1;
    }
    if (kept == null) {
      return query;
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  /** Appends query[from, to) with empty parts and a trailing separator dropped. */
  private static void appendPart(StringBuilder sb, String q, int from, int to) {
    if (to <= from) {
      return;
    }
    int start = from;
    while (start < to) {
      int end = separator(q, start, to);
      if (end > start) {
        if (!sb.isEmpty()) {
          sb.append(q.charAt(start - 1));
        }
        sb.append(q, start, end);
      }
      start = end + 1;
    }
  }

  private static int separator(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '&' || c == ';') {
        return i;
      }
    }
    return to;
  }

  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether raw name s[from, to) reads as {@code canonical}, decoding as it goes. */
  static boolean nameEquals(String s, int from, int to, String canonical) {
    int k = 0;
    int len = canonical.length();
    int i = from;
    while (i < to) {
      int b = s.charAt(i);
      if (b == '%' && isEscape(s, i, to)) {
        b = (hex(s.charAt(i + 1)) << 4) | hex(s.charAt(i + 2));
        i += 3;
      } else {
        if (b == '+') {
          b = ' ';
        }
        i++;
      }
      int c = canonicalByte(b);
      if (c == '[') {
        break;
      }
      if (k >= len || canonical.charAt(k) != c) {
        return false;
      }
      k++;
    }
    return k == len;
  }

  private static boolean isEscape(String s, int i, int to) {
    return i + 2 < to && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0;
  }

  private static int canonicalByte(int b) {
    if (b >= 'A' && b <= 'Z') {
      return b + ('a' - 'A');
    }
    return b == '.' || b == ' ' ? '_' : b;
  }

  /**
   * Whether s[from, to), percent-decoded, is a string with Keywarden's key grammar and checksum:
   * a key presented in a parameter the route does not read. No allocation unless the part is
   * escaped and long enough to hold a key.
   */
  static boolean isKey(String s, int from, int to) {
    int len = to - from;
    if (len < 2 + KeyFormat.BODY_LENGTH || len > 3 * KeyFormat.MAX_KEY_LENGTH) {
      return false;
    }
    if (KeyFormat.check(s, from, to) == KeyFormat.OK) {
      return true;
    }
    if (indexOf(s, '%', from, to) < 0) {
      return false;
    }
    String d = decode(s, from, to);
    return KeyFormat.check(d, 0, d.length()) == KeyFormat.OK;
  }

  /** Whether s[from, to), percent-decoded, contains {@code needle}. */
  private static boolean containsDecoded(String s, int from, int to, String needle) {
    boolean escaped = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '+') {
        escaped = true;
        break;
      }
    }
    if (!escaped) {
      int at = s.indexOf(needle, from);
      return at >= 0 && at + needle.length() <= to;
    }
    return decode(s, from, to).contains(needle);
  }

  /** Percent-decodes s[from, to) as UTF-8 with {@code +} as space; malformed escapes stay as they are. */
  static String decode(String s, int from, int to) {
    boolean plain = true;
    for (int i = from; i < to && plain; i++) {
      char c = s.charAt(i);
      plain = c != '%' && c != '+';
    }
    if (plain) {
      return s.substring(from, to);
    }
    byte[] out = new byte[(to - from) * 3];
    int n = 0;
    for (int i = from; i < to; ) {
      char c = s.charAt(i);
      if (c == '%' && isEscape(s, i, to)) {
        out[n++] = (byte) ((hex(s.charAt(i + 1)) << 4) | hex(s.charAt(i + 2)));
        i += 3;
      } else if (c == '+') {
        out[n++] = ' ';
        i++;
      } else if (c < 0x80) {
        out[n++] = (byte) c;
        i++;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, out, n, b.length);
        n += b.length;
        i += Character.charCount(cp);
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

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
}
