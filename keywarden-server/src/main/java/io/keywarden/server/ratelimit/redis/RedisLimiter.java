package io.keywarden.server.ratelimit.redis;

import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.QuotaLedger;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.core.ratelimit.RateWindow;
import io.keywarden.server.ratelimit.Limiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Health: the invariants.
 *
 * 1. One connection, pipelined: every check is one EVALSHA on it (plus, only after Redis lost its
 *    script cache, one SCRIPT LOAD sent in the same write). The script reads, decides and charges
 *    every counter of the request atomically, so nodes sharing a Redis admit exactly the limit.
 * 2. The state is CONNECTING (at start), UP, or DOWN. Checks go to Redis only when UP; otherwise
 *    the fallback decides at once (local limiter, or a refusal), so an outage costs one timeout per
 *    request only for the requests in flight when it starts.
 * 3. Any failure of a request (error, timeout, lost connection) moves UP to DOWN, logged once per
 *    transition, and starts the single recovery loop: probe the connection (or open a new one)
 *    with the script's health mode, back off 50 ms doubling to 2 s, and move to UP when it
 *    answers in time. Nothing here blocks: all of it runs on Vert.x timers and futures.
 * 4. A request that timed out may still be counted by Redis after the fallback decided it: an
 *    outage can count a request twice, never zero times.
 */

/**
 * The Redis rate-limit backend: all applicable policies of a request are read, decided and charged
 * in one Lua script, with exactly the semantics of {@link LocalRateLimiter}; several Keywarden nodes
 * sharing one Redis admit exactly each limit together.
 *
 * <p>When Redis errors or does not answer within {@link Options#timeout()}, decisions fall back to
 * the local limiter ({@link OnFailure#LOCAL}, the default) or are refused with {@link
 * RateLimitUnavailableException} ({@link OnFailure#REFUSE}); the limiter reconnects by itself and
 * returns to Redis as soon as it answers. Calendar quotas are seeded from the {@link QuotaLedger}
 * when Redis has lost them, and every answer tells the ledger the quota counts Redis holds.
 */
