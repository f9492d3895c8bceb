package io.keywarden.server.ratelimit.redis;

import static io.keywarden.server.ratelimit.redis.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.QuotaLedger;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.core.ratelimit.RateWindow;
import io.keywarden.testkit.MutableClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Redis backend decides exactly as the in-process limiter does, and is shared between nodes. */
class RedisLimiterSemanticsTest {
  private final MutableClock clock = MutableClock.at("2026-01-30T22:00:00Z");
  private final String prefix = "kw:test:" + UUID.randomUUID() + ":";
  private Vertx vertx;
  private RedisLimiter redis;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    redis = limiter(vertx, new InMemoryLedger());
  }

  @AfterEach
  void tearDown() {
    redis.close();
    await(vertx.close());
  }

  private RedisLimiter limiter(Vertx v, QuotaLedger ledger) {
    RedisLimiter l = new RedisLimiter(v, RedisLimiter.Options.of(TestRedis.sharedUrl()).withKeyPrefix(prefix)
        .withTimeout(Duration.ofSeconds(5)), clock, ledger, LocalRateLimiter.builder().clock(clock).build());
    await(l.whenHealthy());
    return l;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {20261122, 7, 424242})
  void randomMultiPolicyTrafficIsDecidedExactlyAsTheLocalLimiterDecidesIt(long seed) {
    List<RatePolicy> all = List.of(
        new RatePolicy("per-key-second", 5, RateWindow.rolling(Duration.ofSeconds(1), 10), Set.of(Dimension.KEY)),
        new RatePolicy("per-key-10s", 20, RateWindow.rolling(Duration.ofSeconds(10), 4), Set.of(Dimension.KEY)),
        new RatePolicy("per-ws-minute", 60, RateWindow.rolling(Duration.ofMinutes(1), 1), Set.of(Dimension.WORKSPACE)),
        new RatePolicy("per-ip-burst", 7, RateWindow.rolling(Duration.ofMillis(250), 3), Set.of(Dimension.CLIENT_IP)),
        new RatePolicy("per-user-hour", 90, RateWindow.rolling(Duration.ofHours(1), 60), Set.of(Dimension.USER)),
        new RatePolicy("global", 200, RateWindow.rolling(Duration.ofSeconds(30), 7), Set.of()),
        // 12-hour slices: latest-admission offsets in quanta of 11 us, rounded up
        new RatePolicy("per-key-day", 150, RateWindow.rolling(Duration.ofDays(1), 2), Set.of(Dimension.KEY)),
        RatePolicy.monthlyQuota("monthly", 400, Dimension.WORKSPACE),
        new RatePolicy("monthly-paris", 350, RateWindow.calendarMonth(ZoneId.of("Europe/Paris")), Set.of(Dimension.KEY)));
    List<RateSubject> subjects = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      subjects.add(RateSubject.builder().key("key_" + k).workspace("ws_" + (k % 2))
          .clientIp("203.0.113." + (k % 3)).user(k == 3 ? null : "user_" + k).build());
    }
    LocalRateLimiter local = LocalRateLimiter.builder().clock(clock).build();
    Random random = new Random(seed);
    int admitted = 0;
    int rejected = 0;
    for (int step = 0; step < 3000; step++) {
      int jump = random.nextInt(100);
      Duration by = jump < 15 ? Duration.ZERO
          : jump < 85 ? Duration.ofNanos(1000L * (1 + random.nextInt(150_000)))
          : jump < 99 ? Duration.ofMillis(500 + random.nextInt(20_000))
          : Duration.ofHours(12 + random.nextInt(36));
      clock.advance(by);
      List<RatePolicy> ps = new ArrayList<>(all);
      Collections.shuffle(ps, random);
      ps = ps.subList(0, 1 + random.nextInt(ps.size()));
      RateSubject s = subjects.get(random.nextInt(subjects.size()));
      long cost = random.nextInt(20) == 0 ? 1 + random.nextInt(10) : 1 + random.nextInt(2);
      int op = random.nextInt(10);
      String at = "step " + step + " at " + clock.instant() + " " + ps + " cost " + cost;
      if (op < 8) {
        RateOutcome expected = local.check(ps, s, cost);
        assertThat(await(redis.check(ps, s, cost))).as(at).isEqualTo(expected);
        if (expected.allowed()) {
          admitted++;
        } else {
          rejected++;
        }
      } else if (op == 8) {
        assertThat(await(redis.peek(ps, s, cost))).as("peek " + at).isEqualTo(local.peek(ps, s, cost));
      } else {
        List<PolicyUsage> expected = local.usage(ps, s);
        assertThat(await(redis.usage(ps, s))).as("usage " + at).isEqualTo(expected);
      }
    }
    assertThat(admitted).as("admitted").isGreaterThan(300);
    assertThat(rejected).as("rejected").isGreaterThan(300);
    assertThat(redis.fallbacks()).isZero();
  }

  @Test
  void twoNodesSharingOneRedisAdmitExactlyTheLimitTogether() {
    Vertx other = Vertx.vertx();
    RedisLimiter second = limiter(other, new InMemoryLedger());
    try {
      RatePolicy policy = RatePolicy.rolling("shared", 500, Duration.ofHours(1), Dimension.KEY);
      RateSubject s = RateSubject.builder().key("key_shared").build();
      List<Future<RateOutcome>> answers = new ArrayList<>();
      for (int i = 0; i < 800; i++) {
        answers.add(redis.check(List.of(policy), s, 1));
        answers.add(second.check(List.of(policy), s, 1));
      }
      long allowed = answers.stream().map(TestRedis::await).filter(RateOutcome::allowed).count();
      assertThat(allowed).isEqualTo(500);
      assertThat(await(second.usage(List.of(policy), s)).get(0).used()).isEqualTo(500);
      assertThat(redis.fallbacks() + second.fallbacks()).isZero();
    } finally {
      second.close();
      await(other.close());
    }
  }

  @Test
  void aNodeWhoseClockLagsIsDecidedAtTheTimeOfTheLatestCharge() {
    MutableClock lagging = MutableClock.at(clock.instant().minusSeconds(30));
    RedisLimiter behind = new RedisLimiter(vertx, RedisLimiter.Options.of(TestRedis.sharedUrl())
        .withKeyPrefix(prefix).withTimeout(Duration.ofSeconds(5)), lagging, new InMemoryLedger(),
        LocalRateLimiter.builder().clock(lagging).build());
    try {
      await(behind.whenHealthy());
      RatePolicy policy = RatePolicy.rolling("per-key", 1, Duration.ofMinutes(1), Dimension.KEY);
      RateSubject s = RateSubject.builder().key("key_skew").build();

      assertThat(await(redis.check(List.of(policy), s, 1)).allowed()).isTrue();
      RateOutcome late = await(behind.check(List.of(policy), s, 1));

      assertThat(late.allowed()).isFalse();
      assertThat(late.retryAfter()).isEqualTo(Duration.ofMinutes(1)); // not 90 s
    } finally {
      behind.close();
    }
  }

  @Test
  void aQuotaCountIsNeverTakenBelowWhatTheLedgerHolds() {
    InMemoryLedger ledger = new InMemoryLedger();
    RedisLimiter withLedger = limiter(vertx, ledger);
    try {
      RatePolicy quota = RatePolicy.monthlyQuota("monthly", 20, Dimension.KEY);
      RateSubject s = RateSubject.builder().key("key_ledger").build();
      await(withLedger.check(List.of(quota), s, 2));
      long january = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
      // e.g. units the local fallback counted while Redis did not answer
      ledger.update(QuotaLedger.counterId(quota, s), january, 7);

      RateOutcome o = await(withLedger.check(List.of(quota), s, 1));

      assertThat(o.remaining()).isEqualTo(12);
      assertThat(ledger.recorded(QuotaLedger.counterId(quota, s), january)).isEqualTo(8);
    } finally {
      withLedger.close();
    }
  }

  @Test
  void aRejectionByOnePolicyConsumesNothingInTheOthers() {
    RatePolicy wide = RatePolicy.rolling("wide", 100, Duration.ofMinutes(1), Dimension.KEY);
    RatePolicy narrow = RatePolicy.rolling("narrow", 3, Duration.ofMinutes(1), Dimension.KEY);
    RatePolicy quota = RatePolicy.monthlyQuota("quota", 1000, Dimension.KEY);
    List<RatePolicy> ps = List.of(wide, narrow, quota);
    RateSubject s = RateSubject.builder().key("key_aon").build();
    for (int i = 0; i < 3; i++) {
      assertThat(await(redis.check(ps, s, 1)).allowed()).isTrue();
    }
    RateOutcome fourth = await(redis.check(ps, s, 1));
    RateOutcome big = await(redis.check(List.of(wide, quota), s, 98));

    assertThat(fourth.allowed()).isFalse();
    assertThat(fourth.policy()).isEqualTo(narrow);
    assertThat(fourth.retryAfterMicros()).isPositive();
    assertThat(big.allowed()).isFalse();
    assertThat(big.policy()).isEqualTo(wide);
    assertThat(await(redis.usage(ps, s))).extracting(PolicyUsage::used).containsExactly(3L, 3L, 3L);
  }

  @Test
  void theAdmittedOutcomeReportsTheMostRestrictivePolicy() {
    RatePolicy wide = RatePolicy.rolling("wide", 100, Duration.ofMinutes(1), Dimension.KEY);
    RatePolicy narrow = RatePolicy.rolling("narrow", 10, Duration.ofMinutes(1), Dimension.KEY);
    RateSubject s = RateSubject.builder().key("key_report").build();

    RateOutcome o = await(redis.check(List.of(wide, narrow), s, 2));

    assertThat(o.allowed()).isTrue();
    assertThat(o.policy()).isEqualTo(narrow);
    assertThat(o.remaining()).isEqualTo(8);
    assertThat(o.resetMicros()).isEqualTo(Duration.ofMinutes(1).toNanos() / 1000);
  }

  @Test
  void theAnswerArrivesOnTheCallersContext() throws Exception {
    RatePolicy policy = RatePolicy.rolling("per-key", 10, Duration.ofMinutes(1), Dimension.KEY);
    RateSubject s = RateSubject.builder().key("key_context").build();
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Boolean> onCaller = new CompletableFuture<>();

    caller.runOnContext(v -> redis.check(List.of(policy), s, 1)
        .onComplete(ar -> onCaller.complete(ar.succeeded() && Vertx.currentContext() == caller)));

    assertThat(onCaller.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCounterKeyExpiresWhenTheCounterWillBeEmptyPlusOneSecond() {
    RatePolicy policy = RatePolicy.rolling("per-key", 10, Duration.ofMinutes(1), Dimension.KEY);
    RateSubject s = RateSubject.builder().key("key_expiry").build();

    await(redis.check(List.of(policy), s, 1));
    long pttl = TestRedis.call(vertx, TestRedis.sharedUrl(), Command.PTTL,
        prefix + QuotaLedger.counterId(policy, s)).toLong();

    assertThat(pttl).isBetween(59_000L, 61_000L);
  }

  @Test
  void aForeignValueUnderACounterKeyIsReplacedRatherThanFailingEveryCheck() {
    RatePolicy policy = RatePolicy.rolling("per-key", 10, Duration.ofMinutes(1), Dimension.KEY);
    RateSubject s = RateSubject.builder().key("key_foreign").build();
    TestRedis.call(vertx, TestRedis.sharedUrl(), Command.SET, prefix + QuotaLedger.counterId(policy, s), "not ours");

    RateOutcome o = await(redis.check(List.of(policy), s, 1));

    assertThat(o.allowed()).isTrue();
    assertThat(o.remaining()).isEqualTo(9);
    assertThat(redis.fallbacks()).isZero();
  }

  @Test
  void aRequestNoPolicyCountsIsAdmittedWithoutAskingRedis() {
    RatePolicy perUser = RatePolicy.rolling("per-user", 1, Duration.ofMinutes(1), Dimension.USER);
    RateSubject projectKey = RateSubject.builder().key("key_project").build();

    RateOutcome o = await(redis.check(List.of(perUser), projectKey, 1));

    assertThat(o.allowed()).isTrue();
    assertThat(o.limited()).isFalse();
  }
}
