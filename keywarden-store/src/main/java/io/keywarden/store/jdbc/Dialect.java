package io.keywarden.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The SQL dialects the store speaks, and the few places where they differ. */
enum Dialect {
  SQLITE("sqlite", "classpath:db/migration/sqlite", 4, "", ""),
  POSTGRESQL("postgresql", "classpath:db/migration/postgresql", 10, " FOR SHARE", " FOR UPDATE");

  private final String id;
  private final String migrations;
  private final int poolSize;
  private final String forShare;
  private final String forUpdate;

  Dialect(String id, String migrations, int poolSize, String forShare, String forUpdate) {
    this.id = id;
    this.migrations = migrations;
    this.poolSize = poolSize;
    this.forShare = forShare;
    this.forUpdate = forUpdate;
  }

  /** The dialect of a JDBC URL. */
  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("jdbcUrl must start with jdbc:sqlite: or jdbc:postgresql:");
  }

  /** {@code sqlite} or {@code postgresql}. */
  String id() {
    return id;
  }

  /** The Flyway location of this dialect's migrations. */
  String migrations() {
    return migrations;
  }

  int poolSize() {
    return poolSize;
  }

  /**
   * The clause that locks the rows a reference check read until the transaction ends, so that a
   * concurrent delete waits for it. Empty for SQLite, whose writers are serialized anyway.
   */
  String forShare() {
    return forShare;
  }

  /** The clause that locks the rows a write is about to change. Empty for SQLite. */
  String forUpdate() {
    return forUpdate;
  }

  /** Whether writes must be serialized in this process (a single writer). */
  boolean singleWriter() {
    return this == SQLITE;
  }

  /** Whether {@code e} is a unique or primary key violation. */
  boolean isUniqueViolation(SQLException e) {
    if (this == POSTGRESQL) {
      return "23505".equals(e.getSQLState());
    }
    return e instanceof SQLiteException s
        && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
            || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
  }

  /** Whether {@code e} is a deadlock or serialization failure, after which a retry may succeed. */
  boolean isRetryable(SQLException e) {
    return this == POSTGRESQL && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()));
  }

  /** Whether {@code e} means the database cannot be reached. */
  boolean isUnavailable(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("08")) || e instanceof SQLTransientConnectionException;
  }
}
