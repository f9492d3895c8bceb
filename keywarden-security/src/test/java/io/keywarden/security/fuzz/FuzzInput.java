package io.keywarden.security.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * Splits a fuzz input into newline-separated fields and a remainder, so that seed files stay
 * readable text (one field per line, then the payload) while the fuzzer mutates them as bytes.
 */
final class FuzzInput {
  private final byte[] data;
  private int pos;

  FuzzInput(byte[] data) {
    this.data = data;
  }

  /** The next line (UTF-8, without its newline), or "" when the input is used up. */
  String line() {
    int start = pos;
    while (pos < data.length && data[pos] != '\n') {
      pos++;
    }
    String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
    if (pos < data.length) {
      pos++;
    }
    return s;
  }

  /** Everything after the lines read so far, as bytes. */
  byte[] rest() {
    byte[] out = new byte[data.length - pos];
    System.arraycopy(data, pos, out, 0, out.length);
    pos = data.length;
    return out;
  }

  /** Everything after the lines read so far, as UTF-8 text (malformed bytes become U+FFFD). */
  String restAsString() {
    return new String(rest(), StandardCharsets.UTF_8);
  }
}
