package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/** Many threads, a frozen clock: the counts must come out exact. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRateLimiterConcurrencyTest {
  private static final int THREADS = 8;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
  private final MicroTime time = MicroTime.atStart();
  private final LocalRateLimiter limiter = Limiters.on(time);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Runs {@code task(thread)} on every thread at once and returns the sum of their results. */
  private long race(TaskPerThread task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int thread = i;
      results.add(pool.submit((Callable<Long>) () -> {
        start.await();
        return task.run(thread);
      }));
    }
    long sum = 0;
    for (Future<Long> f : results) {
      sum += f.get();
    }
    return sum;
  }

  interface TaskPerThread {
    long run(int thread) throws Exception;
  }

  @RepeatedTest(5)
  void manyThreadsOnOneCounterAdmitExactlyTheLimit() throws Exception {
    RatePolicy policy = RatePolicy.rolling("minute", 5000, Duration.ofMinutes(1), Dimension.KEY);
    long admitted = race(thread -> {
      long n = 0;
      for (int i = 0; i < 2000; i++) {
        if (limiter.check(policy, Limiters.ALICE, 1).allowed()) {
          n++;
        }
      }
      return n;
    });
    assertThat(admitted).isEqualTo(5000);
    assertThat(limiter.usage(List.of(policy), Limiters.ALICE).get(0).used()).isEqualTo(5000);
  }

  @RepeatedTest(5)
  void twoCountersCheckedTogetherAdmitTheSmallerLimitAndLeakNothingIntoTheLarger() throws Exception {
    RatePolicy perWorkspace = RatePolicy.rolling("ws", 3000, Duration.ofMinutes(1), Dimension.WORKSPACE);
    RatePolicy perKey = RatePolicy.rolling("key", 2000, Duration.ofMinutes(1), Dimension.KEY);
    List<RatePolicy> both = List.of(perWorkspace, perKey);
    long admitted = race(thread -> {
      long n = 0;
      for (int i = 0; i < 1000; i++) {
        // Half the threads list the policies in the other order: lock order must not depend on it.
        List<RatePolicy> order = thread % 2 == 0 ? both : List.of(perKey, perWorkspace);
        if (limiter.check(order, Limiters.ALICE, 1).allowed()) {
          n++;
        }
      }
      return n;
    });
    assertThat(admitted).isEqualTo(2000);
    assertThat(limiter.usage(both, Limiters.ALICE)).extracting(PolicyUsage::used).containsExactly(2000L, 2000L);
  }

  @RepeatedTest(5)
  void overlappingSetsOfPoliciesStayExactPerCounter() throws Exception {
    // Every request counts against the workspace (1000); each of four keys has 300 of its own;
    // odd threads also pass a per-IP limit of 150 for their own address.
    RatePolicy workspace = RatePolicy.rolling("ws", 1000, Duration.ofMinutes(1), Dimension.WORKSPACE);
    RatePolicy key = RatePolicy.rolling("key", 300, Duration.ofMinutes(1), Dimension.KEY);
    RatePolicy ip = RatePolicy.rolling("ip", 150, Duration.ofMinutes(1), Dimension.CLIENT_IP);
    AtomicLongArray perKey = new AtomicLongArray(4);
    AtomicLongArray perIp = new AtomicLongArray(THREADS);
    long admitted = race(thread -> {
      RateSubject s = RateSubject.builder().workspace("ws").key("k" + thread % 4).clientIp("10.0.0." + thread).build();
      List<RatePolicy> policies = thread % 2 == 1 ? List.of(ip, key, workspace) : List.of(workspace, key);
      long n = 0;
      for (int i = 0; i < 1000; i++) {
        if (limiter.check(policies, s, 1 + i % 2).allowed()) {
          n += 1 + i % 2;
          perKey.addAndGet(thread % 4, 1 + i % 2);
          perIp.addAndGet(thread, 1 + i % 2);
        }
      }
      return n;
    });
    assertThat(limiter.usage(List.of(workspace), Limiters.ALICE.withWorkspace("ws")).get(0).used()).isEqualTo(admitted);
    for (int k = 0; k < 4; k++) {
      long used = limiter.usage(List.of(key), RateSubject.builder().key("k" + k).build()).get(0).used();
      assertThat(used).isEqualTo(perKey.get(k)).isLessThanOrEqualTo(300);
    }
    for (int t = 1; t < THREADS; t += 2) {
      long used = limiter.usage(List.of(ip), RateSubject.builder().clientIp("10.0.0." + t).build()).get(0).used();
      assertThat(used).isEqualTo(perIp.get(t)).isLessThanOrEqualTo(150);
    }
    assertThat(admitted).isBetween(999L, 1000L); // costs of 1 and 2 may leave one unit unused
  }

  @RepeatedTest(3)
  void sweepsRacingWithChecksNeverLoseOrInventACount() throws Exception {
    RatePolicy policy = RatePolicy.rolling("second", 100, Duration.ofSeconds(1), Dimension.KEY);
    AtomicBoolean done = new AtomicBoolean();
    Future<?> sweeper = pool.submit(() -> {
      while (!done.get()) {
        limiter.sweep();
      }
    });
    CyclicBarrier phase = new CyclicBarrier(THREADS, () -> time.advance(1_000_001)); // counter goes idle
    int phases = 50;
    long admitted = race(thread -> {
      long n = 0;
      for (int p = 0; p < phases; p++) {
        for (int i = 0; i < 40; i++) {
          if (limiter.check(policy, Limiters.ALICE, 1).allowed()) {
            n++;
          }
        }
        phase.await();
      }
      return n;
    });
    done.set(true);
    sweeper.get();
    assertThat(admitted).isEqualTo(phases * 100L);
    assertThat(limiter.size()).isLessThanOrEqualTo(1);
  }
}
