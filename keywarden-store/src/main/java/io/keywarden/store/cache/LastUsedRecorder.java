package io.keywarden.store.cache;

import io.keywarden.core.decision.ResolvedKey;
import io.keywarden.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code last_used_at} in memory and writes it to the store in batches.
 *
 * <p><b>Accuracy.</b> A key's use is queued at most once per second (the first use in each
 * second, found with one compare-and-set on the cached key), and the queue is flushed every
 * {@code flushInterval} (1 s by default). So the stored value is at most 1 s older than the true
 * last use, and it reaches the database at most one flush interval later. {@link #close()} flushes
 * what is queued, so a graceful shutdown loses nothing; a crash loses at most the last interval.
 * A failed flush is retried with the next one.
 */
public final class LastUsedRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LastUsedRecorder.class);

  private record Use(String keyId, long millis) {}

  private final Store store;
  private final Clock clock;
  private final ConcurrentLinkedQueue<Use> queue = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService scheduler;
  private final Map<String, Instant> retry = new HashMap<>();

  /**
   * @param flushInterval how often to write; {@code null} or zero for manual {@link #flush()} only
   */
  public LastUsedRecorder(Store store, Clock clock, Duration flushInterval) {
    this.store = store;
    this.clock = clock;
    if (flushInterval == null || flushInterval.isZero()) {
      this.scheduler = null;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keywarden-last-used");
        t.setDaemon(true);
        return t;
      });
      long ms = flushInterval.toMillis();
      scheduler.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** Notes a successful use of the key now; cheap, and allocates at most once per key per second. */
  public void used(ResolvedKey key) {
    used(key, clock.millis());
  }

  /** Notes a use at {@code nowMillis}, a clock reading the caller already has. */
  public void used(ResolvedKey key, long nowMillis) {
    long now = nowMillis;
    if (key.markUsed(Math.floorDiv(now, 1000))) {
      queue.offer(new Use(key.key().id(), now));
    }
  }

  /** Writes everything queued. Called by the scheduler, by {@link #close()} and by tests. */
  public synchronized int flush() {
    Map<String, Instant> batch = new HashMap<>(retry);
    Use u;
    while ((u = queue.poll()) != null) {
      Instant at = Instant.ofEpochMilli(u.millis());
      batch.merge(u.keyId(), at, (a, b) -> a.isAfter(b) ? a : b);
    }
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      store.recordLastUsed(batch);
      retry.clear();
      return batch.size();
    } catch (RuntimeException e) {
      retry.clear();
      retry.putAll(batch);
      throw e;
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("Could not record last use of keys; will retry: {}", e.toString());
    }
  }

  /** Stops the scheduler and flushes what is queued. */
  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flushQuietly();
  }
}
