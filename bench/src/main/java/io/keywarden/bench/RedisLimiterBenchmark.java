package io.keywarden.bench;

import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.QuotaLedger;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.server.ratelimit.redis.RedisLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis rate-limit backend against a real Redis (KEYWARDEN_BENCH_REDIS_URL, default the local
 * one on 6379), with 1 and with 4 policies (per key, per workspace, per IP, a monthly quota):
 *
 * <ul>
 *   <li>{@code check}: one check at a time, waited for: the latency of a round trip plus the script;
 *   <li>{@code check64InFlight}: 64 checks sent before waiting for them (pipelined on the one
 *       connection), reported per check: what a busy gateway node gets;
 *   <li>{@code ping}, {@code ping64InFlight}: the same with a bare PING on a connection of the same
 *       client, the reference to compare with (the {@code policies} parameter does not apply).
 * </ul>
 *
 * At the end of each trial it prints the EVALSHA calls Redis counted (INFO commandstats) per check
 * made, i.e. the round trips per check, the CPU time Redis spent per script and this JVM's CPU time
 * per check: figures that depend far less on a busy machine's scheduler than latencies. Other
 * clients of the same Redis running scripts would add to the Redis figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class RedisLimiterBenchmark {
  private static final int IN_FLIGHT = 64;
  private static final Request PING = Request.cmd(Command.PING);

  @Param({"1", "4"})
  public int policies;

  private Vertx vertx;
  private RedisLimiter limiter;
  private String url;
  private List<RatePolicy> ps;
  private RateSubject subject;
  private long checks;
  private Redis pingClient;
  private RedisConnection pingConnection;
  private long[] evalshaBefore;
  private long cpuBefore;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    url = System.getenv().getOrDefault("KEYWARDEN_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    vertx = Vertx.vertx();
    Clock clock = Clock.systemUTC();
    limiter = new RedisLimiter(vertx, RedisLimiter.Options.of(url).withKeyPrefix("kw:bench:" + UUID.randomUUID() + ":")
        .withTimeout(Duration.ofSeconds(1)), clock, QuotaLedger.NONE, LocalRateLimiter.builder().clock(clock).build());
    limiter.whenHealthy().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<RatePolicy> all = List.of(
        RatePolicy.rolling("key", 2_000_000_000, Duration.ofHours(1), Dimension.KEY),
        RatePolicy.rolling("ws", 2_000_000_000, Duration.ofHours(1), Dimension.WORKSPACE),
        RatePolicy.rolling("ip", 2_000_000_000, Duration.ofHours(1), Dimension.CLIENT_IP),
        RatePolicy.monthlyQuota("monthly", 1_000_000_000_000L, Dimension.KEY));
    ps = all.subList(0, policies);
    subject = RateSubject.builder().key("key_01HZX3").workspace("ws_01HZX3").clientIp("203.0.113.7").build();
    pingClient = Redis.createClient(vertx, url);
    pingConnection = pingClient.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    checks = 0;
    evalshaBefore = evalsha();
    cpuBefore = processCpuNanos();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    long cpu = processCpuNanos() - cpuBefore;
    long[] after = evalsha();
    long trips = after[0] - evalshaBefore[0];
    if (checks > 0) { // not for the PING references
      System.out.printf("%n[%d policies] %d checks, %d EVALSHA: %.3f round trips per check;"
              + " Redis %.1f us and this JVM %.1f us of CPU per check (warm-up included); fallbacks %d%n",
          policies, checks, trips, (double) trips / checks, (double) (after[1] - evalshaBefore[1]) / trips,
          cpu / 1000.0 / checks, limiter.fallbacks());
    }
    limiter.close();
    pingClient.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The reference: one PING round trip on a connection of the same client, waited for. */
  @Benchmark
  public Object ping() {
    return pingConnection.send(PING).toCompletionStage().toCompletableFuture().join();
  }

  /** The reference for {@link #check64InFlight}: 64 PINGs in flight, per PING. */
  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public Object ping64InFlight() {
    List<Future<Response>> fs = new ArrayList<>(IN_FLIGHT);
    for (int i = 0; i < IN_FLIGHT; i++) {
      fs.add(pingConnection.send(PING));
    }
    return Future.all(fs).toCompletionStage().toCompletableFuture().join();
  }

  @Benchmark
  public RateOutcome check() {
    checks++;
    return limiter.check(ps, subject, 1).toCompletionStage().toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public Object check64InFlight() {
    List<Future<RateOutcome>> fs = new ArrayList<>(IN_FLIGHT);
    for (int i = 0; i < IN_FLIGHT; i++) {
      fs.add(limiter.check(ps, subject, 1));
    }
    checks += IN_FLIGHT;
    return Future.all(fs).toCompletionStage().toCompletableFuture().join();
  }

  /** EVALSHA calls and the microseconds Redis spent in them, from INFO commandstats. */
  private long[] evalsha() throws Exception {
    Redis client = Redis.createClient(vertx, url);
    try {
      String stats = client.send(Request.cmd(Command.INFO).arg("commandstats"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
      for (String line : stats.split("\r?\n")) {
        if (line.startsWith("cmdstat_evalsha:calls=")) {
          String[] f = line.substring(line.indexOf(':') + 1).split(",");
          return new long[] {value(f[0]), value(f[1])};
        }
      }
      return new long[2];
    } finally {
      client.close();
    }
  }

  private static long value(String field) {
    return Long.parseLong(field.substring(field.indexOf('=') + 1));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
