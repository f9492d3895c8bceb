package io.keywarden.core.keys;

import java.security.SecureRandom;

/**
 * The API key grammar: generation, and the storage-free check of a presented key.
 *
 * <pre>
 * key      = prefix "_" random checksum
 * prefix   = segment *( "_" segment )          ; at most 40 chars
 * segment  = lower *( lower / digit )          ; lower = a-z, digit = 0-9
 * random   = 30 base62                         ; from a CSPRNG: 30 x log2(62) = 178.6 bits
 * checksum = 6 base62                          ; CRC-32 of the ASCII bytes of prefix "_" random,
 *                                              ; as a big-endian base62 number, left-padded with "0"
 * base62   = 0-9 / A-Z / a-z                   ; digit values in that order
 * </pre>
 *
 * <p>Because the random part and the checksum contain no underscore, the prefix is everything
 * before the last underscore. A key is therefore between 38 and 77 characters long, for example
 * {@code kw_sk_live_rvEspU7fv7VnzCTkcqMdT6jGegi7dZ3hUZ4U}. The checksum follows GitHub's token
 * scheme: a mistyped or random token is rejected by {@link #check} without any storage access, and
 * secret scanners can recognise the format with the regular expression {@link #SCANNER_REGEX}.
 */
public final class KeyFormat {
  /** Number of random base62 characters in a key body. */
  public static final int RANDOM_LENGTH = 30;
  /** Number of base62 characters of the checksum at the end of the body. */
  public static final int CHECKSUM_LENGTH = 6;
  /** Length of the body: random part plus checksum. */
  public static final int BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;
  /** Longest allowed prefix. */
  public static final int MAX_PREFIX_LENGTH = 40;
  /** Longest possible key. */
  public static final int MAX_KEY_LENGTH = MAX_PREFIX_LENGTH + 1 + BODY_LENGTH;
  /** A regular expression that matches exactly the keys of this grammar (before the checksum). */
  public static final String SCANNER_REGEX =
      "\\b[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*_[0-9A-Za-z]{36}\\b";

  /** Result of {@link #check}: the key is well formed and its checksum matches. */
  public static final int OK = 0;
  /** Result of {@link #check}: the key does not follow the grammar. */
  public static final int MALFORMED = 1;
  /** Result of {@link #check}: the key follows the grammar but its checksum does not match. */
  public static final int BAD_CHECKSUM = 2;

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyFormat() {}

  /**
   * Checks the grammar and the checksum of a presented key without allocating.
   *
   * @return {@link #OK}, {@link #MALFORMED} or {@link #BAD_CHECKSUM}
   */
  public static int check(CharSequence key) {
    return check(key, 0, key.length());
  }

  /** {@link #check(CharSequence)} on {@code text[from, to)}, without allocating. */
  public static int check(CharSequence text, int from, int to) {
    int len = to - from;
    if (len < 2 + BODY_LENGTH || len > MAX_KEY_LENGTH) {
      return MALFORMED;
    }
    int sep = to - BODY_LENGTH - 1;
    if (text.charAt(sep) != '_' || !isValidPrefix(text, from, sep)) {
      return MALFORMED;
    }
    for (int i = sep + 1; i < to; i++) {
      if (!Base62.isDigit(text.charAt(i))) {
        return MALFORMED;
      }
    }
    long expected = Base62.decodeFixed(text, to - CHECKSUM_LENGTH, CHECKSUM_LENGTH);
    long actual = Crc32.of(text, from, to - CHECKSUM_LENGTH);
    return expected == actual ? OK : BAD_CHECKSUM;
  }

  /** Whether {@code prefix} follows the prefix grammar. */
  public static boolean isValidPrefix(CharSequence prefix) {
    return isValidPrefix(prefix, 0, prefix.length());
  }

  private static boolean isValidPrefix(CharSequence s, int from, int to) {
    if (to - from < 1 || to - from > MAX_PREFIX_LENGTH) {
      return false;
    }
    boolean segmentStart = true;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (segmentStart) {
        if (c < 'a' || c > 'z') {
          return false;
        }
        segmentStart = false;
      } else if (c == '_') {
        segmentStart = true;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return !segmentStart;
  }

  /** The prefix of a key that passed {@link #check}. */
  public static String prefixOf(String key) {
    return key.substring(0, key.length() - BODY_LENGTH - 1);
  }

  /**
   * The display form of a key that passed {@link #check}: the prefix, the first four body
   * characters, an ellipsis and the last four characters, e.g. {@code kw_sk_live_rvEs…UZ4U}. It
   * identifies a key in lists and logs and cannot be used to recover it.
   */
  public static String displayForm(String key) {
    int bodyStart = key.length() - BODY_LENGTH;
    return key.substring(0, bodyStart + 4) + "\u2026" + key.substring(key.length() - 4);
  }

  /**
   * A key's body as redaction finds it: an underscore after a lower-case letter or digit (the end
   * of a prefix), then exactly 36 base62 characters. Matching bodies rather than whole keys means
   * a key-shaped run cannot swallow the prefix of a key right after it and leave that key's body
   * in the text (the key-grammar fuzzer found that).
   */
  private static final java.util.regex.Pattern KEY_BODY =
      java.util.regex.Pattern.compile("(?<=[a-z0-9])_[0-9A-Za-z]{36}(?![0-9A-Za-z])");

  /**
   * {@code text} with every key-shaped substring (the grammar above, checksum or not) replaced by
   * its display form, so that client input echoed in an error message or a log line can never
   * carry a key. Every 36-character body after a prefix is cut to its first and last four
   * characters; the prefix stays.
   */
  public static String redact(CharSequence text) {
    if (text == null) {
      return null;
    }
    var m = KEY_BODY.matcher(text);
    if (!m.find()) {
      return text.toString();
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      int body = m.start() + 1;
      sb.append(text, last, body + 4).append('\u2026').append(text, m.end() - 4, m.end());
      last = m.end();
    } while (m.find());
    sb.append(text, last, text.length());
    return sb.toString();
  }

  /** Generates a new key with the given prefix, from a CSPRNG. */
  public static String generate(String prefix) {
    if (!isValidPrefix(prefix)) {
      throw new IllegalArgumentException(
          "key prefix must be lower-case segments [a-z][a-z0-9]* joined by '_', at most "
              + MAX_PREFIX_LENGTH
              + " characters");
    }
    StringBuilder sb = new StringBuilder(prefix.length() + 1 + BODY_LENGTH);
    sb.append(prefix).append('_');
    Base62.appendRandom(sb, RANDOM, RANDOM_LENGTH);
    long crc = Crc32.of(sb, 0, sb.length());
    Base62.appendFixed(sb, crc, CHECKSUM_LENGTH);
    return sb.toString();
  }
}
