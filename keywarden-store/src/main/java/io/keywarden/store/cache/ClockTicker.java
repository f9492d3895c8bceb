package io.keywarden.store.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;

/** A Caffeine {@link Ticker} that reads an injected {@link Clock}, so tests move cache time too. */
public final class ClockTicker implements Ticker {
  private final Clock clock;

  private ClockTicker(Clock clock) {
    this.clock = clock;
  }

  /** The system ticker for the system clock; a clock-backed one otherwise. */
  public static Ticker of(Clock clock) {
    if (clock.getClass().getName().startsWith("java.time.Clock$System")) {
      return Ticker.systemTicker();
    }
    return new ClockTicker(clock);
  }

  @Override
  public long read() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
