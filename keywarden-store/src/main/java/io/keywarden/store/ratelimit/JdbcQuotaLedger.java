package io.keywarden.store.ratelimit;

import io.keywarden.core.ratelimit.QuotaLedger;
import io.keywarden.store.QuotaUsage;
import io.keywarden.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link QuotaLedger} on the store's database (table {@code quota_usage}): calendar quota
 * counts survive a restart and are shared by the nodes of a cluster.
 *
 * <p>{@link #open} loads the counts of every period that can still be current (periods that
 * started in the last {@value #LOOKBACK_DAYS} days: a calendar month in any zone) into memory,
 * keeping the newest period of each counter, and deletes rows older than {@value
 * #RETENTION_DAYS} days. From then on {@link #recorded} and {@link #update} only touch memory (a
 * {@link ConcurrentHashMap}): they never block, so the limiter may call them on event loops. An
 * update marks its counter dirty; {@link #flush} writes the dirty counts in one batched upsert
 * transaction that keeps, for each counter and period, the larger of the stored and the new count,
 * so two nodes never lower each other's count. A daemon thread flushes every {@code
 * flushInterval} (default {@value #DEFAULT_FLUSH_SECONDS} s), and {@link #close} flushes what is
 * left.
 *
 * <h2>Loss bound</h2>
 *
 * <p>A crash of the process (kill -9, power cut) loses at most the counting of the last flush
 * interval: after a restart a quota may admit up to that many more units in the period. A
 * graceful stop ({@link #close}) loses nothing. A flush that fails (database unreachable) keeps
 * its counts dirty and is retried at the next interval. Counts of older periods read as zero: a
 * period that is asked for and not the counter's newest known one starts from nothing.
 *
 * <p>Times come from the injected {@link Clock}.
 */
public final class JdbcQuotaLedger implements QuotaLedger, AutoCloseable {
  /** The default interval between flushes, in seconds. */
  public static final int DEFAULT_FLUSH_SECONDS = 5;
  /** The default interval between flushes. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(DEFAULT_FLUSH_SECONDS);
  /** Periods that started this many days ago or later may still be current, and are loaded. */
  public static final int LOOKBACK_DAYS = 32;
  /** Stored counts of periods that started longer ago than this are deleted at open. */
  public static final int RETENTION_DAYS = 400;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcQuotaLedger.class);

  /** A counter's count in one period. */
  private record Entry(long periodStart, long used) {}

  private final Store store;
  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> dirty = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final Object flushLock = new Object();
  private volatile boolean closed;

  private JdbcQuotaLedger(Store store, Clock clock, Duration flushInterval) {
    this.store = store;
    this.clock = clock;
    if (flushInterval.isZero()) {
      this.scheduler = null;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keywarden-quota-ledger");
        t.setDaemon(true);
        return t;
      });
      long nanos = flushInterval.toNanos();
      scheduler.scheduleWithFixedDelay(this::flushQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Opens a ledger that flushes every {@link #DEFAULT_FLUSH_INTERVAL}. */
  public static JdbcQuotaLedger open(Store store, Clock clock) {
    return open(store, clock, DEFAULT_FLUSH_INTERVAL);
  }

  /**
   * Loads the current periods' counts and starts flushing. Blocks on the database: call it at
   * start, not on an event loop.
   *
   * @param flushInterval between flushes; zero flushes only on {@link #flush} and {@link #close}
   */
  public static JdbcQuotaLedger open(Store store, Clock clock, Duration flushInterval) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    if (flushInterval == null || flushInterval.isNegative()) {
      throw new IllegalArgumentException("quota ledger flush interval must not be negative");
    }
    long now = nowMicros(clock);
    store.pruneQuotaUsage(now - Duration.ofDays(RETENTION_DAYS).toNanos() / 1000);
    List<QuotaUsage> rows = store.quotaUsageSince(now - Duration.ofDays(LOOKBACK_DAYS).toNanos() / 1000);
    JdbcQuotaLedger ledger = new JdbcQuotaLedger(store, clock, flushInterval);
    for (QuotaUsage u : rows) {
      ledger.counts.merge(u.counterId(), new Entry(u.periodStartMicros(), u.used()),
          (a, b) -> b.periodStart > a.periodStart ? b : a);
    }
    return ledger;
  }

  @Override
  public long recorded(String counterId, long periodStartMicros) {
    Entry e = counts.get(counterId);
    return e != null && e.periodStart == periodStartMicros ? e.used : 0;
  }

  /** Records the count in memory and marks it for the next flush; an older period than the counter's newest known one is ignored. */
  @Override
  public void update(String counterId, long periodStartMicros, long used) {
    Entry next = new Entry(periodStartMicros, used);
    counts.compute(counterId, (id, old) -> {
      if (old != null && old.periodStart > periodStartMicros) {
        return old;
      }
      dirty.put(id, next); // inside compute: dirty holds the latest count of each counter
      return next;
    });
  }

  /** How many counts wait for the next flush. */
  public int pending() {
    return dirty.size();
  }

  /**
   * Writes the dirty counts in one transaction and returns how many; blocks on the database.
   * Counts updated while it runs stay dirty for the next flush.
   *
   * @throws RuntimeException if the database refuses the write; the counts stay dirty
   */
  public int flush() {
    synchronized (flushLock) {
      if (dirty.isEmpty()) {
        pruneMemory();
        return 0;
      }
      Map<String, Entry> batch = new HashMap<>(dirty);
      List<QuotaUsage> rows = new ArrayList<>(batch.size());
      batch.forEach((id, e) -> rows.add(new QuotaUsage(id, e.periodStart, e.used)));
      store.recordQuotaUsage(rows);
      batch.forEach(dirty::remove); // only where no newer count arrived meanwhile
      pruneMemory();
      return rows.size();
    }
  }

  /** Forgets clean counts of periods that cannot be current any more. */
  private void pruneMemory() {
    long oldest = nowMicros(clock) - Duration.ofDays(LOOKBACK_DAYS).toNanos() / 1000;
    counts.entrySet().removeIf(e -> e.getValue().periodStart < oldest && !dirty.containsKey(e.getKey()));
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("quota ledger flush failed; {} counts stay pending and are retried", dirty.size(), e);
    }
  }

  /** Stops the flushing thread and writes what is pending. Closing twice does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("quota ledger flush thread did not stop in time");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  private static long nowMicros(Clock clock) {
    var i = clock.instant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
