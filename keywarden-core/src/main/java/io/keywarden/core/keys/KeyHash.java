package io.keywarden.core.keys;

import java.util.HexFormat;

/**
 * The 256-bit HMAC of a key: the only form in which a key is stored and looked up.
 *
 * <p>Held as four longs so that equality and hashing are cheap on the verify path. {@link
 * #toHex()} is the storage form.
 */
public record KeyHash(long w0, long w1, long w2, long w3) {

  /** Reads 32 bytes starting at {@code offset}, big-endian. */
  public static KeyHash of(byte[] bytes, int offset) {
    return new KeyHash(
        readLong(bytes, offset),
        readLong(bytes, offset + 8),
        readLong(bytes, offset + 16),
        readLong(bytes, offset + 24));
  }

  /** Parses the 64-character lower-case hex storage form. */
  public static KeyHash fromHex(String hex) {
    if (hex.length() != 64) {
      throw new IllegalArgumentException("key hash must be 64 hex characters");
    }
    return of(HexFormat.of().parseHex(hex), 0);
  }

  /** The 64-character lower-case hex storage form. */
  public String toHex() {
    HexFormat f = HexFormat.of();
    return f.toHexDigits(w0) + f.toHexDigits(w1) + f.toHexDigits(w2) + f.toHexDigits(w3);
  }

  @Override
  public int hashCode() {
    return (int) (w0 ^ (w0 >>> 32));
  }

  @Override
  public String toString() {
    return "KeyHash[" + toHex().substring(0, 12) + "…]";
  }

  private static long readLong(byte[] b, int o) {
    return ((long) b[o] << 56)
        | ((long) (b[o + 1] & 0xFF) << 48)
        | ((long) (b[o + 2] & 0xFF) << 40)
        | ((long) (b[o + 3] & 0xFF) << 32)
        | ((long) (b[o + 4] & 0xFF) << 24)
        | ((long) (b[o + 5] & 0xFF) << 16)
        | ((long) (b[o + 6] & 0xFF) << 8)
        | ((long) (b[o + 7] & 0xFF));
  }
}
