package io.keywarden.core.ratelimit;

import static io.keywarden.core.ratelimit.Limiters.ALICE;
import static io.keywarden.core.ratelimit.Limiters.micros;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rolling limit of 10 per minute (10 sub-windows of 6 s; staircase spacing 6 s) driven by a
 * hand-moved clock.
 */
class RollingWindowTest {
  private static final long SECOND = 1_000_000;
  private static final long W = 60 * SECOND;

  private final MicroTime time = MicroTime.atStart();
  private final LocalRateLimiter limiter = Limiters.on(time);
  private final RatePolicy tenPerMinute = Limiters.perKey("minute", 10, Duration.ofMinutes(1));

  private RateOutcome hit() {
    return limiter.check(tenPerMinute, ALICE, 1);
  }

  private int hits(int n) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      if (hit().allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aBurstFromIdleAdmitsExactlyTheLimitAndCountsRemainingDown() {
    for (int i = 1; i <= 10; i++) {
      RateOutcome o = hit();
      assertThat(o.allowed()).isTrue();
      assertThat(o.remaining()).isEqualTo(10 - i);
      assertThat(o.limit()).isEqualTo(10);
    }
    RateOutcome eleventh = hit();
    assertThat(eleventh.allowed()).isFalse();
    assertThat(eleventh.remaining()).isZero();
    assertThat(eleventh.reason()).isEqualTo("rate_limited");
  }

  @Test
  void afterABurstTheWindowReopensWhenTheBurstLeavesIt() {
    assertThat(hits(10)).isEqualTo(10);
    RateOutcome rejected = hit();
    assertThat(rejected.retryAfterMicros()).isEqualTo(W);
    assertThat(rejected.resetMicros()).isEqualTo(W);

    time.advance(W - 1);
    assertThat(hits(20)).isZero();
    time.advance(1);
    assertThat(hits(20)).isEqualTo(10);
  }

  @Test
  void aRejectedRequestConsumesNothing() {
    // Two limiters see the same admitted traffic; one of them also sees rejected attempts.
    MicroTime twinTime = MicroTime.atStart();
    LocalRateLimiter twin = Limiters.on(twinTime);
    List<String> plain = new ArrayList<>();
    List<String> withRejections = new ArrayList<>();
    long[] steps = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 * SECOND, 20 * SECOND, 30 * SECOND, 7 * SECOND};
    for (long step : steps) {
      time.advance(step);
      twinTime.advance(step);
      for (int extra = 0; extra < 5; extra++) {
        RateOutcome r = hit();
        if (r.allowed()) {
          withRejections.add(describe(r));
        }
      }
      RateOutcome o = twin.check(tenPerMinute, ALICE, 1);
      if (o.allowed()) {
        plain.add(describe(o));
      }
    }
    // The limiter with rejections admitted exactly the requests the twin admitted, at the same
    // times and with the same remaining counts, plus nothing else.
    assertThat(withRejections).startsWith(plain.toArray(String[]::new));
    assertThat(limiter.usage(List.of(tenPerMinute), ALICE).get(0).used())
        .isEqualTo(twin.usage(List.of(tenPerMinute), ALICE).get(0).used() + withRejections.size() - plain.size());
  }

  private String describe(RateOutcome o) {
    return o.decidedAtMicros() + ":" + o.remaining();
  }

  @Test
  void repeatedRejectionsLeaveTheStateExactlyAsItWas() {
    hits(10);
    List<PolicyUsage> before = limiter.usage(List.of(tenPerMinute), ALICE);
    for (int i = 0; i < 1000; i++) {
      assertThat(hit().allowed()).isFalse();
    }
    assertThat(limiter.usage(List.of(tenPerMinute), ALICE)).isEqualTo(before);
  }

  @Test
  void steadyTrafficAtExactlyTheLimitIsAlwaysAdmittedSoEveryWindowHoldsExactlyTheLimit() {
    List<Long> admitted = new ArrayList<>();
    for (int i = 0; i < 10 * 10; i++) { // one every 6 s for 10 minutes
      RateOutcome o = hit();
      assertThat(o.allowed()).as("request %d", i).isTrue();
      admitted.add(time.now());
      time.advance(6 * SECOND);
    }
    long first = admitted.get(0);
    long last = admitted.get(admitted.size() - 1);
    for (long start = first; start + W <= last; start += SECOND / 2) {
      assertThat(WindowCheck.count(admitted, start, W)).as("window at %d", start).isEqualTo(10);
    }
  }

