package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.keys.KeyType;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Policies, windows, applicability and subjects: construction and validation. */
class RatePolicyTest {
  private static final RateWindow MINUTE = RateWindow.of(Duration.ofMinutes(1));

  @Test
  void aPolicyNameMustBeShortLowerCaseAndStartWithALetter() {
    for (String bad : new String[] {"", "Minute", "1st", "has space", "q\"uote", "a".repeat(65)}) {
      assertThatThrownBy(() -> new RatePolicy(bad, 1, MINUTE, Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("rate policy name \"" + bad + "\" must be");
    }
    assertThat(new RatePolicy("auth.login-v2_x", 1, MINUTE, Set.of()).name()).isEqualTo("auth.login-v2_x");
  }

  @Test
  void theLimitMustBeAtLeastOne() {
    assertThatThrownBy(() -> new RatePolicy("minute", 0, MINUTE, Set.of()))
        .hasMessage("rate policy \"minute\": limit must be at least 1, got 0");
  }

  @Test
  void aRollingLimitMayNotExceedOnePerMicrosecondOfItsWindow() {
    RateWindow ms = RateWindow.of(Duration.ofMillis(1));
    assertThat(new RatePolicy("fast", 1000, ms, Set.of()).limit()).isEqualTo(1000);
    assertThatThrownBy(() -> new RatePolicy("fast", 1001, ms, Set.of()))
        .hasMessage("rate policy \"fast\": limit 1001 exceeds one per microsecond of the PT0.001S window");
  }

  @Test
  void aRollingLimitMustFitAnInt() {
    assertThatThrownBy(() -> new RatePolicy("big", 1L << 31, RateWindow.of(Duration.ofDays(30)), Set.of()))
        .hasMessage("rate policy \"big\": limit of a rolling window must be at most 2147483647, got 2147483648");
    assertThat(RatePolicy.monthlyQuota("big", 1L << 40).limit()).isEqualTo(1L << 40);
  }

  @Test
  void theWindowIsChecked() {
    assertThatThrownBy(() -> RateWindow.of(Duration.ofNanos(999_999)))
        .hasMessage("window length must be at least 1 ms, got PT0.000999999S");
    assertThatThrownBy(() -> RateWindow.of(Duration.ofDays(367)))
        .hasMessageStartingWith("window length must be at most 366 days");
    assertThatThrownBy(() -> RateWindow.of(Duration.ofNanos(1_000_500)))
        .hasMessage("window length must be a whole number of microseconds, got PT0.0010005S");
    assertThatThrownBy(() -> RateWindow.rolling(Duration.ofMinutes(1), 0))
        .hasMessage("window sub-windows must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> new RatePolicy("x", 1, null, Set.of()))
        .hasMessage("rate policy \"x\": window must be set");
  }

  @Test
  void onlyCalendarWindowsAreQuotas() {
    assertThat(RatePolicy.monthlyQuota("m", 5).isQuota()).isTrue();
    assertThat(RatePolicy.rolling("r", 5, Duration.ofDays(30)).isQuota()).isFalse();
  }

  @Test
  void countedByIsACopyAndMayBeEmpty() {
    Set<Dimension> dims = new HashSet<>(Set.of(Dimension.ROUTE_GROUP, Dimension.KEY));
    RatePolicy p = new RatePolicy("x", 1, MINUTE, dims);
    dims.clear();
    assertThat(p.countedBy()).containsExactly(Dimension.KEY, Dimension.ROUTE_GROUP);
    assertThat(new RatePolicy("x", 1, MINUTE, null).countedBy()).isEmpty();
    assertThat(p).isEqualTo(new RatePolicy("x", 1, MINUTE, Set.of(Dimension.KEY, Dimension.ROUTE_GROUP)));
  }

  @Test
  void aPolicyCountsASubjectOnlyWithAValueForEachOfItsDimensions() {
    RatePolicy p = new RatePolicy("x", 1, MINUTE, Set.of(Dimension.USER, Dimension.ROUTE_GROUP));
    assertThat(p.counts(RateSubject.builder().user("u").routeGroup("auth").build())).isTrue();
    assertThat(p.counts(RateSubject.builder().user("u").build())).isFalse();
    assertThat(new RatePolicy("global", 1, MINUTE, Set.of()).counts(RateSubject.builder().build())).isTrue();
  }

  @Test
  void applicabilityMatchesAnyValueWhenEmptyAndOnlyListedValuesOtherwise() {
    Applicability dev = Applicability.ALWAYS.environments("development").keyTypes(KeyType.SECRET);
    assertThat(Applicability.ALWAYS.matches(null, null, null)).isTrue();
    assertThat(dev.matches(KeyType.SECRET, "development", "any")).isTrue();
    assertThat(dev.matches(KeyType.PUBLISHABLE, "development", "any")).isFalse();
    assertThat(dev.matches(KeyType.SECRET, "production", "any")).isFalse();
    assertThat(dev.matches(KeyType.SECRET, null, null)).isFalse();
    assertThat(dev.isAlways()).isFalse();
    Applicability auth = Applicability.ALWAYS.routeGroups("auth");
    assertThat(auth.matches(null, null, "auth")).isTrue();
    assertThat(auth.matches(null, null, "default")).isFalse();
  }

  @Test
  void aSubjectAnswersEachDimension() {
    RateSubject s = RateSubject.builder().key("k").user("u").project("p").workspace("w")
        .clientIp("ip").environment("e").routeGroup("r").build();
    assertThat(Set.of(Dimension.values())).allSatisfy(d -> assertThat(s.value(d)).isNotNull());
    assertThat(s.value(Dimension.CLIENT_IP)).isEqualTo("ip");
    assertThat(s.value(Dimension.ROUTE_GROUP)).isEqualTo("r");
  }

  @Test
  void dimensionsHaveStableWireNames() {
    for (Dimension d : Dimension.values()) {
      assertThat(Dimension.fromWire(d.wireName())).isEqualTo(d);
    }
    assertThat(Dimension.CLIENT_IP.wireName()).isEqualTo("client_ip");
    assertThat(Dimension.fromWire("ip")).isNull();
  }

  @Test
  void anOverrideKeepsEverythingButTheLimit() {
    RatePolicy p = RatePolicy.rolling("minute", 60, Duration.ofMinutes(1), Dimension.KEY)
        .when(Applicability.ALWAYS.routeGroups("default"));
    RatePolicy o = p.withLimit(600);
    assertThat(o.limit()).isEqualTo(600);
    assertThat(o.withLimit(60)).isEqualTo(p);
  }
}
