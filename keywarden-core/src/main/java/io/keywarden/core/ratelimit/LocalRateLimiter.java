package io.keywarden.core.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/*
 * Concurrency and memory: the invariants.
 *
 * 1. Each counter's state is read and written only while its lock is held (a spin lock in the
 *    counter; critical sections are a few dozen instructions and never block).
 * 2. A check locks all its counters before reading the clock, in ascending counter id (ids are
 *    unique, assigned when a counter is made), and releases them after deciding. Two checks
 *    therefore never wait for each other in a cycle, and a check sees and changes all its counters
 *    at one instant: it is atomic with respect to every other check. It charges the counters only
 *    after every policy admitted; if any rejects it charges none. There is no tentative state and
 *    nothing to roll back, so no other check can ever observe (or be rejected because of) a charge
 *    that is later undone.
 * 3. Each counter sees a time that never goes back (Counter.time clamps it), which the window
 *    estimates rely on (RollingCounter); with (2), no interval of length W of any counter holds
 *    more than L admitted units, whatever the interleaving.
 * 4. A counter leaves the map only when its count is zero: the sweeper locks it, finds it empty,
 *    marks it dead, unlocks, then removes it. A check that finds a dead counter among its locked
 *    ones releases them all and looks its counters up again, so a unit is never charged to a
 *    counter that has left the map, and dropping an empty counter loses nothing (a new one starts
 *    at zero, which is exact).
 * 5. At most maxCounters counters exist (a reservation on `size` precedes every insertion). At the
 *    cap, empty counters are swept first (at most once a second); if none can go, a new counter
 *    is not made and the request is decided against an uncounted empty stand-in (AtCapacity.ADMIT,
 *    the default: limits already being counted stay exact, new subjects pass uncounted) or
 *    rejected (AtCapacity.REJECT). Each such decision is counted in overflows().
 */

/**
 * The in-process rate limiter: the default backend, exact on one node.
 *
 * <p>Every check locks the counters of all applicable policies, decides, and counts the request
 * in all of them or none. Memory is bounded by {@link Builder#maxCounters}; empty counters are
 * swept every {@link Builder#sweepInterval} during checks, or by {@link #sweep()}. A rolling counter
 * with 10 sub-windows takes about 330 bytes plus the strings of its key (measured), so the default
 * cap of 100 000 counters holds about 40 MB at most.
 *
 * <p>A full sweep takes tens of milliseconds per 100 000 counters, so checks share it out: once
 * the sweep interval has passed, each check walks the next 1024 counters until all have been
 * seen. A server may instead call {@link #sweep()} from a background thread and set {@link
 * Builder#sweepInterval} to zero.
 */
public final class LocalRateLimiter implements RateLimiter {
  /** Default maximum number of counters. */
  public static final int DEFAULT_MAX_COUNTERS = 100_000;
  /** Default interval between sweeps of empty counters run during checks. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);
  /** Shortest interval between sweeps forced by the cap. */
  static final long CAPACITY_SWEEP_SPACING_MICROS = 1_000_000;
  /** Counters a check looks at when it takes its turn in a sweep. */
  static final int SWEEP_BATCH = 1024;

  /** What happens when a new counter is needed and the cap is reached even after a sweep. */
  public enum AtCapacity {
    /** Decide against an empty, uncounted counter: the request passes if its cost fits the limit. */
    ADMIT,
    /** Reject the request ({@code rate_limited}, retry after one second). */
    REJECT
  }

  private static final VarHandle LAST_SWEEP;
  private static final VarHandle SWEEPER;

