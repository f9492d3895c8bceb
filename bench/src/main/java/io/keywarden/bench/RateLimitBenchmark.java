package io.keywarden.bench;

import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process rate limiter, single thread, with the system clock (each check reads it once).
 *
 * <ul>
 *   <li>{@code onePolicy}: one policy, one hot counter, admitted (the limit is never reached);
 *   <li>{@code onePolicyRejected}: the same, on a counter that is full;
 *   <li>{@code onePolicyManyKeys}: one policy over 100 000 keys in turn (a counter map that does
 *       not fit in the CPU caches);
 *   <li>{@code threePolicies}: per key, per workspace and per IP checked and counted together.
 * </ul>
 *
 * Goal (rate-limit issue): a local check for one policy at most 100 ns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class RateLimitBenchmark {
  private static final int KEYS = 100_000;

  // High enough never to be reached during a run, so every check is admitted and counted.
  private final RatePolicy perKey = RatePolicy.rolling("key", 2_000_000_000, Duration.ofHours(1), Dimension.KEY);
  private final RatePolicy perWorkspace = RatePolicy.rolling("ws", 2_000_000_000, Duration.ofHours(1), Dimension.WORKSPACE);
  private final RatePolicy perIp = RatePolicy.rolling("ip", 2_000_000_000, Duration.ofHours(1), Dimension.CLIENT_IP);
  private final RatePolicy full = RatePolicy.rolling("full", 1, Duration.ofHours(1), Dimension.KEY);
  private List<RatePolicy> three;
  private LocalRateLimiter limiter;
  private RateSubject subject;
  private RateSubject[] subjects;
  private int next;

  @Setup
  public void setUp() {
    limiter = LocalRateLimiter.builder().maxCounters(1_000_000).build();
    three = List.of(perKey, perWorkspace, perIp);
    subject = RateSubject.builder().key("key_01HZX3").workspace("ws_01HZX3").clientIp("203.0.113.7").build();
    subjects = new RateSubject[KEYS];
    for (int i = 0; i < KEYS; i++) {
      subjects[i] = RateSubject.builder().key("key_" + i).workspace("ws_1").clientIp("203.0.113.7").build();
      limiter.check(perKey, subjects[i], 1);
    }
    limiter.check(full, subject, 1);
  }

  @Benchmark
  public RateOutcome onePolicy() {
    return limiter.check(perKey, subject, 1);
  }

  @Benchmark
  public RateOutcome onePolicyRejected() {
    return limiter.check(full, subject, 1);
  }

  @Benchmark
  public RateOutcome onePolicyManyKeys() {
    int i = next;
    next = i + 1 == KEYS ? 0 : i + 1;
    return limiter.check(perKey, subjects[i], 1);
  }

  @Benchmark
  public RateOutcome threePolicies() {
    return limiter.check(three, subject, 1);
  }
}
