package io.keywarden.core.ratelimit;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The period a policy's limit applies to: a rolling window of any length, or a calendar month
 * (a quota).
 */
public sealed interface RateWindow permits RateWindow.Rolling, RateWindow.CalendarMonth {
  /** Sub-windows of a rolling window unless told otherwise. */
  int DEFAULT_SUB_WINDOWS = 10;
  /** The shortest rolling window. */
  Duration MIN_ROLLING = Duration.ofMillis(1);
  /** The longest rolling window; longer periods are calendar quotas. */
  Duration MAX_ROLLING = Duration.ofDays(366);

  /** A rolling window of {@code length} with the default precision. */
  static Rolling of(Duration length) {
    return new Rolling(length, DEFAULT_SUB_WINDOWS);
  }

  /** A rolling window of {@code length} tracked in {@code subWindows} slices. */
  static Rolling rolling(Duration length, int subWindows) {
    return new Rolling(length, subWindows);
  }

  /**
   * Parses the text form used in configuration and overrides: a whole number followed by {@code
   * ms}, {@code s}, {@code m}, {@code h} or {@code d} (a rolling window), or {@code month} (a
   * calendar month in UTC).
   *
   * @throws IllegalArgumentException naming the problem, for text of another shape or a length
   *     out of range
   */
  static RateWindow parse(String text) {
    if ("month".equals(text)) {
      return calendarMonth();
    }
    java.util.regex.Matcher m = WindowText.DURATION.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("must be a duration such as 500ms, 10s, 1m, 1h or 1d, or month; was \""
          + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    return of(d);
  }

  /** Calendar months in UTC. */
  static CalendarMonth calendarMonth() {
    return new CalendarMonth(ZoneOffset.UTC);
  }

  /** Calendar months in {@code zone}. */
  static CalendarMonth calendarMonth(ZoneId zone) {
    return new CalendarMonth(zone);
  }

  /** Whether exhausting a policy with this window is a quota ({@code quota_exceeded}) rather than a rate limit. */
  boolean isQuota();

  /**
   * A window that slides with time: at every instant it covers the last {@code length}.
   *
   * <p>{@code subWindows} sets the precision (see {@link LocalRateLimiter}): a request that fits
   * under the limit over the last {@code length + length / subWindows} is always admitted, so more
   * sub-windows come closer to an exact sliding log at the cost of 8 bytes each per counter.
   *
   * @param length between 1 ms and 366 days, in whole microseconds
   * @param subWindows between 1 and 1000
   */
  record Rolling(Duration length, int subWindows) implements RateWindow {
    public Rolling {
      Objects.requireNonNull(length, "window length");
      if (length.compareTo(MIN_ROLLING) < 0) {
        throw new IllegalArgumentException("window length must be at least 1 ms, got " + length);
      }
      if (length.compareTo(MAX_ROLLING) > 0) {
        throw new IllegalArgumentException(
            "window length must be at most 366 days (use a calendar month quota), got " + length);
      }
      if (length.toNanos() % 1000 != 0) {
        throw new IllegalArgumentException(
            "window length must be a whole number of microseconds, got " + length);
      }
      if (subWindows < 1 || subWindows > 1000) {
        throw new IllegalArgumentException(
            "window sub-windows must be between 1 and 1000, got " + subWindows);
      }
    }

    /** The length in microseconds. */
    public long micros() {
      return length.toNanos() / 1000;
    }

    @Override
    public boolean isQuota() {
      return false;
    }

    @Override
    public String toString() {
      return length + (subWindows == DEFAULT_SUB_WINDOWS ? "" : "/" + subWindows);
    }
  }

  /**
   * Calendar months in {@code zone}: the count starts again at the first instant of each month.
   */
  record CalendarMonth(ZoneId zone) implements RateWindow {
    public CalendarMonth {
      Objects.requireNonNull(zone, "calendar month zone");
    }

    @Override
    public boolean isQuota() {
      return true;
    }

    @Override
    public String toString() {
      return "month(" + zone + ")";
    }
  }
}
