package io.keywarden.server.ratelimit.redis;

import io.keywarden.core.ratelimit.QuotaLedger;
import java.util.concurrent.ConcurrentHashMap;

/** A quota ledger that keeps counts in a map: what a persisted ledger holds after its last flush. */
final class InMemoryLedger implements QuotaLedger {
  private final ConcurrentHashMap<String, Long> counts = new ConcurrentHashMap<>();

  @Override
  public long recorded(String counterId, long periodStartMicros) {
    return counts.getOrDefault(counterId + "@" + periodStartMicros, 0L);
  }

  @Override
  public void update(String counterId, long periodStartMicros, long used) {
    counts.put(counterId + "@" + periodStartMicros, used);
  }
}
