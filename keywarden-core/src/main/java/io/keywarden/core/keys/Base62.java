package io.keywarden.core.keys;

import java.security.SecureRandom;

/** Base62 encoding with the alphabet {@code 0-9 A-Z a-z}, in that order. */
public final class Base62 {
  /** The 62 digits, lowest value first. */
  public static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      VALUES[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  private Base62() {}

  /** The value of one base62 digit, or -1 if {@code c} is not one. */
  public static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /** Whether {@code c} is a base62 digit. */
  public static boolean isDigit(char c) {
    return c < 128 && VALUES[c] >= 0;
  }

  /** Appends {@code value} (non-negative) as exactly {@code width} digits, left-padded with '0'. */
  public static void appendFixed(StringBuilder out, long value, int width) {
    if (value < 0) {
      throw new IllegalArgumentException("value must not be negative");
    }
    char[] digits = new char[width];
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      digits[i] = ALPHABET.charAt((int) (v % 62));
      v /= 62;
    }
    if (v != 0) {
      throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
    }
    out.append(digits);
  }

  /**
   * Decodes exactly {@code width} digits starting at {@code from}, or returns -1 if any character
   * is not a base62 digit.
   */
  public static long decodeFixed(CharSequence s, int from, int width) {
    long v = 0;
    for (int i = from; i < from + width; i++) {
      int d = value(s.charAt(i));
      if (d < 0) {
        return -1;
      }
      v = v * 62 + d;
    }
    return v;
  }

  /** Appends {@code count} uniformly random digits drawn from {@code random}. */
  public static void appendRandom(StringBuilder out, SecureRandom random, int count) {
    for (int i = 0; i < count; i++) {
      out.append(ALPHABET.charAt(random.nextInt(62)));
    }
  }
}
