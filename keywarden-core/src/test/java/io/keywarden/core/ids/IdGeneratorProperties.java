package io.keywarden.core.ids;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.testkit.MutableClock;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Ids compare as strings the way their creation times compare, and one generator never goes back. */
class IdGeneratorProperties {
  // Up to the year 9999: 253,402,300,799,999 ms, well inside 9 base62 digits.
  private static final long MAX_MILLIS = 253_402_300_799_999L;

  @Property
  void stringOrderFollowsTimeOrder(
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long a,
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long b) {
    String first = new IdGenerator(MutableClock.at(Instant.ofEpochMilli(a))).next("key");
    String second = new IdGenerator(MutableClock.at(Instant.ofEpochMilli(b))).next("key");

    if (a < b) {
      assertThat(first).isLessThan(second);
    } else if (a > b) {
      assertThat(first).isGreaterThan(second);
    } else {
      assertThat(first.substring(0, 13)).isEqualTo(second.substring(0, 13));
    }
    assertThat(IdGenerator.looksLike(first, "key")).isTrue();
  }

  @Property
  void oneGeneratorsIdsStrictlyIncreaseWhateverTheClockDoes(
      @ForAll @Size(min = 2, max = 50) List<@LongRange(min = 0, max = 5) Long> clockSteps) {
    MutableClock clock = MutableClock.at(Instant.ofEpochMilli(1_000_000));
    IdGenerator ids = new IdGenerator(clock);
    String previous = ids.next("evt");
    for (long step : clockSteps) {
      // Steps of 0 stay in the same millisecond; odd steps move the clock back.
      long millis = clock.millis() + (step % 2 == 0 ? step : -step);
      clock.set(Instant.ofEpochMilli(millis));
      String next = ids.next("evt");
      assertThat(next).isGreaterThan(previous);
      previous = next;
    }
  }
}
