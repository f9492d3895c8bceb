package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Monthly quotas: a count per calendar month that starts again at the first instant of the next. */
class CalendarQuotaTest {
  private static final RateSubject WS = RateSubject.builder().workspace("ws_1").key("key_1").build();
  private final RatePolicy quota = RatePolicy.monthlyQuota("evaluations", 3, Dimension.WORKSPACE);

  private static long micros(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  private static LocalRateLimiter limiter(MutableClock clock) {
    return LocalRateLimiter.builder().clock(clock).sweepInterval(Duration.ZERO).build();
  }

  @Test
  void theQuotaIsExceededUntilTheFirstInstantOfTheNextMonthInUtc() {
    MutableClock clock = MutableClock.at("2025-01-15T10:00:00Z");
    LocalRateLimiter limiter = limiter(clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.check(quota, WS, 1).allowed()).isTrue();
    }
    RateOutcome rejected = limiter.check(quota, WS, 1);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.error()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(rejected.reason()).isEqualTo("quota_exceeded");
    long toFebruary = micros("2025-02-01T00:00:00Z") - micros("2025-01-15T10:00:00Z");
    assertThat(rejected.retryAfterMicros()).isEqualTo(toFebruary);
    assertThat(rejected.resetMicros()).isEqualTo(toFebruary);
    assertThat(rejected.windowMicros()).isEqualTo(Duration.ofDays(31).toNanos() / 1000);

    clock.set(Instant.parse("2025-01-31T23:59:59.999999Z"));
    assertThat(limiter.check(quota, WS, 1).allowed()).isFalse();
    clock.set(Instant.parse("2025-02-01T00:00:00Z"));
    RateOutcome february = limiter.check(quota, WS, 1);
    assertThat(february.allowed()).isTrue();
    assertThat(february.remaining()).isEqualTo(2);
    assertThat(february.resetMicros()).isEqualTo(Duration.ofDays(28).toNanos() / 1000);
  }

  @Test
  void februaryOfALeapYearHasTwentyNineDays() {
    MutableClock clock = MutableClock.at("2028-02-10T00:00:00Z");
    RateOutcome o = limiter(clock).check(quota, WS, 1);
    assertThat(o.windowMicros()).isEqualTo(Duration.ofDays(29).toNanos() / 1000);
    assertThat(o.resetMicros()).isEqualTo(micros("2028-03-01T00:00:00Z") - micros("2028-02-10T00:00:00Z"));
  }

  @Test
  void decemberRollsOverIntoJanuaryOfTheNextYear() {
    MutableClock clock = MutableClock.at("2025-12-31T23:00:00Z");
    LocalRateLimiter limiter = limiter(clock);
    assertThat(limiter.check(quota, WS, 3).allowed()).isTrue();
    RateOutcome rejected = limiter.check(quota, WS, 1);
    assertThat(rejected.retryAfter()).isEqualTo(Duration.ofHours(1));
    clock.set(Instant.parse("2026-01-01T00:00:00Z"));
    RateOutcome january = limiter.check(quota, WS, 1);
    assertThat(january.allowed()).isTrue();
    assertThat(january.remaining()).isEqualTo(2);
    assertThat(january.windowMicros()).isEqualTo(Duration.ofDays(31).toNanos() / 1000);
  }

  @Test
  void theQuotaDoesNotSlideWithTime() {
    MutableClock clock = MutableClock.at("2025-03-01T00:00:00Z");
    LocalRateLimiter limiter = limiter(clock);
    limiter.check(quota, WS, 3);
    clock.set(Instant.parse("2025-03-31T23:59:59Z"));
    assertThat(limiter.check(quota, WS, 1).allowed()).isFalse();
    assertThat(limiter.usage(List.of(quota), WS).get(0).used()).isEqualTo(3);
  }

  @Test
  void aConfiguredZoneMovesTheMonthBoundary() {
    RatePolicy berlin = new RatePolicy("evaluations", 3,
        RateWindow.calendarMonth(ZoneId.of("Europe/Berlin")), Set.of(Dimension.WORKSPACE));
    MutableClock clock = MutableClock.at("2025-01-31T22:00:00Z"); // 23:00 in Berlin
    LocalRateLimiter limiter = limiter(clock);
    limiter.check(berlin, WS, 3);
    RateOutcome rejected = limiter.check(berlin, WS, 1);
    assertThat(rejected.retryAfter()).isEqualTo(Duration.ofHours(1));
    clock.set(Instant.parse("2025-01-31T23:00:00Z")); // midnight in Berlin, still January in UTC
    assertThat(limiter.check(berlin, WS, 1).allowed()).isTrue();
  }

  @Test
  void monthsAcrossADaylightSavingChangeHaveTheirRealLength() {
    RatePolicy berlin = new RatePolicy("evaluations", 3,
        RateWindow.calendarMonth(ZoneId.of("Europe/Berlin")), Set.of(Dimension.WORKSPACE));
    RateOutcome march = limiter(MutableClock.at("2025-03-15T12:00:00Z")).check(berlin, WS, 1);
    assertThat(march.windowMicros()).isEqualTo(Duration.ofDays(31).minusHours(1).toNanos() / 1000);
  }

  @Test
  void aCostLargerThanWhatIsLeftIsRejectedAndConsumesNothing() {
    MutableClock clock = MutableClock.at("2025-05-05T05:05:05Z");
    LocalRateLimiter limiter = limiter(clock);
    limiter.check(quota, WS, 2);
    RateOutcome o = limiter.check(quota, WS, 2);
    assertThat(o.allowed()).isFalse();
    assertThat(o.remaining()).isEqualTo(1);
    assertThat(limiter.check(quota, WS, 1).allowed()).isTrue();
  }
}
