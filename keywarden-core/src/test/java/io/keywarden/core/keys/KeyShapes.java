package io.keywarden.core.keys;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * An independent model of the key grammar for tests: prefixes, random bodies and the checksum
 * computed with the JDK's {@link CRC32}, not with the production code.
 */
final class KeyShapes {
  /** Base62 digits, lowest value first, written out again rather than taken from {@link Base62}. */
  static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private KeyShapes() {}

  /** Valid prefixes: lower-case segments joined by '_', 1 to 40 characters. */
  static Arbitrary<String> prefixes() {
    Arbitrary<String> segment = Combinators.combine(
            Arbitraries.chars().range('a', 'z'),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMaxLength(9))
        .as((first, rest) -> first + rest);
    Arbitrary<String> generated = segment.list().ofMinSize(1).ofMaxSize(5)
        .map(segments -> String.join("_", segments))
        .filter(p -> p.length() <= 40);
    Arbitrary<String> boundaries = Arbitraries.of(
        "k", "kw_sk_live", "z9", "a".repeat(40), "a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t");
    return Arbitraries.frequencyOf(Tuple.of(9, generated), Tuple.of(1, boundaries));
  }

  /** Strings of base62 digits of exactly {@code length}. */
  static Arbitrary<String> base62(int length) {
    return Arbitraries.strings().withChars(DIGITS.toCharArray()).ofLength(length);
  }

  /** The checksum of {@code prefixAndRandom}: JDK CRC32 of its ASCII bytes as 6 base62 digits. */
  static String checksum(String prefixAndRandom) {
    CRC32 crc = new CRC32();
    crc.update(prefixAndRandom.getBytes(StandardCharsets.ISO_8859_1));
    return fixedBase62(crc.getValue(), KeyFormat.CHECKSUM_LENGTH);
  }

  /** {@code prefix_random} followed by its correct checksum, whatever the prefix looks like. */
  static String withChecksum(String prefix, String random) {
    String head = prefix + "_" + random;
    return head + checksum(head);
  }

  static String fixedBase62(long value, int width) {
    char[] out = new char[width];
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      out[i] = DIGITS.charAt((int) (v % 62));
      v /= 62;
    }
    if (v != 0) {
      throw new IllegalArgumentException(value + " does not fit in " + width + " digits");
    }
    return new String(out);
  }

  static String replaceAt(String s, int position, char c) {
    return s.substring(0, position) + c + s.substring(position + 1);
  }

  /** Index of the first body character of a well-formed key. */
  static int bodyStart(String key) {
    return key.length() - KeyFormat.BODY_LENGTH;
  }
}
