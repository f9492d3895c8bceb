package io.keywarden.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.Plan;
import io.keywarden.core.ratelimit.RateLimitHeaders;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePlans;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RateLimits#admit}, the one admission of the gateway and the verify API, and the no-limits object. */
class RateLimitsAdmitTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  /** What {@code admit} answered, in order. */
  private record Answer(RateLimits.Admission admission, RateOutcome outcome, boolean later) {}

  private static RateLimits.Admitted<List<Answer>> recorder() {
    return (answers, admission, outcome, later) -> answers.add(new Answer(admission, outcome, later));
  }

  @Test
  void theNoLimitsObjectAdmitsEveryRequestAtOnceWithoutCounting() {
    RateLimits none = RateLimits.none();
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertThat(none.admit(none.cachedWorkspace("ws_any"), null, "203.0.113.7", "default", answers, recorder()))
          .isTrue();
    }
    assertThat(answers).extracting(Answer::admission).containsOnly(RateLimits.Admission.UNLIMITED);
    assertThat(answers).extracting(Answer::later).containsOnly(false);
    assertThat(none.cachedWorkspace("ws_any")).isNotNull();
    assertThat(none.blocked("203.0.113.7")).isNull();
  }

  @Test
  void aRequestWithoutAKeyIsCountedByTheCommonPolicyAndRefusedOverIt() {
    RatePolicy perIp = RatePolicy.rolling("per-ip", 2, Duration.ofMinutes(1), Dimension.CLIENT_IP);
    RatePlans plans = RatePlans.builder().common(perIp).plan(Plan.of("default")).defaultPlan("default").build();
    RateLimits limits = new RateLimits(settings(plans), new LocalLimiter(LocalRateLimiter.builder().clock(CLOCK).build()),
        LocalRateLimiter.builder().clock(CLOCK).build(), noStore(), CLOCK);
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertThat(limits.admit(null, null, "203.0.113.7", "default", answers, recorder())).isTrue();
    }
    assertThat(answers).extracting(Answer::admission).containsExactly(RateLimits.Admission.ALLOWED,
        RateLimits.Admission.ALLOWED, RateLimits.Admission.REFUSED);
    assertThat(answers.get(2).outcome().policy().name()).isEqualTo("per-ip");
    assertThat(limits.admit(null, null, "198.51.100.1", "default", answers, recorder())).isTrue();
    assertThat(answers.get(3).admission()).isEqualTo(RateLimits.Admission.ALLOWED);
  }

  private static RateLimitSettings settings(RatePlans plans) {
    return new RateLimitSettings() {
      @Override
      public RatePlans plans() {
        return plans;
      }

      @Override
      public RateLimitHeaders headers() {
        return RateLimitHeaders.defaults();
      }

      @Override
      public RatePolicy failedAuth() {
        return null;
      }

      @Override
      public RatePolicy management() {
        return null;
      }

      @Override
      public List<RatePolicy> readPlanPolicies(com.fasterxml.jackson.databind.JsonNode policies, String path,
          AccessModel model, RatePlans configured) {
        return List.of();
      }
    };
  }

  /** A store the anonymous admission never reads: every call fails the test. */
  private static Store noStore() {
    return (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          throw new AssertionError("the store was read: " + method.getName());
        });
  }
}
