package io.keywarden.core.ratelimit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A quota per calendar month: a count and the month it belongs to, which restarts at zero at the
 * first instant of the next month in the policy's zone. The month's bounds are computed once per
 * month, not per request.
 */
final class CalendarCounter extends Counter {
  private final ZoneId zone;
  private long start = Long.MIN_VALUE;
  private long end = Long.MIN_VALUE;
  private long count;
  private final String counterId;
  private final QuotaLedger ledger;

  CalendarCounter(long id, ZoneId zone, String counterId, QuotaLedger ledger) {
    super(id);
    this.zone = zone;
    this.counterId = counterId;
    this.ledger = ledger;
  }

  @Override
  long used(long t) {
    if (t >= end) {
      LocalDate first = LocalDate.ofInstant(instant(t), zone).withDayOfMonth(1);
      start = micros(first.atStartOfDay(zone).toInstant());
      end = micros(first.plusMonths(1).atStartOfDay(zone).toInstant());
      count = ledger.recorded(counterId, start); // 0 unless counted before a restart

    }
    return count;
  }

  @Override
  void charge(long t, long cost) {
    count += cost;
    ledger.update(counterId, start, count);
  }

  @Override
  long emptyAt(long t) {
    return count == 0 ? t : end;
  }

  @Override
  long admissibleAt(long t, long need) {
    return count <= need ? t : end;
  }

  @Override
  long windowMicros(long t) {
    return end - start;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