  @Test
  void trafficFasterThanTheLimitNeverExceedsItInAnyWindowYetGetsItAllInTheLongRun() {
    List<Long> admitted = new ArrayList<>();
    long end = time.now() + 30 * W;
    while (time.now() < end) { // four times the limit, evenly spaced
      if (hit().allowed()) {
        admitted.add(time.now());
      }
      time.advance(1500 * 1000);
    }
    assertThat(WindowCheck.busiestWindow(admitted, W)).isEqualTo(10);
    assertThat(admitted).hasSize(30 * 10);
  }

  @Test
  void burstsStraddlingAWindowBoundaryCannotDoubleTheLimit() {
    // What a fixed window would allow: 10 just before a minute boundary, 10 just after.
    time.advance(W - 1);
    assertThat(hits(10)).isEqualTo(10);
    time.advance(2);
    assertThat(hits(10)).isZero();
    time.advance(W / 2);
    assertThat(hits(10)).isZero();
    // They leave the window a full minute after they came.
    time.set(MicroTime.START + 2 * W - 2);
    assertThat(hits(1)).isZero();
    time.advance(1);
    assertThat(hits(10)).isEqualTo(10);
  }

  @Test
  void burstsAtTheEdgesOfASubWindowStillRespectTheLimit() {
    time.advance(6 * SECOND - 1); // last microsecond of the first slice
    assertThat(hits(5)).isEqualTo(5);
    time.advance(1); // first microsecond of the next
    assertThat(hits(10)).isEqualTo(5);
    time.advance(W - 2); // the first five are still inside the window (by 1 us)
    assertThat(hits(10)).isZero();
    time.advance(1);
    assertThat(hits(10)).isEqualTo(5);
  }

  @Test
  void aRequestCostingSeveralUnitsCountsThatMany() {
    assertThat(limiter.check(tenPerMinute, ALICE, 3).remaining()).isEqualTo(7);
    assertThat(limiter.check(tenPerMinute, ALICE, 3).remaining()).isEqualTo(4);
    assertThat(limiter.check(tenPerMinute, ALICE, 3).remaining()).isEqualTo(1);
    RateOutcome tooBig = limiter.check(tenPerMinute, ALICE, 3);
    assertThat(tooBig.allowed()).isFalse();
    assertThat(tooBig.remaining()).isEqualTo(1);
    assertThat(tooBig.retryAfterMicros()).isEqualTo(W);
    RateOutcome one = limiter.check(tenPerMinute, ALICE, 1);
    assertThat(one.allowed()).isTrue();
    assertThat(one.remaining()).isZero();
  }

  @Test
  void aCostAboveTheLimitIsNeverAdmittedAndIsToldToWaitAWindow() {
    RateOutcome o = limiter.check(tenPerMinute, ALICE, 11);
    assertThat(o.allowed()).isFalse();
    assertThat(o.retryAfterMicros()).isEqualTo(W);
    assertThat(o.remaining()).isEqualTo(10);
    assertThat(hits(10)).isEqualTo(10);
  }

  @Test
  void resetIsTheTimeUntilTheLatestUnitLeavesTheWindow() {
    hit();
    time.advance(20 * SECOND);
    RateOutcome o = hit();
    assertThat(o.resetMicros()).isEqualTo(W);
    time.advance(59 * SECOND);
    assertThat(limiter.peek(List.of(tenPerMinute), ALICE, 1).resetMicros()).isEqualTo(SECOND);
    assertThat(limiter.peek(List.of(tenPerMinute), ALICE, 1).remaining()).isEqualTo(9);
    time.advance(SECOND);
    RateOutcome empty = limiter.peek(List.of(tenPerMinute), ALICE, 1);
    assertThat(empty.resetMicros()).isZero();
    assertThat(empty.remaining()).isEqualTo(10);
  }

