package io.keywarden.store.jdbc;

import io.keywarden.store.QuotaUsage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code quota_usage} table: one row per quota counter and period. Writes merge by keeping
 * the larger count, so nodes sharing a database never lower each other's count and a late batch
 * never undoes a newer one.
 */
final class QuotaRows {
  private QuotaRows() {}

  static List<QuotaUsage> since(Tx tx, long fromMicros) throws SQLException {
    return tx.list("SELECT counter_id, period_start, used FROM quota_usage WHERE period_start >= ?",
        rs -> new QuotaUsage(rs.getString(1), rs.getLong(2), rs.getLong(3)), fromMicros);
  }

  /** One batch; rows go in key order so that concurrent writers on PostgreSQL do not deadlock. */
  static void record(Tx tx, Collection<QuotaUsage> usage) throws SQLException {
    String max = tx.dialect() == Dialect.POSTGRESQL ? "GREATEST" : "MAX";
    List<Object[]> rows = new ArrayList<>(usage.size());
    usage.stream()
        .sorted(Comparator.comparing(QuotaUsage::counterId)
            .thenComparingLong(QuotaUsage::periodStartMicros))
        .forEach(u -> rows.add(new Object[] {u.counterId(), u.periodStartMicros(), u.used(), tx.now()}));
    tx.batch("INSERT INTO quota_usage (counter_id, period_start, used, updated_at)"
        + " VALUES (?, ?, ?, ?) ON CONFLICT (counter_id, period_start) DO UPDATE SET"
        + " used = " + max + "(quota_usage.used, excluded.used), updated_at = excluded.updated_at",
        rows);
  }

  static int prune(Tx tx, long beforeMicros) throws SQLException {
    return tx.update("DELETE FROM quota_usage WHERE period_start < ?", beforeMicros);
  }
}
