package io.keywarden.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand, so that expiry and time ordering are tested without sleeping.
 *
 * <p>{@link #withZone} returns a clock that shares this one's time, so moving either moves both.
 */
public final class MutableClock extends Clock {
  private final Instant[] now;
  private final ZoneId zone;

  private MutableClock(Instant[] now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A UTC clock standing at {@code start}. */
  public static MutableClock at(Instant start) {
    return new MutableClock(new Instant[] {start}, ZoneOffset.UTC);
  }

  /** A UTC clock standing at 2026-01-01T00:00:00Z, the usual start of a test. */
  public static MutableClock atFixedStart() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A UTC clock standing at an ISO-8601 instant such as {@code 2025-01-01T00:00:00Z}. */
  public static MutableClock at(String isoInstant) {
    return at(Instant.parse(isoInstant));
  }

  /** Moves the clock forward (or back, for a negative duration). */
  public MutableClock advance(Duration by) {
    synchronized (now) {
      now[0] = now[0].plus(by);
    }
    return this;
  }

  /** Puts the clock at {@code instant}. */
  public MutableClock set(Instant instant) {
    synchronized (now) {
      now[0] = instant;
    }
    return this;
  }

  @Override
  public Instant instant() {
    synchronized (now) {
      return now[0];
    }
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new MutableClock(now, zone);
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + "]";
  }
}
