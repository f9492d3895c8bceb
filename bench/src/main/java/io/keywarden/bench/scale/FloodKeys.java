package io.keywarden.bench.scale;

import io.keywarden.core.keys.KeyFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes keys for an HTTP flood, one a line: {@code FloodKeys PREFIX COUNT unknown|bad FILE}.
 * {@code unknown}: well-formed keys (valid checksum) that no store holds; {@code bad}: the same
 * with the last checksum character changed.
 */
public final class FloodKeys {
  private FloodKeys() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    String prefix = args[0];
    int count = Integer.parseInt(args[1]);
    boolean bad = args[2].equals("bad");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[3])))) {
      for (int i = 0; i < count; i++) {
        String k = KeyFormat.generate(prefix);
        if (bad) {
          char last = k.charAt(k.length() - 1);
          k = k.substring(0, k.length() - 1) + (last == 'a' ? 'b' : 'a');
        }
        w.println(k);
      }
    }
  }
}
