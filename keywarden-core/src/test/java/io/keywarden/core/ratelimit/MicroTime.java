package io.keywarden.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/** A time source in epoch microseconds that tests move by hand; safe to read from many threads. */
final class MicroTime implements LongSupplier {
  /** 2025-01-01T00:00:00Z, a whole second, minute and slice of every window used in tests. */
  static final long START = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;

  private volatile long now;

  MicroTime(long start) {
    this.now = start;
  }

  static MicroTime atStart() {
    return new MicroTime(START);
  }

  long now() {
    return now;
  }

  MicroTime set(long micros) {
    now = micros;
    return this;
  }

  MicroTime advance(long micros) {
    now += micros;
    return this;
  }

  MicroTime advance(Duration d) {
    return advance(d.toNanos() / 1000);
  }

  @Override
  public long getAsLong() {
    return now;
  }
}
