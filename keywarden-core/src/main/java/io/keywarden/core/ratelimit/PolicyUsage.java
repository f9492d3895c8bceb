package io.keywarden.core.ratelimit;

import java.time.Duration;

/**
 * One policy's current count for one subject, as the management API shows it.
 *
 * @param used units counted now (an upper bound of the units admitted within the window)
 * @param remaining units that would be admitted now
 * @param resetMicros time until the count is back to zero
 */
public record PolicyUsage(RatePolicy policy, long used, long remaining, long resetMicros) {
  /** Time until the count is back to zero. */
  public Duration reset() {
    return Duration.ofNanos(resetMicros * 1000);
  }
}
