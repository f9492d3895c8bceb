package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.ratelimit.RateLimitHeaders.Header;
import io.keywarden.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The limits of the five reference systems, written as Keywarden plans and checked with a clock. */
class ReferenceSystemsTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static LocalRateLimiter limiterOn(MutableClock clock) {
    return LocalRateLimiter.builder().clock(clock).sweepInterval(Duration.ZERO).build();
  }

  /** Sends {@code n} requests at the current instant and returns how many were admitted. */
  private static int burst(LocalRateLimiter limiter, List<RatePolicy> policies, RateSubject s, int n) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      if (limiter.check(policies, s, 1).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  /** Nometria: account-wide tiers Free 30 / Pro 120 / Team 600 per minute; X-RateLimit-* with epoch reset. */
  @Nested
  class Nometria {
    final RatePlans plans = RatePlans.builder()
        .plan(Plan.of("free", RatePolicy.rolling("minute", 30, MINUTE, Dimension.WORKSPACE)))
        .plan(Plan.of("pro", RatePolicy.rolling("minute", 120, MINUTE, Dimension.WORKSPACE)))
        .plan(Plan.of("team", RatePolicy.rolling("minute", 600, MINUTE, Dimension.WORKSPACE)))
        .build();
    final MutableClock clock = MutableClock.at("2024-01-11T19:19:00Z");
    final LocalRateLimiter limiter = limiterOn(clock);

    @Test
    void eachTierAdmitsItsLimitPerMinuteAcrossAllKeysOfTheAccount() {
      for (String tier : List.of("free", "pro", "team")) {
        RateSubject keyA = RateSubject.builder().workspace("acct_" + tier).key("a").build();
        RateSubject keyB = RateSubject.builder().workspace("acct_" + tier).key("b").build();
        List<RatePolicy> policies = plans.select(tier, KeyType.SECRET, keyA);
        int limit = (int) policies.get(0).limit();
        int admitted = burst(limiter, policies, keyA, limit / 2) + burst(limiter, policies, keyB, limit);
        assertThat(admitted).as(tier).isEqualTo(limit);
      }
      assertThat(plans.plan("team").policies().get(0).limit()).isEqualTo(600);
    }

    @Test
    void theHeadersMatchTheDocumentedExample() {
      RateSubject s = RateSubject.builder().workspace("acct").key("k").build();
      List<RatePolicy> pro = plans.select("pro", KeyType.SECRET, s);
      RateOutcome o = null;
      for (int i = 0; i < 5; i++) {
        o = limiter.check(pro, s, 1);
      }
      assertThat(RateLimitHeaders.defaults().format(o)).containsExactly(
          new Header("X-RateLimit-Limit", "120"),
          new Header("X-RateLimit-Remaining", "115"),
          new Header("X-RateLimit-Reset", "1705000800")); // 19:20:00, when the minute's requests have left
    }
  }

  /** Nomotic: Free 60 / Team 500 / Business 2000 per minute, custom for enterprise; monthly evaluation limit. */
  @Nested
  class Nomotic {
    static RatePolicy perMinute(long limit) {
      return RatePolicy.rolling("minute", limit, MINUTE, Dimension.WORKSPACE);
    }

    static RatePolicy evaluations(long limit) { // counts evaluations only, from every environment
      return RatePolicy.monthlyQuota("evaluations", limit, Dimension.WORKSPACE)
          .when(Applicability.ALWAYS.routeGroups("evaluate"));
    }

    final RatePlans plans = RatePlans.builder()
        .plan(Plan.of("free", perMinute(60), evaluations(1_000)))
        .plan(Plan.of("team", perMinute(500), evaluations(50_000)))
        .plan(Plan.of("business", perMinute(2000), evaluations(250_000)))
        .build();
    final MutableClock clock = MutableClock.at("2025-06-30T10:00:00Z");
    final LocalRateLimiter limiter = limiterOn(clock);

    @Test
    void eachPlanAdmitsItsLimitPerMinuteThen429WithRetryAfter() {
      for (String plan : List.of("free", "team", "business")) {
        RateSubject s = RateSubject.builder().workspace("org_" + plan).key("k").routeGroup("read").build();
        List<RatePolicy> policies = plans.select(plan, KeyType.SECRET, s);
        int limit = (int) policies.get(0).limit();
        assertThat(burst(limiter, policies, s, limit + 10)).as(plan).isEqualTo(limit);
        RateOutcome o = limiter.check(policies, s, 1);
        assertThat(o.reason()).isEqualTo("rate_limited");
        assertThat(RateLimitHeaders.retryAfterSeconds(o)).isEqualTo(60);
      }
    }

    @Test
    void enterpriseIsAWorkspaceOverride() {
      RateSubject s = RateSubject.builder().workspace("org_big").key("k").routeGroup("read").build();
      List<RatePolicy> policies = plans.select("business", KeyType.SECRET, s, List.of(perMinute(10_000)), List.of());
      assertThat(burst(limiter, policies, s, 10_001)).isEqualTo(10_000);
    }

    @Test
    void theMonthlyEvaluationLimitCountsDevelopmentToo() {
      RateSubject live = RateSubject.builder().workspace("org").key("live").environment("live").routeGroup("evaluate").build();
      RateSubject dev = RateSubject.builder().workspace("org").key("dev").environment("development").routeGroup("evaluate").build();
      int admitted = 0;
      for (int i = 0; i < 1_000; i++) {
        RateSubject s = i % 2 == 0 ? live : dev;
        if (limiter.check(plans.select("free", KeyType.SECRET, s), s, 1).allowed()) {
          admitted++;
        }
        clock.advance(Duration.ofSeconds(1)); // 60 a minute
      }
      assertThat(admitted).isEqualTo(1_000);
      RateOutcome o = limiter.check(plans.select("free", KeyType.SECRET, dev), dev, 1);
      assertThat(o.allowed()).isFalse();
      assertThat(o.reason()).isEqualTo("quota_exceeded");
      assertThat(o.policy().name()).isEqualTo("evaluations");
      // Reads are not evaluations, and July starts afresh.
      RateSubject read = live.withRouteGroup("read");
      assertThat(limiter.check(plans.select("free", KeyType.SECRET, read), read, 1).allowed()).isTrue();
      clock.set(Instant.parse("2025-07-01T00:00:00Z"));
      assertThat(limiter.check(plans.select("free", KeyType.SECRET, dev), dev, 1).allowed()).isTrue();
    }
  }

  /** Metorial: 1000 per IP per 10 s; development environments 100 / 10 min, production 5000 / 10 min. */
  @Nested
  class Metorial {
    final RatePlans plans = RatePlans.builder()
        .common(
            RatePolicy.rolling("ip", 1000, Duration.ofSeconds(10), Dimension.CLIENT_IP),
            RatePolicy.rolling("development", 100, Duration.ofMinutes(10), Dimension.PROJECT, Dimension.ENVIRONMENT)
                .when(Applicability.ALWAYS.environments("development")),
            RatePolicy.rolling("production", 5000, Duration.ofMinutes(10), Dimension.PROJECT, Dimension.ENVIRONMENT)
                .when(Applicability.ALWAYS.environments("production")))
        .plan(Plan.of("default"))
        .build();
    final MutableClock clock = MutableClock.at("2025-03-03T12:00:00Z");
    final LocalRateLimiter limiter = limiterOn(clock);

    RateSubject request(String env, String ip) {
      return RateSubject.builder().project("inst_1").environment(env).clientIp(ip).key("metorial_sk_1").build();
    }

    int send(String env, String ip, int n) {
      RateSubject s = request(env, ip);
      return burst(limiter, plans.select(null, KeyType.SECRET, s), s, n);
    }

    @Test
    void oneAddressGetsAThousandPerTenSeconds() {
      assertThat(send("production", "203.0.113.1", 1200)).isEqualTo(1000);
      RateSubject s = request("production", "203.0.113.1");
      RateOutcome o = limiter.check(plans.select(null, KeyType.SECRET, s), s, 1);
      assertThat(o.policy().name()).isEqualTo("ip");
      assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(10));
      clock.advance(Duration.ofSeconds(10));
      assertThat(send("production", "203.0.113.1", 1200)).isEqualTo(1000);
    }

    @Test
    void productionGetsFiveThousandPerTenMinutesWhateverTheAddresses() {
      int admitted = 0;
      for (int i = 0; i < 6; i++) {
        admitted += send("production", "198.51.100." + i, 1000);
      }
      assertThat(admitted).isEqualTo(5000);
      RateSubject s = request("production", "198.51.100.99");
      RateOutcome o = limiter.check(plans.select(null, KeyType.SECRET, s), s, 1);
      assertThat(o.policy().name()).isEqualTo("production");
      assertThat(o.retryAfter()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void developmentGetsAHundredPerTenMinutesApartFromProduction() {
      assertThat(send("development", "192.0.2.1", 150)).isEqualTo(100);
      assertThat(send("production", "192.0.2.1", 150)).isEqualTo(150);
      clock.advance(Duration.ofMinutes(10).minusSeconds(1));
      assertThat(send("development", "192.0.2.1", 1)).isZero();
      clock.advance(Duration.ofSeconds(1));
      assertThat(send("development", "192.0.2.1", 150)).isEqualTo(100);
    }
  }

  /** NomaCMS: 60 per minute on the default API group, separate named limits for auth-heavy routes. */
  @Nested
  class NomaCms {
    final RatePlans plans = RatePlans.builder()
        .plan(Plan.of("default",
            RatePolicy.rolling("api", 60, MINUTE, Dimension.KEY).when(Applicability.ALWAYS.routeGroups("default")),
            RatePolicy.rolling("login", 5, MINUTE, Dimension.CLIENT_IP).when(Applicability.ALWAYS.routeGroups("auth"))))
        .build();
    final MutableClock clock = MutableClock.at("2025-09-09T09:09:00Z");
    final LocalRateLimiter limiter = limiterOn(clock);
    final RateSubject base = RateSubject.builder().key("tok_1").workspace("ws").clientIp("203.0.113.5").build();

    int send(String group, int n) {
      RateSubject s = base.withRouteGroup(group);
      return burst(limiter, plans.select(null, KeyType.SECRET, s), s, n);
    }

    @Test
    void theDefaultGroupAdmitsSixtyAMinute() {
      assertThat(send("default", 100)).isEqualTo(60);
      clock.advance(MINUTE);
      assertThat(send("default", 100)).isEqualTo(60);
    }

    @Test
    void theAuthGroupHasItsOwnNamedLimitThatDoesNotTouchTheDefaultGroup() {
      assertThat(send("auth", 20)).isEqualTo(5);
      RateSubject auth = base.withRouteGroup("auth");
      RateOutcome o = limiter.check(plans.select(null, KeyType.SECRET, auth), auth, 1);
      assertThat(o.policy().name()).isEqualTo("login");
      assertThat(send("default", 100)).isEqualTo(60);
    }
  }
}
