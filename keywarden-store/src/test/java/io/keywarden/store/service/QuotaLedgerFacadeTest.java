package io.keywarden.store.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.store.QuotaUsage;
import io.keywarden.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade opens the quota ledger with the store and flushes it on close. */
class QuotaLedgerFacadeTest {
  static final Instant T0 = Instant.parse("2030-03-10T12:00:00Z");
  static final long MARCH = 1_898_553_600_000_000L; // 2030-03-01T00:00:00Z in microseconds
  static final String COUNTER = "monthly|month(Z)|workspace=ws_1";

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(T0);

  private Keywarden open(Duration quotaFlush) {
    return Keywarden.builder().dataDir(dir).clock(clock).lastUsedFlushInterval(Duration.ZERO)
        .quotaFlushInterval(quotaFlush).open();
  }

  @Test
  void aGracefulStopLosesNoQuotaCounting() {
    assertThat(Instant.ofEpochSecond(MARCH / 1_000_000)).isEqualTo(Instant.parse("2030-03-01T00:00:00Z"));
    try (Keywarden kw = open(Duration.ofHours(1))) {
      kw.quotaLedger().update(COUNTER, MARCH, 1234);
    }
    try (Keywarden kw = open(Duration.ofHours(1))) {
      assertThat(kw.quotaLedger().recorded(COUNTER, MARCH)).isEqualTo(1234);
    }
  }

  @Test
  void theFlushThreadWritesPendingCountsEveryInterval() {
    try (Keywarden kw = open(Duration.ofMillis(20))) {
      kw.quotaLedger().update(COUNTER, MARCH, 7);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (kw.quotaLedger().pending() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // waits on a real thread, not on time
      }
      assertThat(kw.store().quotaUsageSince(MARCH)).containsExactly(new QuotaUsage(COUNTER, MARCH, 7));
    }
  }
}