public final class RedisLimiter implements Limiter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);

  /** The Lua script that decides a request. */
  static final String SCRIPT = resource("check.lua");
  /** Its SHA-1, as EVALSHA names it. */
  static final String SCRIPT_SHA = sha1(SCRIPT);
  /** First delay before a reconnection attempt. */
  static final long RECONNECT_MIN_MILLIS = 50;
  /** Longest delay between reconnection attempts. */
  static final long RECONNECT_MAX_MILLIS = 2_000;
  /** Longest wait for a new connection (at least the check timeout). */
  static final long CONNECT_TIMEOUT_MILLIS = 2_000;
  /**
   * Added to every key's expiry: a counter outlives its empty time by this much, so that a node
   * whose clock lags by less still sees its units.
   */
  static final long EXPIRY_GRACE_MILLIS = 1_000;
  /** Values per policy in the script's arguments. */
  private static final int ARGS_PER_POLICY = 7;
  private static final int HEAD = 6;

  /** What decides requests while Redis cannot answer. */
  public enum OnFailure {
    /** The local fallback limiter: each node applies the limits alone (default). */
    LOCAL,
    /** Nothing: requests are refused with {@code 503 rate_limit_unavailable}. */
    REFUSE
  }

  /**
   * How to reach Redis and what to do when it does not answer.
   *
   * @param url {@code redis://[[user]:password@]host[:port][/db]} (or {@code rediss://}); the
   *     password never appears in logs
   * @param timeout how long a check waits for Redis before the fallback decides it; default 50 ms
   * @param onFailure what decides while Redis cannot answer; default {@link OnFailure#LOCAL}
   * @param keyPrefix put before every counter id to make its key; default {@code kw:rl:}
   */
  public record Options(String url, Duration timeout, OnFailure onFailure, String keyPrefix) {
    /** Default timeout of a check. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "kw:rl:";

    public Options {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("redis url must be set");
      }
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("redis url is not a valid URI");
      }
      if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
        throw new IllegalArgumentException("redis url must start with redis:// or rediss://");
      }
      timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
      if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "redis timeout must be between 1 ms and 1 minute, got " + timeout);
      }
      onFailure = onFailure == null ? OnFailure.LOCAL : onFailure;
      keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    }

    /** The defaults, with {@code url}. */
    public static Options of(String url) {
      return new Options(url, null, null, null);
    }

    /** These options with another timeout. */
    public Options withTimeout(Duration t) {
      return new Options(url, t, onFailure, keyPrefix);
    }

    /** These options with another failure mode. */
    public Options withOnFailure(OnFailure mode) {
      return new Options(url, timeout, mode, keyPrefix);
    }

    /** These options with another key prefix. */
    public Options withKeyPrefix(String prefix) {
      return new Options(url, timeout, onFailure, prefix);
    }

    /** The scheme, host and port: what logs may show. */
    String endpoint() {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
  }

  private enum State { CONNECTING, UP, DOWN }

  private final Vertx vertx;
  private final Options options;
  private final LongSupplier clock;
  private final QuotaLedger ledger;
  private final LocalRateLimiter fallback;
  private final Redis client;
  private final long timeoutMillis;
  private final LongAdder fallbacks = new LongAdder();
  private final AtomicBoolean recovering = new AtomicBoolean();
  private final ConcurrentHashMap<ZoneId, Period> periods = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile State state = State.CONNECTING; // written under lock
  private volatile RedisConnection connection;
  private volatile boolean closed;
  private Promise<Void> up = Promise.promise(); // guarded by lock

  /**
   * Starts connecting to Redis; until it answers, the fallback decides (see {@link #whenHealthy()}).
   *
   * @param vertx runs the connection and the reconnection timers
   * @param clock the time counters use (microsecond precision); the same clock as the fallback's
   * @param ledger where calendar quotas are kept across restarts of Keywarden and of Redis
   * @param fallback decides while Redis cannot answer (with {@link OnFailure#LOCAL})
   */
  public RedisLimiter(Vertx vertx, Options options, Clock clock, QuotaLedger ledger, LocalRateLimiter fallback) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    this.clock = () -> {
      Instant i = clock.instant();
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    };
    this.ledger = Objects.requireNonNull(ledger, "quota ledger");
    this.fallback = Objects.requireNonNull(fallback, "fallback limiter");
    this.timeoutMillis = options.timeout().toMillis();
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(options.url())
        .setMaxWaitingHandlers(16_384)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.max(CONNECT_TIMEOUT_MILLIS, timeoutMillis))
            .setTcpNoDelay(true)));
    recovering.set(true);
    attempt().onComplete(ar -> {
      if (ar.succeeded()) {
        recovering.set(false);
        markUp();
      } else {
        recovering.set(false);
        markDown(ar.cause());
      }
    });
  }

  @Override
  public Future<RateOutcome> check(List<RatePolicy> policies, RateSubject subject, long cost) {
    return decide(policies, subject, cost, true);
  }

  @Override
  public Future<RateOutcome> peek(List<RatePolicy> policies, RateSubject subject, long cost) {
    return decide(policies, subject, cost, false);
  }

  @Override
  public Future<List<PolicyUsage>> usage(List<RatePolicy> policies, RateSubject subject) {
    Objects.requireNonNull(subject, "subject");
    Counters cs = Counters.of(policies, subject, false);
    if (cs.size == 0) {
      return Future.succeededFuture(List.of());
    }
    RedisConnection c = connection;
    if (state != State.UP || c == null) {
      return fallback(() -> fallback.usage(policies, subject));
    }
    long now = clock.getAsLong();
    return onCallersContext(send(c, request(cs, "u", now, 1)).transform(ar -> {
      if (ar.failed()) {
        markDown(ar.cause()); // leave Redis until it answers again
        return fallback(() -> fallback.usage(policies, subject));
      }
      Response r = ar.result();
      List<PolicyUsage> out = new ArrayList<>(cs.size);
      for (int i = 0; i < cs.size; i++) {
        RatePolicy p = cs.policies[i];
        long used = r.get(2 * i).toLong();
        out.add(new PolicyUsage(p, used, Math.max(0, p.limit() - used), r.get(2 * i + 1).toLong()));
      }
      recordQuotas(cs, r, 2 * cs.size);
      return Future.succeededFuture(out);
    }));
  }

  @Override
  public String backend() {
    return "redis";
  }

  /** Whether checks are decided by Redis now (rather than by the fallback). */
  public boolean healthy() {
    return state == State.UP;
  }

  /** How many checks, peeks and usage reads were decided by the fallback (or refused). */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** Completes when checks are decided by Redis: at once if they are now. Never fails. */
  public Future<Void> whenHealthy() {
    synchronized (lock) {
      return state == State.UP ? Future.succeededFuture() : up.future();
    }
  }

  /** The options this limiter was made with. */
  public Options options() {
    return options;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RedisConnection c = connection;
    connection = null;
    if (c != null) {
      c.close();
    }
    client.close();
  }

  private Future<RateOutcome> decide(List<RatePolicy> policies, RateSubject subject, long cost, boolean consume) {
    if (cost < 1) {
      throw new IllegalArgumentException("rate limit cost must be at least 1, got " + cost);
    }
    Objects.requireNonNull(subject, "subject");
    Counters cs = Counters.of(policies, subject, true);
    if (cs.size == 0) {
      return Future.succeededFuture(RateOutcome.unlimited(clock.getAsLong()));
    }
    RedisConnection c = connection;
    if (state != State.UP || c == null) {
      return fallback(() -> local(policies, subject, cost, consume));
    }
    long now = clock.getAsLong();
    return onCallersContext(send(c, request(cs, consume ? "c" : "p", now, cost)).transform(ar -> {
      if (ar.failed()) {
        markDown(ar.cause()); // leave Redis until it answers again
        return fallback(() -> local(policies, subject, cost, consume));
      }
      Response r = ar.result();
      RatePolicy p = cs.policies[r.get(1).toInteger() - 1];
      RateOutcome out = new RateOutcome(r.get(0).toInteger() == 1, p, p.limit(), r.get(2).toLong(),
          r.get(3).toLong(), r.get(4).toLong(), r.get(5).toLong(), now);
      recordQuotas(cs, r, HEAD);
      return Future.succeededFuture(out);
    }));
  }

  /**
   * {@code f}, completing on the caller's Vert.x context (if it has one) rather than on the Redis
   * connection's event loop, so that a caller's callbacks stay on its own thread.
   */
  private static <T> Future<T> onCallersContext(Future<T> f) {
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == ctx) {
        p.handle(ar);
      } else {
        ctx.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }

  private RateOutcome local(List<RatePolicy> policies, RateSubject subject, long cost, boolean consume) {
    return consume ? fallback.check(policies, subject, cost) : fallback.peek(policies, subject, cost);
  }

  private <T> Future<T> fallback(Supplier<T> local) {
    fallbacks.increment();
    if (options.onFailure() == OnFailure.REFUSE) {
      return Future.failedFuture(new RateLimitUnavailableException());
    }
    return Future.succeededFuture(local.get());
  }

  /** EVALSHA on {@code c}; if Redis lost the script, SCRIPT LOAD and EVALSHA again in one write. */
  private Future<Response> send(RedisConnection c, Request evalsha) {
    return c.send(evalsha).timeout(timeoutMillis, TimeUnit.MILLISECONDS).recover(e -> {
      if (!isNoScript(e)) {
        return Future.failedFuture(e);
      }
      return c.batch(List.of(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT), evalsha))
          .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
          .map(l -> l.get(1));
    });
  }

  private static boolean isNoScript(Throwable e) {
    String m = e.getMessage();
    return m != null && m.startsWith("NOSCRIPT");
  }

  private Request request(Counters cs, String mode, long now, long cost) {
    Request r = Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(cs.size);
    for (int i = 0; i < cs.size; i++) {
      r.arg(options.keyPrefix() + cs.ids[i]);
    }
    r.arg(mode).arg(now).arg(cost).arg(EXPIRY_GRACE_MILLIS);
    for (int i = 0; i < cs.size; i++) {
      RatePolicy p = cs.policies[i];
      switch (p.window()) {
        case RateWindow.Rolling w -> {
          long window = w.micros();
          long slice = Math.ceilDiv(window, w.subWindows());
          r.arg("r").arg(p.limit()).arg(window).arg(w.subWindows()).arg(slice)
              .arg(Math.max(1, Math.ceilDiv(slice, 1L << 32))).arg(Math.ceilDiv(window, p.limit()));
        }
        case RateWindow.CalendarMonth m -> {
          Period period = period(m.zone(), now);
          r.arg("m").arg(p.limit()).arg(period.start).arg(period.end).arg(period.nextEnd)
              .arg(ledger.recorded(cs.ids[i], period.start))
              .arg(ledger.recorded(cs.ids[i], period.end));
        }
      }
    }
    return r;
  }

  private void recordQuotas(Counters cs, Response r, int from) {
    for (int j = from; j + 2 < r.size(); j += 3) {
      int i = r.get(j).toInteger() - 1;
      ledger.update(cs.ids[i], r.get(j + 1).toLong(), r.get(j + 2).toLong());
    }
  }

  private Period period(ZoneId zone, long now) {
    Period p = periods.get(zone);
    if (p == null || now < p.start || now >= p.end) {
      LocalDate first = LocalDate.ofInstant(instant(now), zone).withDayOfMonth(1);
      p = new Period(micros(first, zone), micros(first.plusMonths(1), zone), micros(first.plusMonths(2), zone));
      periods.put(zone, p);
    }
    return p;
  }

  private static long micros(LocalDate day, ZoneId zone) {
    Instant i = day.atStartOfDay(zone).toInstant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  // Health -----------------------------------------------------------------------------------

  private void markDown(Throwable cause) {
    State prev;
    synchronized (lock) {
      prev = state;
      if (prev == State.UP) {
        up = Promise.promise();
      }
      state = State.DOWN;
    }
    if (prev != State.DOWN && !closed) {
      LOG.warn("Redis rate limits unavailable at {} ({}); {} until Redis answers again",
          options.endpoint(), describe(cause),
          options.onFailure() == OnFailure.LOCAL
              ? "deciding with local limits" : "refusing requests (503 rate_limit_unavailable)");
    }
    if (recovering.compareAndSet(false, true)) {
      retry(RECONNECT_MIN_MILLIS);
    }
  }

  private void markUp() {
    State prev;
    Promise<Void> p;
    synchronized (lock) {
      if (closed) {
        return;
      }
      prev = state;
      state = State.UP;
      p = up;
    }
    p.tryComplete();
    if (prev == State.DOWN) {
      LOG.info("Redis rate limits available again at {}; {} decisions made without Redis so far",
          options.endpoint(), fallbacks.sum());
    } else if (prev == State.CONNECTING) {
      LOG.info("Rate limits on Redis at {}", options.endpoint());
    }
  }

  private void retry(long delayMillis) {
    if (closed) {
      return;
    }
    vertx.setTimer(delayMillis, id -> attempt().onComplete(ar -> {
      if (ar.succeeded()) {
        recovering.set(false);
        markUp();
      } else {
        retry(Math.min(delayMillis * 2, RECONNECT_MAX_MILLIS));
      }
    }));
  }

  /** Probes the current connection, or opens a new one and probes it; loads the script if needed. */
  private Future<Void> attempt() {
    if (closed) {
      return Future.failedFuture("closed");
    }
    RedisConnection current = connection;
    Future<RedisConnection> c = current != null ? Future.succeededFuture(current) : open();
    return c.compose(conn -> {
      Request probe = Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(0).arg("h");
      return send(conn, probe).<Void>mapEmpty().onFailure(e -> drop(conn));
    });
  }

  private Future<RedisConnection> open() {
    Future<RedisConnection> connecting = client.connect();
    return connecting.timeout(Math.max(CONNECT_TIMEOUT_MILLIS, timeoutMillis), TimeUnit.MILLISECONDS).recover(e -> {
      connecting.onSuccess(RedisConnection::close); // if it connects after all, too late
      return Future.failedFuture(e);
    }).map(conn -> {
      conn.exceptionHandler(e -> lost(conn, e));
      conn.endHandler(v -> lost(conn, null));
      if (closed) {
        conn.close();
        throw new IllegalStateException("closed");
      }
      connection = conn;
      return conn;
    });
  }

  private void lost(RedisConnection conn, Throwable cause) {
    if (connection == conn) { // the client evicts the broken connection itself
      connection = null;
      markDown(cause != null ? cause : new IOException("connection closed"));
    }
  }

  private void drop(RedisConnection conn) {
    if (connection == conn) {
      connection = null;
    }
    conn.close();
  }

  private static String describe(Throwable e) {
    if (e == null) {
      return "unknown";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String resource(String name) {
    try (InputStream in = RedisLimiter.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A calendar month's bounds and the next month's end, in epoch microseconds. */
  private record Period(long start, long end, long nextEnd) {}

  /** The policies that count a subject, and their counter ids. */
  private static final class Counters {
    final RatePolicy[] policies;
    final String[] ids;
    final int size;

    private Counters(RatePolicy[] policies, String[] ids, int size) {
      this.policies = policies;
      this.ids = ids;
      this.size = size;
    }

    static Counters of(List<RatePolicy> policies, RateSubject subject, boolean distinct) {
      int n = policies.size();
      RatePolicy[] ps = new RatePolicy[n];
      String[] ids = new String[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        RatePolicy p = policies.get(i);
        if (distinct && n > 1) {
          for (int j = 0; j < i; j++) {
            if (policies.get(j).name().equals(p.name())) {
              throw new IllegalArgumentException("rate policy \"" + p.name() + "\" is given twice");
            }
          }
        }
        String id = QuotaLedger.counterId(p, subject);
        if (id != null) {
          ps[m] = p;
          ids[m++] = id;
        }
      }
      return new Counters(ps, ids, m);
    }
  }
}
