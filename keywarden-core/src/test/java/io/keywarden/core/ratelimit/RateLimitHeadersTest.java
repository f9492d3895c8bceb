package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ratelimit.RateLimitHeaders.Header;
import io.keywarden.core.ratelimit.RateLimitHeaders.ResetFormat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Header values for admitted and rejected outcomes, in both forms. */
class RateLimitHeadersTest {
  private static final long SECOND = 1_000_000;
  private static final long NOW = MicroTime.START + 300_000; // .3 s past a whole second
  private static final long NOW_SECONDS = MicroTime.START / SECOND;
  private final RatePolicy minute = RatePolicy.rolling("minute", 120, Duration.ofMinutes(1), Dimension.KEY);

  private final RateLimitHeaders both = RateLimitHeaders.builder().ietf(true).build();

  private RateOutcome allowed(long remaining, long resetMicros) {
    return new RateOutcome(true, minute, 120, remaining, resetMicros, 0, 60 * SECOND, NOW);
  }

  private RateOutcome rejected(long retryAfterMicros) {
    return new RateOutcome(false, minute, 120, 0, 21 * SECOND, retryAfterMicros, 60 * SECOND, NOW);
  }

  @Test
  void anAdmittedRequestGetsTheCommonHeadersWithTheResetInEpochSeconds() {
    assertThat(RateLimitHeaders.defaults().format(allowed(37, 20_200_000))).containsExactly(
        new Header("X-RateLimit-Limit", "120"),
        new Header("X-RateLimit-Remaining", "37"),
        new Header("X-RateLimit-Reset", Long.toString(NOW_SECONDS + 21))); // 20.5 s from the second
  }

  @Test
  void theResetMayBeWrittenAsSecondsFromNowRoundedUp() {
    RateLimitHeaders delta = RateLimitHeaders.builder().resetFormat(ResetFormat.DELTA_SECONDS).build();
    assertThat(delta.format(allowed(37, 20_200_000))).contains(new Header("X-RateLimit-Reset", "21"));
    assertThat(delta.format(allowed(37, 20 * SECOND))).contains(new Header("X-RateLimit-Reset", "20"));
    assertThat(delta.format(allowed(120, 0))).contains(new Header("X-RateLimit-Reset", "0"));
  }

  @Test
  void theIetfFormNamesThePolicyWithItsQuotaWindowRemainingAndReset() {
    assertThat(both.format(allowed(37, 20_200_000))).containsExactly(
        new Header("X-RateLimit-Limit", "120"),
        new Header("X-RateLimit-Remaining", "37"),
        new Header("X-RateLimit-Reset", Long.toString(NOW_SECONDS + 21)),
        new Header("RateLimit-Policy", "\"minute\";q=120;w=60"),
        new Header("RateLimit", "\"minute\";r=37;t=21"));
  }

  @Test
  void theIetfFormCanStandAlone() {
    RateLimitHeaders ietfOnly = RateLimitHeaders.builder().common(false).ietf(true).build();
    assertThat(ietfOnly.format(rejected(21 * SECOND))).containsExactly(
        new Header("RateLimit-Policy", "\"minute\";q=120;w=60"),
        new Header("RateLimit", "\"minute\";r=0;t=21"),
        new Header("Retry-After", "21"));
  }

  @Test
  void aRejectionAddsRetryAfterInWholeSecondsRoundedUpAndAtLeastOne() {
    assertThat(retryAfter(1_200_000)).isEqualTo("2");
    assertThat(retryAfter(2 * SECOND)).isEqualTo("2");
    assertThat(retryAfter(2 * SECOND + 1)).isEqualTo("3");
    assertThat(retryAfter(300_000)).isEqualTo("1");
    assertThat(retryAfter(1)).isEqualTo("1");
    assertThat(retryAfter(0)).isEqualTo("1");
  }

  private String retryAfter(long micros) {
    List<Header> h = RateLimitHeaders.defaults().format(rejected(micros));
    assertThat(h.get(h.size() - 1).name()).isEqualTo("Retry-After");
    return h.get(h.size() - 1).value();
  }

  @Test
  void anAdmittedRequestHasNoRetryAfter() {
    assertThat(both.format(allowed(0, SECOND))).extracting(Header::name).doesNotContain("Retry-After");
  }

  @Test
  void aMonthlyQuotaReportsTheLengthOfTheCurrentMonthAsItsWindow() {
    RatePolicy monthly = RatePolicy.monthlyQuota("monthly", 100_000, Dimension.WORKSPACE);
    long january = Duration.ofDays(31).toNanos() / 1000;
    RateOutcome o = new RateOutcome(true, monthly, 100_000, 99_999, january - 1, 0, january, NOW);
    assertThat(both.format(o)).contains(
        new Header("RateLimit-Policy", "\"monthly\";q=100000;w=2678400"),
        new Header("RateLimit", "\"monthly\";r=99999;t=2678400"));
  }

  @Test
  void headersComeStraightFromALimiterDecision() {
    MicroTime time = MicroTime.atStart();
    LocalRateLimiter limiter = Limiters.on(time);
    RatePolicy two = RatePolicy.rolling("burst", 2, Duration.ofSeconds(10), Dimension.KEY);
    limiter.check(two, Limiters.ALICE, 1);
    time.advance(2_500_000);
    limiter.check(two, Limiters.ALICE, 1);
    RateOutcome o = limiter.check(two, Limiters.ALICE, 1);
    assertThat(both.format(o)).containsExactly(
        new Header("X-RateLimit-Limit", "2"),
        new Header("X-RateLimit-Remaining", "0"),
        new Header("X-RateLimit-Reset", Long.toString(NOW_SECONDS + 13)), // 12.5 s after the start
        new Header("RateLimit-Policy", "\"burst\";q=2;w=10"),
        new Header("RateLimit", "\"burst\";r=0;t=10"),
        new Header("Retry-After", "8")); // the first leaves 7.5 s from now
  }
}
