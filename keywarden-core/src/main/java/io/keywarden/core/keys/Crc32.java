package io.keywarden.core.keys;

/**
 * CRC-32 (IEEE 802.3, the polynomial of {@link java.util.zip.CRC32}) computed directly over the
 * chars of an ASCII {@link CharSequence}, so checking a presented key needs no byte array.
 */
final class Crc32 {
  private static final int[] TABLE = new int[256];

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
    int crc = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      crc = TABLE[(crc ^ s.charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    return (~crc) & 0xFFFFFFFFL;
  }
}
