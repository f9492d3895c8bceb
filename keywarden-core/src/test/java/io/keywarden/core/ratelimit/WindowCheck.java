package io.keywarden.core.ratelimit;

import java.util.List;

/** Counting admitted requests in windows, the way the limits are specified. */
final class WindowCheck {
  private WindowCheck() {}

  /** Admissions with a time in {@code [start, start + length)}. */
  static int count(List<Long> times, long start, long length) {
    int n = 0;
    for (long t : times) {
      if (t >= start && t < start + length) {
        n++;
      }
    }
    return n;
  }

  /** The most admissions in any window of {@code length} (attained by one starting at an admission). */
  static int busiestWindow(List<Long> sortedTimes, long length) {
    int best = 0;
    int j = 0;
    for (int i = 0; i < sortedTimes.size(); i++) {
      while (j < sortedTimes.size() && sortedTimes.get(j) < sortedTimes.get(i) + length) {
        j++;
      }
      best = Math.max(best, j - i);
    }
    return best;
  }
}
