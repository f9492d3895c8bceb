package io.keywarden.core.ratelimit;

import static io.keywarden.core.ratelimit.Limiters.ALICE;
import static io.keywarden.core.ratelimit.Limiters.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several policies in one check: all admit and all count, or none counts. */
class MultiPolicyTest {
  private static final long SECOND = 1_000_000;

  private final MicroTime time = MicroTime.atStart();
  private final LocalRateLimiter limiter = Limiters.on(time);
  private final RatePolicy perKey = RatePolicy.rolling("per-key", 10, Duration.ofMinutes(1), Dimension.KEY);
  private final RatePolicy perIp = RatePolicy.rolling("per-ip", 2, Duration.ofSeconds(10), Dimension.CLIENT_IP);

  @Test
  void aRejectionByOnePolicyLeavesTheOthersRemainingUnchanged() {
    List<RatePolicy> both = List.of(perKey, perIp);
    assertThat(limiter.check(both, ALICE, 1).allowed()).isTrue();
    assertThat(limiter.check(both, ALICE, 1).allowed()).isTrue();
    for (int i = 0; i < 50; i++) {
      RateOutcome o = limiter.check(both, ALICE, 1);
      assertThat(o.allowed()).isFalse();
      assertThat(o.policy()).isEqualTo(perIp);
    }
    assertThat(limiter.usage(both, ALICE)).extracting(PolicyUsage::remaining).containsExactly(8L, 0L);
    // The key's budget is intact: from fresh addresses it gets exactly its 8 remaining.
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      RateSubject otherIp = RateSubject.builder().key(ALICE.keyId()).clientIp("192.0.2." + i).build();
      if (limiter.check(both, otherIp, 1).allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(8);
  }

  @Test
  void theHeadlineIsThePolicyWithTheFewestRemaining() {
    RateOutcome first = limiter.check(List.of(perKey, perIp), ALICE, 1);
    assertThat(first.policy()).isEqualTo(perIp);
    assertThat(first.remaining()).isEqualTo(1);
    assertThat(first.limit()).isEqualTo(2);
    assertThat(first.windowMicros()).isEqualTo(10 * SECOND);
  }

  @Test
  void aTieOnRemainingGoesToTheShorterResetThenToTheFirstGiven() {
    RatePolicy minute = RatePolicy.rolling("minute", 5, Duration.ofMinutes(1), Dimension.KEY);
    RatePolicy hour = RatePolicy.rolling("hour", 5, Duration.ofHours(1), Dimension.KEY);
    assertThat(limiter.check(List.of(hour, minute), ALICE, 1).policy()).isEqualTo(minute);
    RatePolicy otherMinute = RatePolicy.rolling("other-minute", 5, Duration.ofMinutes(1), Dimension.KEY);
    assertThat(limiter.check(List.of(otherMinute, minute), BOB, 1).policy()).isEqualTo(otherMinute);
  }

  @Test
  void aRejectionNamesThePolicyTheClientMustWaitLongestFor() {
    RatePolicy second = RatePolicy.rolling("second", 1, Duration.ofSeconds(1), Dimension.KEY);
    RatePolicy minute = RatePolicy.rolling("minute", 1, Duration.ofMinutes(1), Dimension.KEY);
    limiter.check(List.of(second, minute), ALICE, 1);
    RateOutcome o = limiter.check(List.of(second, minute), ALICE, 1);
    assertThat(o.allowed()).isFalse();
    assertThat(o.policy()).isEqualTo(minute);
    assertThat(o.retryAfterMicros()).isEqualTo(60 * SECOND);
    assertThat(o.error()).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void aQuotaRejectionIsQuotaExceeded() {
    RatePolicy monthly = RatePolicy.monthlyQuota("monthly", 1, Dimension.WORKSPACE);
    limiter.check(List.of(perKey, monthly), ALICE, 1);
    RateOutcome o = limiter.check(List.of(perKey, monthly), ALICE, 1);
    assertThat(o.policy()).isEqualTo(monthly);
    assertThat(o.reason()).isEqualTo("quota_exceeded");
    assertThat(limiter.usage(List.of(perKey), ALICE).get(0).used()).isEqualTo(1);
  }

  @Test
  void aPolicyCountingADimensionTheRequestLacksIsSkipped() {
    RatePolicy perUser = RatePolicy.rolling("per-user", 1, Duration.ofMinutes(1), Dimension.USER);
    RateSubject projectKey = RateSubject.builder().key("key_p").project("prj_1").build();
    for (int i = 0; i < 5; i++) {
      RateOutcome o = limiter.check(List.of(perUser, perKey), projectKey, 1);
      assertThat(o.allowed()).isTrue();
      assertThat(o.policy()).isEqualTo(perKey);
    }
    assertThat(limiter.check(List.of(perUser), projectKey, 1).limited()).isFalse();
    assertThat(limiter.usage(List.of(perUser, perKey), projectKey)).extracting(u -> u.policy().name())
        .containsExactly("per-key");
  }

  @Test
  void noApplicablePolicyMeansUnlimited() {
    RateOutcome o = limiter.check(List.of(), ALICE, 1);
    assertThat(o.allowed()).isTrue();
    assertThat(o.limited()).isFalse();
    assertThat(o.decidedAtMicros()).isEqualTo(time.now());
    assertThat(RateLimitHeaders.defaults().format(o)).isEmpty();
  }

  @Test
  void theSamePolicyNameTwiceInOneCheckIsRefused() {
    assertThatThrownBy(() -> limiter.check(List.of(perKey, perKey.withLimit(3)), ALICE, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate policy \"per-key\" is given twice");
  }

  @Test
  void aCostBelowOneIsRefused() {
    assertThatThrownBy(() -> limiter.check(List.of(perKey), ALICE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate limit cost must be at least 1, got 0");
  }

  @Test
  void peekAnswersLikeCheckButCountsNothingAndStoresNothing() {
    RateOutcome peeked = limiter.peek(List.of(perKey, perIp), ALICE, 1);
    assertThat(peeked.allowed()).isTrue();
    assertThat(peeked.remaining()).isEqualTo(2);
    assertThat(limiter.size()).isZero();
    limiter.check(List.of(perKey, perIp), ALICE, 2);
    RateOutcome full = limiter.peek(List.of(perKey, perIp), ALICE, 1);
    assertThat(full.allowed()).isFalse();
    assertThat(full.policy()).isEqualTo(perIp);
    assertThat(limiter.usage(List.of(perKey, perIp), ALICE)).extracting(PolicyUsage::used).containsExactly(2L, 2L);
  }

  @Test
  void differentSubjectsHaveDifferentCountersAndSharedDimensionsShareOne() {
    RatePolicy perWorkspace = RatePolicy.rolling("per-ws", 3, Duration.ofMinutes(1), Dimension.WORKSPACE);
    RateSubject k1 = RateSubject.builder().key("k1").workspace("ws").build();
    RateSubject k2 = RateSubject.builder().key("k2").workspace("ws").build();
    assertThat(limiter.check(List.of(perWorkspace, perKey), k1, 2).allowed()).isTrue();
    RateOutcome o = limiter.check(List.of(perWorkspace, perKey), k2, 2);
    assertThat(o.allowed()).isFalse();
    assertThat(o.policy()).isEqualTo(perWorkspace);
    assertThat(limiter.usage(List.of(perKey), k2).get(0).used()).isZero();
  }

  @Test
  void aCombinationOfDimensionsCountsEachCombinationApart() {
    RatePolicy perProjectEnv = new RatePolicy("per-env", 1, RateWindow.of(Duration.ofMinutes(10)),
        java.util.Set.of(Dimension.PROJECT, Dimension.ENVIRONMENT));
    RateSubject dev = RateSubject.builder().project("p").environment("development").build();
    RateSubject prod = RateSubject.builder().project("p").environment("production").build();
    assertThat(limiter.check(perProjectEnv, dev, 1).allowed()).isTrue();
    assertThat(limiter.check(perProjectEnv, prod, 1).allowed()).isTrue();
    assertThat(limiter.check(perProjectEnv, dev, 1).allowed()).isFalse();
  }
}