  static {
    try {
      LAST_SWEEP = MethodHandles.lookup().findVarHandle(LocalRateLimiter.class, "lastSweep", long.class);
      SWEEPER = MethodHandles.lookup().findVarHandle(LocalRateLimiter.class, "sweeper", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final LongAdder overflows = new LongAdder();
  private final LongSupplier clock;
  private final QuotaLedger quotaLedger;
  private final int maxCounters;
  private final AtCapacity atCapacity;
  private final long sweepIntervalMicros;
  private volatile long lastSweep; // also through LAST_SWEEP
  @SuppressWarnings("unused") // through SWEEPER: 1 while a check is taking its turn in a sweep
  private volatile int sweeper;
  private Iterator<Map.Entry<CounterKey, Counter>> sweepCursor; // guarded by sweeper
  private volatile boolean sweepUnderWay;

  private LocalRateLimiter(Builder b) {
    this.clock = b.clock;
    this.quotaLedger = b.quotaLedger;
    this.maxCounters = b.maxCounters;
    this.atCapacity = b.atCapacity;
    this.sweepIntervalMicros = b.sweepInterval.toNanos() / 1000;
    this.lastSweep = clock.getAsLong();
  }

  /** A builder with the defaults: system UTC clock, 100 000 counters, admit at capacity, sweep every 10 s. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RateOutcome check(List<RatePolicy> policies, RateSubject subject, long cost) {
    return decide(policies, subject, cost, true);
  }

  @Override
  public RateOutcome peek(List<RatePolicy> policies, RateSubject subject, long cost) {
    return decide(policies, subject, cost, false);
  }

  /** {@link #check} for one policy. */
  public RateOutcome check(RatePolicy policy, RateSubject subject, long cost) {
    requireCost(cost);
    return decideOne(policy, subject, cost, true);
  }

  @Override
  public List<PolicyUsage> usage(List<RatePolicy> policies, RateSubject subject) {
    List<PolicyUsage> out = new ArrayList<>(policies.size());
    for (RatePolicy p : policies) {
      CounterKey key = CounterKey.of(p, subject);
      if (key == null) {
        continue;
      }
      Counter c = existing(key, p, subject);
      c.lock();
      try {
        long t = c.time(clock.getAsLong());
        long used = c.used(t);
        out.add(new PolicyUsage(p, used, Math.max(0, p.limit() - used), c.emptyAt(t) - t));
      } finally {
        c.unlock();
      }
    }
    return out;
  }

  /**
   * Removes every counter whose count is zero now, and returns how many were removed. Safe to
   * call from any thread at any time, also while checks run their own sweep.
   */
  public int sweep() {
    long now = clock.getAsLong();
    lastSweep = now;
    return sweepSome(counters.entrySet().iterator(), now, Integer.MAX_VALUE);
  }

  /** The number of counters held. */
  public int size() {
    return size.get();
  }

  /** How many decisions were made without a counter because the cap was reached. */
  public long overflows() {
    return overflows.sum();
  }

  private RateOutcome decide(List<RatePolicy> policies, RateSubject subject, long cost, boolean consume) {
    requireCost(cost);
    Objects.requireNonNull(subject, "subject");
    return switch (policies.size()) {
      case 0 -> RateOutcome.unlimited(clock.getAsLong());
      case 1 -> decideOne(policies.get(0), subject, cost, consume);
      default -> decideMany(policies, subject, cost, consume);
    };
  }

  private RateOutcome decideOne(RatePolicy p, RateSubject subject, long cost, boolean consume) {
    CounterKey key = CounterKey.of(p, subject);
    if (key == null) {
      return RateOutcome.unlimited(clock.getAsLong());
    }
    while (true) {
      Counter c = consume ? counterFor(key, p, subject) : existing(key, p, subject);
      if (c == null) {
        return full(p, subject);
      }
      RateOutcome out;
      long now;
      c.lock();
      try {
        if (c.dead) {
          retire(key, c);
          continue;
        }
        now = clock.getAsLong();
        long t = c.time(now);
        long used = c.used(t);
        long limit = p.limit();
        if (cost <= limit - used) {
          if (consume) {
            c.charge(t, cost);
            used += cost;
          }
          out = new RateOutcome(true, p, limit, limit - used, c.emptyAt(t) - t, 0, c.windowMicros(t), now);
        } else {
          out = rejected(p, c, t, used, cost, now);
        }
      } finally {
        c.unlock();
      }
      sweepIfDue(now);
      return out;
    }
  }

  private RateOutcome decideMany(List<RatePolicy> policies, RateSubject subject, long cost, boolean consume) {
    int n = policies.size();
    RatePolicy[] ps = new RatePolicy[n];
    CounterKey[] keys = new CounterKey[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      RatePolicy p = policies.get(i);
      for (int j = 0; j < i; j++) {
        if (policies.get(j).name().equals(p.name())) {
          throw new IllegalArgumentException("rate policy \"" + p.name() + "\" is given twice");
        }
      }
      CounterKey key = CounterKey.of(p, subject);
      if (key != null) {
        ps[m] = p;
        keys[m++] = key;
      }
    }
    if (m == 0) {
      return RateOutcome.unlimited(clock.getAsLong());
    }
    if (m == 1) {
      return decideOne(ps[0], subject, cost, consume);
    }
    Counter[] cs = new Counter[m];
    int[] order = new int[m];
    long[] used = new long[m];
    long[] times = new long[m];
    while (true) {
      for (int i = 0; i < m; i++) {
        cs[i] = consume ? counterFor(keys[i], ps[i], subject) : existing(keys[i], ps[i], subject);
        if (cs[i] == null) {
          return full(ps[i], subject);
        }
        order[i] = i;
      }
      for (int i = 1; i < m; i++) { // insertion sort by lock order; m is small
        int x = order[i];
        int j = i - 1;
        while (j >= 0 && cs[order[j]].id > cs[x].id) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = x;
      }
      for (int i = 0; i < m; i++) {
        cs[order[i]].lock();
      }
      boolean locked = true;
      try {
        boolean dead = false;
        for (int i = 0; i < m; i++) {
          dead |= cs[i].dead;
        }
        if (dead) {
          unlockAll(cs, order, m);
          locked = false;
          for (int i = 0; i < m; i++) {
            if (cs[i].dead) {
              retire(keys[i], cs[i]);
            }
          }
          continue;
        }
        long now = clock.getAsLong();
        boolean admit = true;
        for (int i = 0; i < m; i++) {
          times[i] = cs[i].time(now);
          used[i] = cs[i].used(times[i]);
          admit &= cost <= ps[i].limit() - used[i];
        }
        RateOutcome out = admit
            ? admitted(ps, cs, times, used, m, cost, consume, now)
            : rejectedMany(ps, cs, times, used, m, cost, now);
        unlockAll(cs, order, m);
        locked = false;
        sweepIfDue(now);
        return out;
      } finally {
        if (locked) {
          unlockAll(cs, order, m);
        }
      }
    }
  }

  private static void unlockAll(Counter[] cs, int[] order, int m) {
    for (int i = m - 1; i >= 0; i--) {
      cs[order[i]].unlock();
    }
  }

  private static RateOutcome admitted(RatePolicy[] ps, Counter[] cs, long[] times, long[] used,
      int m, long cost, boolean consume, long now) {
    int best = -1;
    long bestRemaining = 0;
    long bestReset = 0;
    for (int i = 0; i < m; i++) {
      long t = times[i];
      long u = used[i];
      if (consume) {
        cs[i].charge(t, cost);
        u += cost;
      }
      long remaining = ps[i].limit() - u;
      long reset = cs[i].emptyAt(t) - t;
      if (best < 0 || remaining < bestRemaining || (remaining == bestRemaining && reset < bestReset)) {
        best = i;
        bestRemaining = remaining;
        bestReset = reset;
      }
    }
    Counter c = cs[best];
    return new RateOutcome(true, ps[best], ps[best].limit(), bestRemaining, bestReset, 0,
        c.windowMicros(times[best]), now);
  }

  private static RateOutcome rejectedMany(RatePolicy[] ps, Counter[] cs, long[] times, long[] used,
      int m, long cost, long now) {
    RateOutcome worst = null;
    for (int i = 0; i < m; i++) {
      if (cost <= ps[i].limit() - used[i]) {
        continue;
      }
      RateOutcome r = rejected(ps[i], cs[i], times[i], used[i], cost, now);
      if (worst == null || r.retryAfterMicros() > worst.retryAfterMicros()) {
        worst = r;
      }
    }
    return worst;
  }

  private static RateOutcome rejected(RatePolicy p, Counter c, long t, long used, long cost, long now) {
    long limit = p.limit();
    long reset = c.emptyAt(t) - t;
    long retryAfter = cost > limit
        ? Math.max(reset, c.windowMicros(t))
        : c.admissibleAt(t, limit - cost) - t;
    return new RateOutcome(false, p, limit, Math.max(0, limit - used), reset, Math.max(1, retryAfter),
        c.windowMicros(t), now);
  }

  private RateOutcome full(RatePolicy p, RateSubject subject) {
    long now = clock.getAsLong();
    Counter standIn = newCounter(0, p, subject);
    long t = standIn.time(now);
    standIn.used(t);
    return new RateOutcome(false, p, p.limit(), 0, CAPACITY_SWEEP_SPACING_MICROS,
        CAPACITY_SWEEP_SPACING_MICROS, standIn.windowMicros(t), now);
  }

  /** The stored counter for {@code key}, made if needed; a stand-in or {@code null} at the cap. */
  private Counter counterFor(CounterKey key, RatePolicy p, RateSubject subject) {
    Counter c = counters.get(key);
    if (c != null) {
      return c;
    }
    if (size.incrementAndGet() > maxCounters) {
      size.decrementAndGet();
      sweepAtCapacity();
      if (size.incrementAndGet() > maxCounters) {
        size.decrementAndGet();
        overflows.increment();
        return atCapacity == AtCapacity.ADMIT ? newCounter(0, p, subject) : null;
      }
    }
    Counter fresh = newCounter(ids.incrementAndGet(), p, subject);
    Counter prev = counters.putIfAbsent(key, fresh);
    if (prev != null) {
      size.decrementAndGet();
      return prev;
    }
    return fresh;
  }

  /** The stored counter for {@code key}, or an empty stand-in that is not stored. */
  private Counter existing(CounterKey key, RatePolicy p, RateSubject subject) {
    Counter c = counters.get(key);
    return c != null ? c : newCounter(0, p, subject);
  }

  private Counter newCounter(long id, RatePolicy p, RateSubject subject) {
    return switch (p.window()) {
      case RateWindow.Rolling r -> new RollingCounter(id, r, p.limit());
      case RateWindow.CalendarMonth cm ->
          new CalendarCounter(id, cm.zone(), QuotaLedger.counterId(p, subject), quotaLedger);
    };
  }

  private void retire(CounterKey key, Counter c) {
    if (counters.remove(key, c)) {
      size.decrementAndGet();
    }
  }

  /**
   * Once a sweep interval has passed, each check (one at a time) sweeps the next {@link
   * #SWEEP_BATCH} counters, until the whole map has been walked: no request pays for a full sweep.
   */
  private void sweepIfDue(long now) {
    if (sweepIntervalMicros == 0 || (!sweepUnderWay && now - lastSweep < sweepIntervalMicros)) {
      return;
    }
    if (!SWEEPER.compareAndSet(this, 0, 1)) {
      return;
    }
    try {
      if (sweepCursor == null) {
        if (now - lastSweep < sweepIntervalMicros) {
          return;
        }
        lastSweep = now;
        sweepCursor = counters.entrySet().iterator();
        sweepUnderWay = true;
      }
      sweepSome(sweepCursor, now, SWEEP_BATCH);
      if (!sweepCursor.hasNext()) {
        sweepCursor = null;
        sweepUnderWay = false;
      }
    } finally {
      SWEEPER.setRelease(this, 0);
    }
  }

  /** At the cap, a full sweep, at most once a second: an overloaded limiter pays to stay exact. */
  private void sweepAtCapacity() {
    long now = clock.getAsLong();
    long last = lastSweep;
    if (now - last >= CAPACITY_SWEEP_SPACING_MICROS && LAST_SWEEP.compareAndSet(this, last, now)) {
      sweepSome(counters.entrySet().iterator(), now, Integer.MAX_VALUE);
    }
  }

  private int sweepSome(Iterator<Map.Entry<CounterKey, Counter>> it, long now, int max) {
    int removed = 0;
    for (int seen = 0; seen < max && it.hasNext(); seen++) {
      Map.Entry<CounterKey, Counter> e = it.next();
      Counter c = e.getValue();
      if (!c.tryLock()) {
        continue; // in use, so not idle
      }
      boolean idle;
      try {
        idle = !c.dead && c.used(c.time(now)) == 0;
        if (idle) {
          c.dead = true;
        }
      } finally {
        c.unlock();
      }
      if (idle && counters.remove(e.getKey(), c)) {
        size.decrementAndGet();
        removed++;
      }
    }
    return removed;
  }

  private static void requireCost(long cost) {
    if (cost < 1) {
      throw new IllegalArgumentException("rate limit cost must be at least 1, got " + cost);
    }
  }

  /** Converts a clock to microseconds since the epoch. */
  static LongSupplier micros(Clock clock) {
    return () -> {
      Instant i = clock.instant();
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    };
  }

  /** Builds a {@link LocalRateLimiter}, checking each setting as it is made. */
  public static final class Builder {
    private LongSupplier clock = micros(Clock.systemUTC());
    private QuotaLedger quotaLedger = QuotaLedger.NONE;
    private int maxCounters = DEFAULT_MAX_COUNTERS;
    private AtCapacity atCapacity = AtCapacity.ADMIT;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;

    private Builder() {}

    /** The clock time is read from. */
    public Builder clock(Clock clock) {
      this.clock = micros(Objects.requireNonNull(clock, "clock"));
      return this;
    }

    /** A faster time source: microseconds since the epoch. */
    public Builder microClock(LongSupplier epochMicros) {
      this.clock = Objects.requireNonNull(epochMicros, "micro clock");
      return this;
    }

    /** The most counters held at once; at least 1. */
    public Builder maxCounters(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max counters must be at least 1, got " + max);
      }
      this.maxCounters = max;
      return this;
    }

    /** What happens when the cap is reached and no empty counter can be swept. */
    public Builder atCapacity(AtCapacity mode) {
      this.atCapacity = Objects.requireNonNull(mode, "at capacity");
      return this;
    }

    /** How often checks sweep empty counters; zero leaves sweeping to {@link #sweep()} (and the cap). */
    public Builder sweepInterval(Duration interval) {
      Objects.requireNonNull(interval, "sweep interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("sweep interval must not be negative, got " + interval);
      }
      this.sweepInterval = interval;
      return this;
    }

    /**
     * Where calendar quotas keep their counts across restarts; {@link QuotaLedger#NONE} (the
     * default) forgets them.
     */
    public Builder quotaLedger(QuotaLedger ledger) {
      this.quotaLedger = Objects.requireNonNull(ledger, "quota ledger");
      return this;
    }

    public LocalRateLimiter build() {
      return new LocalRateLimiter(this);
    }
  }
}
