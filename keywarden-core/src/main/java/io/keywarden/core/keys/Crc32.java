package io.keywarden.core.keys;

import java.util.zip.CRC32;

/**
 * CRC-32 (IEEE 802.3, the polynomial of {@link java.util.zip.CRC32}) of the chars of an ASCII
 * key, each taken as one byte.
 *
 * <p>For a {@link String} the chars are copied into a per-thread buffer in one bulk operation and
 * summed with the JDK's {@link CRC32}, which the JIT turns into carry-less-multiply instructions;
 * checking a presented key then allocates nothing. Other {@link CharSequence}s use a table.
 */
final class Crc32 {
  private static final int[] TABLE = new int[256];

  private static final class Scratch {
    final byte[] bytes = new byte[KeyFormat.MAX_KEY_LENGTH];
    final CRC32 crc = new CRC32();
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      TABLE[n] = c;
    }
  }

  private Crc32() {}

  /** CRC-32 of chars {@code [from, to)} of {@code s}, each taken as one byte (ASCII). */
  static long of(CharSequence s, int from, int to) {
    if (s instanceof String str && to - from <= KeyFormat.MAX_KEY_LENGTH) {
      return ofString(str, from, to);
    }
    int crc = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      crc = TABLE[(crc ^ s.charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    return (~crc) & 0xFFFFFFFFL;
  }

  @SuppressWarnings("deprecation") // the low-byte copy is exactly right for ASCII keys
  private static long ofString(String s, int from, int to) {
    Scratch sc = SCRATCH.get();
    s.getBytes(from, to, sc.bytes, 0);
    CRC32 crc = sc.crc;
    crc.reset();
    crc.update(sc.bytes, 0, to - from);
    return crc.getValue();
  }
}
