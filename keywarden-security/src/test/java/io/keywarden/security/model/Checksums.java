package io.keywarden.security.model;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** The key checksum, computed independently of Keywarden (java.util.zip.CRC32, base62). */
final class Checksums {
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  static boolean ok(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.substring(0, key.length() - 6).getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out).equals(key.substring(key.length() - 6));
  }

  private Checksums() {}
}
