package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.ratelimit.LocalRateLimiter.AtCapacity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounded memory: empty counters are swept; the cap holds and says what happens when reached. */
class CounterMemoryTest {
  private static final long SECOND = 1_000_000;
  private final MicroTime time = MicroTime.atStart();
  private final RatePolicy perIp = RatePolicy.rolling("per-ip", 5, Duration.ofMinutes(1), Dimension.CLIENT_IP);

  private static RateSubject ip(int i) {
    return RateSubject.builder().clientIp("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)).build();
  }

  private LocalRateLimiter.Builder limiter() {
    return LocalRateLimiter.builder().microClock(time).sweepInterval(Duration.ZERO);
  }

  @Test
  void emptyCountersAreSweptAndTheMapShrinksToNothing() {
    LocalRateLimiter limiter = limiter().build();
    for (int i = 0; i < 10_000; i++) {
      limiter.check(perIp, ip(i), 1);
    }
    assertThat(limiter.size()).isEqualTo(10_000);
    assertThat(limiter.sweep()).isZero();
    time.advance(60 * SECOND);
    assertThat(limiter.sweep()).isEqualTo(10_000);
    assertThat(limiter.size()).isZero();
  }

  @Test
  void countersThatStillCountSurviveASweepWithTheirCount() {
    LocalRateLimiter limiter = limiter().build();
    limiter.check(perIp, ip(1), 1);
    time.advance(30 * SECOND);
    limiter.check(perIp, ip(2), 3);
    time.advance(30 * SECOND);
    assertThat(limiter.sweep()).isEqualTo(1);
    assertThat(limiter.usage(List.of(perIp), ip(2)).get(0).used()).isEqualTo(3);
  }

  @Test
  void aQuotaCounterLivesUntilItsMonthEnds() {
    LocalRateLimiter limiter = limiter().build();
    RatePolicy monthly = RatePolicy.monthlyQuota("monthly", 10, Dimension.CLIENT_IP);
    limiter.check(monthly, ip(1), 1);
    time.advance(Duration.ofDays(30));
    assertThat(limiter.sweep()).isZero();
    time.advance(Duration.ofDays(1)); // 2025-02-01
    assertThat(limiter.sweep()).isEqualTo(1);
  }

  @Test
  void checksSweepByThemselvesOncePerSweepInterval() {
    LocalRateLimiter limiter = LocalRateLimiter.builder().microClock(time).build();
    for (int i = 0; i < 100; i++) {
      limiter.check(perIp, ip(i), 1);
    }
    time.advance(9 * SECOND);
    limiter.check(perIp, ip(100), 1);
    assertThat(limiter.size()).isEqualTo(101);
    time.advance(60 * SECOND);
    limiter.check(perIp, ip(101), 1);
    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void checksShareALargeSweepOutInBatches() {
    LocalRateLimiter limiter = LocalRateLimiter.builder().microClock(time).build();
    for (int i = 0; i < 5000; i++) {
      limiter.check(perIp, ip(i), 1);
    }
    time.advance(60 * SECOND);
    RateSubject last = ip(9999);
    limiter.check(perIp, last, 1); // takes the first turn: 1024 counters looked at
    assertThat(limiter.size()).isBetween(5001 - LocalRateLimiter.SWEEP_BATCH, 5000);
    for (int i = 0; i < 5; i++) {
      limiter.check(perIp, last, 1);
    }
    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void atTheCapEmptyCountersAreSweptFirst() {
    LocalRateLimiter limiter = limiter().maxCounters(100).build();
    for (int i = 0; i < 100; i++) {
      limiter.check(perIp, ip(i), 1);
    }
    time.advance(60 * SECOND);
    RateOutcome o = limiter.check(perIp, ip(1000), 1);
    assertThat(o.allowed()).isTrue();
    assertThat(limiter.size()).isEqualTo(1);
    assertThat(limiter.overflows()).isZero();
  }

  @Test
  void atTheCapWithNothingToSweepNewSubjectsPassUncountedByDefault() {
    LocalRateLimiter limiter = limiter().maxCounters(100).build();
    for (int i = 0; i < 100; i++) {
      limiter.check(perIp, ip(i), 5);
    }
    for (int i = 0; i < 10; i++) { // fail-open, and visibly so
      RateOutcome o = limiter.check(perIp, ip(1000), 1);
      assertThat(o.allowed()).isTrue();
      assertThat(o.remaining()).isEqualTo(4);
    }
    assertThat(limiter.overflows()).isEqualTo(10);
    assertThat(limiter.size()).isEqualTo(100);
    // Limits already being counted stay exact.
    assertThat(limiter.check(perIp, ip(7), 1).allowed()).isFalse();
    // And the uncounted subject gets a counter once there is room.
    time.advance(60 * SECOND);
    assertThat(limiter.check(perIp, ip(1000), 5).allowed()).isTrue();
    assertThat(limiter.check(perIp, ip(1000), 1).allowed()).isFalse();
  }

  @Test
  void atTheCapTheRejectModeTurnsNewSubjectsAway() {
    LocalRateLimiter limiter = limiter().maxCounters(100).atCapacity(AtCapacity.REJECT).build();
    for (int i = 0; i < 100; i++) {
      limiter.check(perIp, ip(i), 1);
    }
    RateOutcome o = limiter.check(List.of(perIp), ip(1000), 1);
    assertThat(o.allowed()).isFalse();
    assertThat(o.reason()).isEqualTo("rate_limited");
    assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.overflows()).isEqualTo(1);
    assertThat(limiter.check(perIp, ip(3), 1).allowed()).isTrue();
  }

  @Test
  void aFloodOfDistinctSubjectsNeverHoldsMoreThanTheCap() {
    LocalRateLimiter limiter = limiter().maxCounters(1000).build();
    RatePolicy perSecond = RatePolicy.rolling("per-ip", 5, Duration.ofSeconds(1), Dimension.CLIENT_IP);
    int admitted = 0;
    for (int i = 0; i < 200_000; i++) {
      if (limiter.check(perSecond, ip(i), 1).allowed()) {
        admitted++;
      }
      assertThat(limiter.size()).isLessThanOrEqualTo(1000);
      time.advance(100); // 10 000 new addresses a second: ten times what the cap holds
    }
    assertThat(admitted).isEqualTo(200_000);
    assertThat(limiter.overflows()).isPositive();
  }

  @Test
  void peekAndUsageStoreNothing() {
    LocalRateLimiter limiter = limiter().build();
    limiter.peek(List.of(perIp), ip(1), 1);
    limiter.usage(List.of(perIp), ip(1));
    assertThat(limiter.size()).isZero();
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> LocalRateLimiter.builder().maxCounters(0))
        .hasMessage("max counters must be at least 1, got 0");
    assertThatThrownBy(() -> LocalRateLimiter.builder().sweepInterval(Duration.ofSeconds(-1)))
        .hasMessage("sweep interval must not be negative, got PT-1S");
  }
}
