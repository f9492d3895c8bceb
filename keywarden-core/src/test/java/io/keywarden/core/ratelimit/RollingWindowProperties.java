package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random arrival sequences (bursts, near-limit spacing, window-length gaps, sub-window-boundary
 * straddling) against the definition of the limit: an exact sliding log.
 */
class RollingWindowProperties {
  private static final RateSubject SUBJECT = RateSubject.builder().key("k").build();

  /** How far to move the clock before the next request, and what it costs. */
  record Arrival(int kind, int param, int cost) {
    long gap(long now, long window, long limit, long slice) {
      return switch (kind) {
        case 0 -> 0; // same instant: a burst
        case 1 -> 1 + param % 10; // microseconds apart
        case 2 -> param % (2 * Math.ceilDiv(window, limit) + 1); // around the steady rate
        case 3 -> Math.max(0, window + param % 21 - 10); // about one window
        case 4 -> Math.max(0, slice - Math.floorMod(now, slice) + param % 3 - 1); // a slice edge
        default -> param % (window / 2 + 1);
      };
    }
  }

  @Provide
  Arbitrary<List<Arrival>> traffic() {
    Arbitrary<Integer> kind = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(0)), Tuple.of(2, Arbitraries.just(1)),
        Tuple.of(4, Arbitraries.just(2)), Tuple.of(1, Arbitraries.just(3)),
        Tuple.of(2, Arbitraries.just(4)), Tuple.of(1, Arbitraries.just(5)));
    Arbitrary<Integer> param = Arbitraries.integers().between(0, 1_000_000);
    Arbitrary<Integer> cost = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(1)), Tuple.of(2, Arbitraries.integers().between(2, 4)));
    return Combinators.combine(kind, param, cost).as(Arrival::new).list().ofMinSize(1).ofMaxSize(400);
  }

  @Provide
  Arbitrary<Long> windows() {
    return Arbitraries.of(1_000L, 7_919L, 60_000L, 1_000_000L, 10_000_000L, 60_000_000L);
  }

  private record Run(MicroTime time, LocalRateLimiter limiter, RatePolicy policy, long window, long slice) {
    static Run of(int limit, long window, int subWindows) {
      MicroTime time = MicroTime.atStart();
      RatePolicy p = new RatePolicy("p", limit,
          RateWindow.rolling(Duration.ofNanos(window * 1000), subWindows), Set.of(Dimension.KEY));
      return new Run(time, Limiters.on(time), p, window, Math.ceilDiv(window, subWindows));
    }
  }

  private static long sum(List<long[]> admitted, long after, long upTo) {
    long s = 0;
    for (long[] a : admitted) {
      if (a[0] > after && a[0] <= upTo) {
        s += a[1];
      }
    }
    return s;
  }

  @Property(tries = 1000)
  void everyDecisionLiesBetweenTheSlidingLogsOfTheWindowAndOfTheWindowPlusOneSlice(
      @ForAll @IntRange(min = 1, max = 40) int limit,
      @ForAll("windows") long window,
      @ForAll @IntRange(min = 1, max = 12) int subWindows,
      @ForAll("traffic") List<Arrival> arrivals) {
    Run run = Run.of(limit, window, subWindows);
    long longer = window + run.slice();
    List<long[]> admitted = new ArrayList<>();
    for (Arrival a : arrivals) {
      run.time().advance(a.gap(run.time().now(), window, limit, run.slice()));
      long t = run.time().now();
      RateOutcome o = run.limiter().check(run.policy(), SUBJECT, a.cost());
      long inWindow = sum(admitted, t - window, t);
      long inLonger = sum(admitted, t - longer, t);
      if (o.allowed()) {
        assertThat(inWindow + a.cost()).as("admitted beyond the limit at %d", t).isLessThanOrEqualTo(limit);
        admitted.add(new long[] {t, a.cost()});
        inWindow += a.cost();
        inLonger += a.cost();
      } else if (inLonger + a.cost() <= limit) {
        throw new AssertionError("rejected at " + t + " although " + inLonger
            + " units were admitted in the last window + slice");
      }
      assertThat(o.remaining()).isBetween(Math.max(0, limit - inLonger), Math.max(0, limit - inWindow));
    }
    // The definition itself: every interval of one window length.
    for (long[] a : admitted) {
      assertThat(sum(admitted, a[0] - 1, a[0] + window - 1)).isLessThanOrEqualTo(limit);
    }
  }

  @Property(tries = 1000)
  void retryAfterIsTheExactTimeTheRejectedRequestWouldPass(
      @ForAll @IntRange(min = 1, max = 30) int limit,
      @ForAll("windows") long window,
      @ForAll @IntRange(min = 1, max = 12) int subWindows,
      @ForAll("traffic") List<Arrival> arrivals,
      @ForAll @IntRange(min = 1, max = 4) int finalCost) {
    Run run = Run.of(limit, window, subWindows);
    for (Arrival a : arrivals) {
      run.time().advance(a.gap(run.time().now(), window, limit, run.slice()));
      run.limiter().check(run.policy(), SUBJECT, a.cost());
    }
    int cost = Math.min(finalCost, limit);
    RateOutcome o = run.limiter().check(run.policy(), SUBJECT, cost);
    if (o.allowed()) {
      return;
    }
    assertThat(o.retryAfterMicros()).isPositive();
    run.time().advance(o.retryAfterMicros() - 1);
    assertThat(run.limiter().peek(List.of(run.policy()), SUBJECT, cost).allowed()).isFalse();
    run.time().advance(1);
    assertThat(run.limiter().check(run.policy(), SUBJECT, cost).allowed()).isTrue();
  }

  @Property(tries = 1000)
  void resetIsTheExactTimeTheCountIsBackToZero(
      @ForAll @IntRange(min = 1, max = 30) int limit,
      @ForAll("windows") long window,
      @ForAll @IntRange(min = 1, max = 12) int subWindows,
      @ForAll("traffic") List<Arrival> arrivals) {
    Run run = Run.of(limit, window, subWindows);
    RateOutcome last = null;
    for (Arrival a : arrivals) {
      run.time().advance(a.gap(run.time().now(), window, limit, run.slice()));
      last = run.limiter().check(run.policy(), SUBJECT, a.cost());
    }
    long reset = last.resetMicros();
    assertThat(reset).isBetween(0L, window);
    if (reset > 0) {
      run.time().advance(reset - 1);
      assertThat(run.limiter().usage(List.of(run.policy()), SUBJECT).get(0).used()).isPositive();
      run.time().advance(1);
    }
    assertThat(run.limiter().usage(List.of(run.policy()), SUBJECT).get(0).used()).isZero();
  }

  @Property(tries = 1000)
  void trafficSpacedAtLeastWindowOverLimitApartIsNeverRejected(
      @ForAll @IntRange(min = 1, max = 50) int limit,
      @ForAll("windows") long window,
      @ForAll @IntRange(min = 1, max = 12) int subWindows,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 3) Integer> extra) {
    Run run = Run.of(limit, window, subWindows);
    long spacing = Math.ceilDiv(window, limit);
    for (int e : extra) {
      assertThat(run.limiter().check(run.policy(), SUBJECT, 1).allowed()).isTrue();
      run.time().advance(spacing + e * (long) e * spacing / 4 + e);
    }
  }

  @Property(tries = 1000)
  void twoPoliciesTogetherBehaveExactlyLikeBothCheckedWhereOnlyJointAdmissionsCount(
      @ForAll @IntRange(min = 1, max = 20) int limitA,
      @ForAll @IntRange(min = 1, max = 20) int limitB,
      @ForAll("windows") long windowA,
      @ForAll("windows") long windowB,
      @ForAll("traffic") List<Arrival> arrivals) {
    MicroTime time = MicroTime.atStart();
    RatePolicy a = new RatePolicy("a", limitA, RateWindow.of(Duration.ofNanos(windowA * 1000)), Set.of(Dimension.KEY));
    RatePolicy b = new RatePolicy("b", limitB, RateWindow.of(Duration.ofNanos(windowB * 1000)), Set.of(Dimension.KEY));
    LocalRateLimiter both = Limiters.on(time);
    LocalRateLimiter onlyA = Limiters.on(time);
    LocalRateLimiter onlyB = Limiters.on(time);
    long slice = Math.ceilDiv(Math.min(windowA, windowB), 10);
    for (Arrival x : arrivals) {
      time.advance(x.gap(time.now(), Math.min(windowA, windowB), Math.min(limitA, limitB), slice));
      boolean expected = onlyA.peek(List.of(a), SUBJECT, x.cost()).allowed()
          && onlyB.peek(List.of(b), SUBJECT, x.cost()).allowed();
      RateOutcome o = both.check(List.of(a, b), SUBJECT, x.cost());
      assertThat(o.allowed()).isEqualTo(expected);
      if (expected) {
        onlyA.check(List.of(a), SUBJECT, x.cost());
        onlyB.check(List.of(b), SUBJECT, x.cost());
      }
      assertThat(both.usage(List.of(a, b), SUBJECT))
          .extracting(PolicyUsage::used)
          .containsExactly(onlyA.usage(List.of(a), SUBJECT).get(0).used(),
              onlyB.usage(List.of(b), SUBJECT).get(0).used());
    }
  }
}
