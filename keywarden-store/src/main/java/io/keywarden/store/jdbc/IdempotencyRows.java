package io.keywarden.store.jdbc;

import io.keywarden.store.IdempotentAnswer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code idempotency_keys} table. A reservation is one {@code INSERT … ON CONFLICT DO
 * NOTHING} on the primary key (owner, key), so of two concurrent requests with the same key
 * exactly one reserves it; the other reads the row the first one holds. Expired rows are swept by
 * the reservation itself, through the index on {@code created_at}.
 */
final class IdempotencyRows {
  private IdempotencyRows() {}

  static Optional<IdempotentAnswer> reserve(Tx tx, String owner, String key, String requestHash,
      Instant expiredBefore) throws SQLException {
    tx.update("DELETE FROM idempotency_keys WHERE created_at < ?", expiredBefore);
    int inserted = tx.update("INSERT INTO idempotency_keys (owner_id, idem_key, request_hash,"
        + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, idem_key) DO NOTHING",
        owner, key, requestHash, tx.now());
    if (inserted == 1) {
      return Optional.empty();
    }
    return tx.one("SELECT request_hash, status, body, created_at FROM idempotency_keys"
        + " WHERE owner_id = ? AND idem_key = ?", rs -> new IdempotentAnswer(
            rs.getString(1), Tx.integer(rs, "status"), rs.getString(3), Tx.instant(rs, "created_at")),
        owner, key);
  }

  static void complete(Tx tx, String owner, String key, int status, String body) throws SQLException {
    tx.update("UPDATE idempotency_keys SET status = ?, body = ? WHERE owner_id = ? AND idem_key = ?",
        status, body, owner, key);
  }

  static void release(Tx tx, String owner, String key) throws SQLException {
    tx.update("DELETE FROM idempotency_keys WHERE owner_id = ? AND idem_key = ? AND status IS NULL",
        owner, key);
  }
}
