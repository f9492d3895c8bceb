package io.keywarden.server.ratelimit.redis;

import static io.keywarden.server.ratelimit.redis.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.QuotaLedger;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure;
import io.keywarden.testkit.LogCapture;
import io.keywarden.testkit.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis stopped, restarted or flushed: decisions continue, and the limiter recovers by itself. */
class RedisLimiterFailureTest {
  private final MutableClock clock = MutableClock.at("2026-03-10T12:00:00Z");
  private final RatePolicy perMinute = RatePolicy.rolling("per-minute", 100, Duration.ofMinutes(1), Dimension.KEY);
  private final RateSubject subject = RateSubject.builder().key("key_failure").build();
  private Vertx vertx;
  private TestRedis server;
  private LocalRateLimiter local;
  private InMemoryLedger ledger;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    server = TestRedis.start();
    local = LocalRateLimiter.builder().clock(clock).build();
    ledger = new InMemoryLedger();
  }

  @AfterEach
  void tearDown() {
    server.close();
    await(vertx.close());
  }

  /** A limiter with a timeout long enough that only a stopped or paused Redis makes it fall back. */
  private RedisLimiter limiter(OnFailure onFailure) {
    return limiter(onFailure, Duration.ofSeconds(2));
  }

  private RedisLimiter limiter(OnFailure onFailure, Duration timeout) {
    RedisLimiter l = new RedisLimiter(vertx, RedisLimiter.Options.of(server.url()).withOnFailure(onFailure)
        .withTimeout(timeout), clock, ledger, local);
    await(l.whenHealthy());
    return l;
  }

  /** Stops Redis and makes one check, after which the limiter knows Redis is gone. */
  private RateOutcome stopRedisAndCheck(RedisLimiter l) {
    server.stop();
    return await(l.check(List.of(perMinute), subject, 1));
  }

  @Test
  void decisionsContinueFromTheLocalLimiterWhileRedisIsDownAndGoBackToRedisWhenItReturns() {
    try (RedisLimiter l = limiter(OnFailure.LOCAL); LogCapture log = LogCapture.start()) {
      for (int i = 0; i < 5; i++) {
        assertThat(await(l.check(List.of(perMinute), subject, 1)).remaining()).isEqualTo(99 - i);
      }
      assertThat(l.fallbacks()).isZero();

      RateOutcome during = stopRedisAndCheck(l);
      for (int i = 0; i < 20; i++) {
        assertThat(await(l.check(List.of(perMinute), subject, 1)).allowed()).isTrue();
      }

      assertThat(during.allowed()).isTrue();
      assertThat(during.remaining()).isEqualTo(99); // the local limiter counts on its own
      assertThat(l.healthy()).isFalse();
      assertThat(l.fallbacks()).isEqualTo(21);
      assertThat(local.usage(List.of(perMinute), subject).get(0).used()).isEqualTo(21);

      server.restart(); // empty: the rolling counts Redis held are gone
      await(l.whenHealthy());
      RateOutcome after = await(l.check(List.of(perMinute), subject, 1));

      assertThat(l.healthy()).isTrue();
      assertThat(after.remaining()).isEqualTo(99);
      assertThat(l.fallbacks()).isEqualTo(21);
      String text = log.text();
      assertThat(text.split("Redis rate limits unavailable", -1)).hasSize(2); // logged once
      assertThat(text).contains("Redis rate limits available again");
    }
  }

  @Test
  void aRedisThatAnswersTooSlowlyIsReplacedByTheFallbackAfterTheTimeout() {
    try (RedisLimiter l = limiter(OnFailure.LOCAL, Duration.ofMillis(200))) {
      assertThat(await(l.check(List.of(perMinute), subject, 1)).remaining()).isEqualTo(99);

      TestRedis.call(vertx, server.url(), Command.CLIENT, "PAUSE", "3000"); // every client waits 3 s
      long started = System.nanoTime();
      RateOutcome slow = await(l.check(List.of(perMinute), subject, 1));
      long waitedMillis = (System.nanoTime() - started) / 1_000_000;

      assertThat(slow.allowed()).isTrue();
      assertThat(waitedMillis).isBetween(150L, 2_500L); // the 200 ms timeout, not the pause
      assertThat(l.fallbacks()).isEqualTo(1);
      assertThat(l.healthy()).isFalse();

      await(l.whenHealthy());
      // The late EVALSHA was still run by Redis: an outage may count a request twice, never zero times.
      assertThat(await(l.usage(List.of(perMinute), subject)).get(0).used()).isEqualTo(2);
    }
  }

  @Test
  void withRefuseDecisionsFailWithTheUnavailableErrorWhileRedisIsDown() {
    try (RedisLimiter l = limiter(OnFailure.REFUSE)) {
      assertThat(await(l.check(List.of(perMinute), subject, 1)).allowed()).isTrue();
      server.stop();

      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> l.check(List.of(perMinute), subject, 1).toCompletionStage().toCompletableFuture().join())
            .isInstanceOf(CompletionException.class)
            .cause()
            .isInstanceOfSatisfying(RateLimitUnavailableException.class, e -> {
              assertThat(e.errorCode().code()).isEqualTo("rate_limit_unavailable");
              assertThat(e.errorCode().httpStatus()).isEqualTo(503);
            });
      }
      assertThat(l.fallbacks()).isEqualTo(3);
      assertThat(local.usage(List.of(perMinute), subject).get(0).used()).isZero();

      server.restart();
      await(l.whenHealthy());
      assertThat(await(l.check(List.of(perMinute), subject, 1)).allowed()).isTrue();
    }
  }

  @Test
  void aScriptFlushedFromRedisIsLoadedAgainByTheNextCheck() {
    try (RedisLimiter l = limiter(OnFailure.REFUSE)) {
      assertThat(await(l.check(List.of(perMinute), subject, 1)).remaining()).isEqualTo(99);

      TestRedis.call(vertx, server.url(), Command.SCRIPT, "FLUSH");
      RateOutcome next = await(l.check(List.of(perMinute), subject, 1));

      assertThat(next.remaining()).isEqualTo(98);
      assertThat(l.fallbacks()).isZero();
      assertThat(l.healthy()).isTrue();
    }
  }

  @Test
  void aMonthlyQuotaSurvivesARedisRestartThroughTheLedger() {
    RatePolicy quota = RatePolicy.monthlyQuota("monthly", 10, Dimension.KEY);
    try (RedisLimiter l = limiter(OnFailure.REFUSE)) {
      for (int i = 0; i < 4; i++) {
        assertThat(await(l.check(List.of(quota), subject, 1)).remaining()).isEqualTo(9 - i);
      }
      String id = QuotaLedger.counterId(quota, subject);
      long march = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond() * 1_000_000L;
      assertThat(ledger.recorded(id, march)).isEqualTo(4);

      server.stop();
      server.restart(); // nothing persisted: Redis comes back empty
      TestRedis.await(l.check(List.of(quota), subject, 1).otherwiseEmpty()); // notices the restart
      await(l.whenHealthy());
      RateOutcome fifth = await(l.check(List.of(quota), subject, 1));

      assertThat(fifth.remaining()).isEqualTo(5);
      assertThat(ledger.recorded(id, march)).isEqualTo(5);
    }
  }

  @Test
  void everyCheckIsOneRoundTripWhateverTheNumberOfPolicies() {
    List<RatePolicy> five = List.of(perMinute,
        RatePolicy.rolling("per-second", 1000, Duration.ofSeconds(1), Dimension.KEY),
        RatePolicy.rolling("per-ws", 1000, Duration.ofMinutes(10), Dimension.WORKSPACE),
        RatePolicy.rolling("per-ip", 1000, Duration.ofHours(1), Dimension.CLIENT_IP),
        RatePolicy.monthlyQuota("monthly", 100_000, Dimension.KEY));
    RateSubject s = RateSubject.builder().key("key_trips").workspace("ws_trips").clientIp("198.51.100.4").build();
    try (RedisLimiter l = limiter(OnFailure.REFUSE)) {
      for (List<RatePolicy> ps : List.of(List.of(perMinute), five)) {
        TestRedis.call(vertx, server.url(), Command.CONFIG, "RESETSTAT");
        for (int i = 0; i < 50; i++) {
          assertThat(await(l.check(ps, s, 1)).allowed()).isTrue();
        }
        String stats = TestRedis.call(vertx, server.url(), Command.INFO, "commandstats").toString();

        // Commands the script runs count too: one GET and one SET per counter, nothing else.
        assertThat(calls(stats, "evalsha")).as(ps.size() + " policies").isEqualTo(50);
        assertThat(calls(stats, "get")).isEqualTo(50L * ps.size());
        assertThat(calls(stats, "set")).isEqualTo(50L * ps.size());
        assertThat(allCalls(stats)).as("every command for " + ps.size() + " policies")
            .isEqualTo(50 + 2 * 50L * ps.size());
      }
    }
  }

  private static long calls(String stats, String command) {
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
      }
    }
    return 0;
  }

  /** Calls of every command but those of the test itself (and the client's connection set-up). */
  private static long allCalls(String stats) {
    long sum = 0;
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:") && !line.startsWith("cmdstat_config")
          && !line.startsWith("cmdstat_hello:") && !line.startsWith("cmdstat_client")) {
        sum += Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
      }
    }
    return sum;
  }
}