  @Test
  void retryAfterIsExactWhenTheOldestUnitsLeaveOneByOne() {
    for (int i = 0; i < 10; i++) { // one every 3 s: twice the steady rate
      hit();
      time.advance(3 * SECOND);
    }
    // Now 30 s after the first; the first leaves at 60 s.
    RateOutcome o = hit();
    assertThat(o.allowed()).isFalse();
    assertThat(o.retryAfterMicros()).isEqualTo(30 * SECOND);
    time.advance(30 * SECOND - 1);
    assertThat(hit().allowed()).isFalse();
    time.advance(1);
    assertThat(hit().allowed()).isTrue();
  }

  @Test
  void aClockThatGoesBackDoesNotReopenTheWindow() {
    time.advance(30 * SECOND);
    hits(10);
    time.advance(-20 * SECOND);
    assertThat(hits(5)).isZero();
    time.set(MicroTime.START + 30 * SECOND + W);
    assertThat(hits(10)).isEqualTo(10);
  }

  @Test
  void anOverrideWithAnotherLimitSharesTheCounter() {
    RatePolicy twenty = tenPerMinute.withLimit(20);
    assertThat(hits(10)).isEqualTo(10);
    RateOutcome o = limiter.check(twenty, ALICE, 1);
    assertThat(o.allowed()).isTrue();
    assertThat(o.remaining()).isEqualTo(9);
    assertThat(hits(1)).isZero();
  }

  @Test
  void plainGcraWouldAdmitNearlyTwiceTheLimitInOneWindow() {
    // Why the limiter is not plain GCRA (burst tolerance W - W/L): demand of four times the rate,
    // starting with a burst, over one window.
    long t0 = time.now();
    long interval = W / 10;
    long tat = 0;
    int gcra = 0;
    int ours = 0;
    for (long t = t0; t < t0 + W; t += interval / 4) {
      time.set(t);
      for (int i = 0; i < (t == t0 ? 20 : 1); i++) {
        long next = Math.max(tat, t) + interval;
        if (next - t <= W) {
          tat = next;
          gcra++;
        }
        if (hit().allowed()) {
          ours++;
        }
      }
    }
    assertThat(gcra).isEqualTo(19);
    assertThat(ours).isEqualTo(10);
  }

  @Test
  void moreSubWindowsTrackTheWindowMoreClosely() {
    RatePolicy fine = new RatePolicy("fine", 10, RateWindow.rolling(Duration.ofMinutes(1), 60), Set.of(Dimension.KEY));
    RatePolicy coarse = new RatePolicy("coarse", 10, RateWindow.rolling(Duration.ofMinutes(1), 1), Set.of(Dimension.KEY));
    assertThat(micros(Duration.ofMinutes(1))).isEqualTo(W);
    // Ten spread over the first 59 s; a minute later, as each leaves, one more may come.
    for (int i = 0; i < 10; i++) {
      time.set(MicroTime.START + i * 6 * SECOND + 5 * SECOND);
      limiter.check(fine, ALICE, 1);
      limiter.check(coarse, ALICE, 1);
    }
    time.set(MicroTime.START + W + 5 * SECOND + 1);
    assertThat(limiter.check(fine, ALICE, 1).allowed()).isTrue();
    assertThat(limiter.check(coarse, ALICE, 1).allowed()).isTrue(); // the staircase knows the spacing
    assertThat(limiter.check(fine, ALICE, 1).allowed()).isFalse();
  }

  @Test
  void aThirtyDayWindowKeepsItsLimitThoughItsSlicesAreTooLongForMicrosecondOffsets() {
    RatePolicy monthish = Limiters.perKey("thirty-days", 1000, Duration.ofDays(30));
    long w = micros(Duration.ofDays(30)); // slices of 3 days: offsets kept in 61 us steps
    time.advance(Duration.ofDays(1).plusSeconds(7).plusNanos(123_000));
    assertThat(limiter.check(monthish, ALICE, 1000).allowed()).isTrue();
    time.advance(w - 1);
    assertThat(limiter.check(monthish, ALICE, 1).allowed()).isFalse();
    time.advance(1); // the staircase lets one through as the window passes...
    assertThat(limiter.check(monthish, ALICE, 1).allowed()).isTrue();
    assertThat(limiter.check(monthish, ALICE, 1).allowed()).isFalse();
    time.advance(61); // ...and the rest once the rounded-up offset has passed too
    assertThat(limiter.check(monthish, ALICE, 999).allowed()).isTrue();
  }
}
