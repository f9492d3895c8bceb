package io.keywarden.store;

import java.util.Objects;

/**
 * Units a quota counter has counted in one period, as the quota ledger stores them.
 *
 * @param counterId the counter's stable id ({@code QuotaLedger.counterId})
 * @param periodStartMicros the start of the period, epoch microseconds
 * @param used units counted in the period
 */
public record QuotaUsage(String counterId, long periodStartMicros, long used) {
  public QuotaUsage {
    Objects.requireNonNull(counterId, "counterId");
  }
}
