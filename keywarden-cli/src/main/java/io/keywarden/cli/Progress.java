package io.keywarden.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on a terminal: the number of items done and the rate, redrawn in place at most
 * ten times a second, replaced by a summary at the end. Lists have no total, so it counts rather
 * than fills a bar. {@link #on} with {@code enabled == false} gives one that prints nothing.
 */
final class Progress {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private final String noun;
  private final long started = System.nanoTime();
  private long lastDrawn;

  private Progress(PrintWriter err, boolean enabled, String noun) {
    this.err = err;
    this.enabled = enabled;
    this.noun = noun;
  }

  static Progress on(PrintWriter err, boolean enabled, String noun) {
    return new Progress(err, enabled, noun);
  }

  void update(long done) {
    long now = System.nanoTime();
    if (!enabled || now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    double seconds = Math.max((now - started) / 1e9, 1e-3);
    err.print(String.format(Locale.ROOT, "\r\033[2KExporting %s: %,d written (%,.0f/s)", noun, done, done / seconds));
    err.flush();
  }

  void done(long done, String destination) {
    if (!enabled) {
      return;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    err.println(String.format(Locale.ROOT, "\r\033[2KExported %,d %s%s in %.1f s.", done, noun,
        destination == null ? "" : " to " + destination, seconds));
    err.flush();
  }
}
