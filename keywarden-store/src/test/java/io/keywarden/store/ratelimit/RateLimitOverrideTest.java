package io.keywarden.store.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateWindow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimitOverrideTest {
  static final RatePolicy MINUTE = RatePolicy.rolling("minute", 100, Duration.ofMinutes(1), Dimension.KEY);

  @Test
  void storedTextParsesBackToTheOverridesItWasMadeFrom() {
    List<RateLimitOverride> list = List.of(RateLimitOverride.limit("minute", 60),
        new RateLimitOverride("monthly", 5000, "month", List.of("workspace")));
    String json = RateLimitOverride.toJson(list);
    assertThat(RateLimitOverride.parse(json)).isEqualTo(list);
    assertThat(RateLimitOverride.canonical(json, "rate_limits")).isEqualTo(json);
    assertThat(RateLimitOverride.parse(null)).isEmpty();
    assertThat(RateLimitOverride.toJson(List.of())).isNull();
  }

  @Test
  void anOverrideOfALimitSharesThePlanPoliciesCounters() {
    RatePolicy p = RateLimitOverride.limit("minute", 60).toPolicy(MINUTE);
    assertThat(p).isEqualTo(MINUTE.withLimit(60));
    assertThat(RateLimitOverride.limit("nothing", 60).toPolicy(null)).isNull();
  }

  @Test
  void anOverrideWithAWindowIsAWholePolicy() {
    RatePolicy p = new RateLimitOverride("burst", 5, "250ms", List.of("key", "route_group")).toPolicy(null);
    assertThat(p.window()).isEqualTo(RateWindow.of(Duration.ofMillis(250)));
    assertThat(p.countedBy()).isEqualTo(Set.of(Dimension.KEY, Dimension.ROUTE_GROUP));
    assertThat(new RateLimitOverride("m", 5, "month", List.of("key")).toPolicy(null).isQuota()).isTrue();
    assertThat(RateLimitOverride.rateWindow("2h")).isEqualTo(RateWindow.of(Duration.ofHours(2)));
    assertThat(RateLimitOverride.rateWindow("3d")).isEqualTo(RateWindow.of(Duration.ofDays(3)));
  }

  @Test
  void toPoliciesResolvesLimitsAgainstKnownPoliciesAndDropsUnknownOnes() {
    Map<String, RatePolicy> known = Map.of("minute", MINUTE);
    List<RatePolicy> out = RateLimitOverride.toPolicies(RateLimitOverride.parse(
        "[{\"name\":\"minute\",\"limit\":7},{\"name\":\"ghost\",\"limit\":1},"
            + "{\"name\":\"burst\",\"limit\":2,\"window\":\"1s\",\"by\":[\"key\"]}]"), known::get);
    assertThat(out).extracting(RatePolicy::name).containsExactly("minute", "burst");
    assertThat(out.getFirst().limit()).isEqualTo(7);
  }
}
