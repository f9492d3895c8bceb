package io.keywarden.store.jdbc;

import io.keywarden.store.StoreListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One unit of work on one connection: small JDBC helpers, and the changes to announce to
 * listeners once the work has committed.
 *
 * <p>Parameters bind by Java type: {@link Instant} as epoch milliseconds, {@code null} as an
 * untyped SQL null.
 */
final class Tx {
  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final Dialect dialect;
  private final Instant now;
  private final List<Consumer<StoreListener>> changes = new ArrayList<>();

  Tx(Connection connection, Dialect dialect, Instant now) {
    this.connection = connection;
    this.dialect = dialect;
    this.now = now;
  }

  Dialect dialect() {
    return dialect;
  }

  /** The time of this unit of work, in whole milliseconds: every row it writes carries it. */
  Instant now() {
    return now;
  }

  <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
      return rows;
    }
  }

  <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  /** Whether {@code sql} returns at least one row. */
  boolean exists(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args);
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** Runs {@code sql} once per row of arguments, as one JDBC batch. */
  void batch(String sql, List<Object[]> rows) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        bind(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Queues a change to announce to every listener after the commit. */
  void onCommit(Consumer<StoreListener> change) {
    changes.add(change);
  }

  List<Consumer<StoreListener>> changes() {
    return changes;
  }

  private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      bind(ps, args);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      int p = i + 1;
      switch (args[i]) {
        case null -> ps.setNull(p, Types.NULL);
        case String s -> ps.setString(p, s);
        case Instant t -> ps.setLong(p, t.toEpochMilli());
        case Long n -> ps.setLong(p, n);
        case Integer n -> ps.setInt(p, n);
        case Boolean b -> ps.setBoolean(p, b);
        default -> throw new IllegalArgumentException("cannot bind a " + args[i].getClass().getName());
      }
    }
  }

  // ---- reading columns ----

  /** The epoch-millisecond column as an instant, or {@code null}. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  /** The integer column, or {@code null}. */
  static Integer integer(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
