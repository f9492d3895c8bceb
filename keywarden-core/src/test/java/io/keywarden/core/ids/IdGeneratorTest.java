package io.keywarden.core.ids;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Typed ids: shape, uniqueness and ordering by creation time. */
class IdGeneratorTest {
  private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
  private final IdGenerator ids = new IdGenerator(clock);

  @ParameterizedTest
  @ValueSource(strings = {"ws", "proj", "usr", "key", "evt"})
  void idsCarryTheirTypeAndA21CharacterBase62Body(String type) {
    String id = ids.next(type);

    assertThat(id).startsWith(type + "_");
    assertThat(id.substring(type.length() + 1)).hasSize(IdGenerator.BODY_LENGTH).matches("[0-9A-Za-z]{21}");
    assertThat(IdGenerator.looksLike(id, type)).isTrue();
  }

  @Test
  void idsSortByClockTimeAsPlainStrings() {
    List<String> made = new ArrayList<>();
    long[] steps = {1, 1, 60, 61, 62, 3_843, 3_844, 238_327, 86_400_000L, 1, 31_536_000_000L};
    made.add(ids.next("key"));
    for (long step : steps) {
      clock.advance(Duration.ofMillis(step));
      made.add(ids.next("key"));
    }

    assertThat(made).isSorted();
    assertThat(new HashSet<>(made)).hasSize(made.size());
  }

  @Test
  void idsAcrossTheWholeTimeRangeSortByTime() {
    List<String> made = new ArrayList<>();
    for (Instant t : new Instant[] {
        Instant.EPOCH, Instant.parse("1999-12-31T23:59:59.999Z"), Instant.parse("2025-01-01T00:00:00Z"),
        Instant.parse("2100-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z")}) {
      clock.set(t);
      made.add(ids.next("evt"));
    }
    assertThat(made).isSorted();
  }

  @Test
  void idsMadeInTheSameMillisecondAreDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50_000; i++) {
      assertThat(seen.add(ids.next("key"))).isTrue();
    }
  }

  @Test
  void aClockBeforeTheEpochCountsAsTheEpoch() {
    clock.set(Instant.parse("1960-01-01T00:00:00Z"));
    String before = ids.next("key");
    clock.set(Instant.EPOCH);
    String at = ids.next("key");

    assertThat(before.substring(0, 13)).isEqualTo(at.substring(0, 13)).isEqualTo("key_000000000");
  }

  @Test
  void looksLikeRejectsOtherShapes() {
    String id = ids.next("key");

    assertThat(IdGenerator.looksLike(id, "ws")).isFalse();
    assertThat(IdGenerator.looksLike(id, "ke")).isFalse();
    assertThat(IdGenerator.looksLike(null, "key")).isFalse();
    assertThat(IdGenerator.looksLike("", "key")).isFalse();
    assertThat(IdGenerator.looksLike(id + "0", "key")).isFalse();
    assertThat(IdGenerator.looksLike(id.substring(0, id.length() - 1), "key")).isFalse();
    assertThat(IdGenerator.looksLike("key-" + id.substring(4), "key")).isFalse();
    assertThat(IdGenerator.looksLike(id.substring(0, 10) + "_" + id.substring(11), "key")).isFalse();
    assertThat(IdGenerator.looksLike(id.substring(0, 10) + "\u00e9" + id.substring(11), "key")).isFalse();
    assertThat(IdGenerator.looksLike("key_" + "z".repeat(21), "key")).isTrue();
  }
}
