package io.keywarden.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.store.StoreListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The connection pool, the migrations and the transaction runner.
 *
 * <p>Reads run in auto-commit mode. A write runs {@link Work} in one transaction, commits, then
 * tells the listeners what changed; a listener that throws is logged and does not undo anything.
 *
 * <p>SQLite allows one writer at a time. Writers are serialized here by a fair lock, and each
 * write transaction starts with {@code BEGIN IMMEDIATE} (sqlite-jdbc's transaction mode), so a
 * transaction never upgrades a read lock to a write lock halfway and fails with {@code
 * SQLITE_BUSY}; {@code busy_timeout} covers other processes opening the same file. sqlite-jdbc
 * begins the next transaction as soon as one commits, so the lock is held until the connection is
 * back in auto-commit mode. PostgreSQL writers run concurrently at READ COMMITTED; reference
 * checks lock what they read ({@code FOR SHARE}) and deadlocks are retried.
 */
final class Database implements AutoCloseable {
  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Tx tx) throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  private static final int SQLITE_BUSY_TIMEOUT_MS = 5000;
  private static final long CONNECTION_TIMEOUT_MS = 5000;
  private static final int MAX_ATTEMPTS = 3;

  private final Dialect dialect;
  private final HikariDataSource pool;
  private final Clock clock;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();

  private Database(Dialect dialect, HikariDataSource pool, Clock clock) {
    this.dialect = dialect;
    this.pool = pool;
    this.clock = clock;
  }

  /** Opens the pool for {@code jdbcUrl} and migrates the schema to the latest version. */
  static Database open(String jdbcUrl, String user, String password, Clock clock) {
    Dialect dialect = Dialect.of(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setPoolName("keywarden-" + dialect.id());
    config.setMaximumPoolSize(dialect.poolSize());
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    if (dialect == Dialect.SQLITE) {
      config.setDataSource(sqlite(jdbcUrl));
    } else {
      config.setJdbcUrl(jdbcUrl);
      if (user != null) {
        config.setUsername(user);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.addDataSourceProperty("ApplicationName", "keywarden");
    }
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations(dialect.migrations())
          .resourceProvider(new MigrationResources(dialect.migrations().substring("classpath:".length())))
          .javaMigrationClassProvider(java.util.List::of)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(dialect, pool, clock);
  }

  /**
   * Every SQLite connection gets WAL mode, {@code synchronous=FULL}, foreign keys, a busy
   * timeout and {@code BEGIN IMMEDIATE} transactions.
   */
  private static DataSource sqlite(String jdbcUrl) {
    if (jdbcUrl.contains(":memory:") || jdbcUrl.contains("mode=memory")) {
      throw new IllegalArgumentException(
          "an in-memory SQLite database is private to one connection; give a file");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl(jdbcUrl);
    return source;
  }

  Dialect dialect() {
    return dialect;
  }

  DataSource dataSource() {
    return pool;
  }

  void addListener(StoreListener listener) {
    listeners.add(listener);
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  <T> T read(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(newTx(c));
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** Runs {@code work} in one transaction, then announces its changes. */
  <T> T write(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Tx tx;
      T result;
      boolean locked = dialect.singleWriter();
      if (locked) {
        writeLock.lock();
      }
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          tx = newTx(c);
          result = work.run(tx);
          c.commit();
        } catch (SQLException | RuntimeException | Error e) {
          rollback(c, e);
          throw e;
        } finally {
          endTransaction(c);
        }
      } catch (SQLException e) {
        if (attempt < MAX_ATTEMPTS && dialect.isRetryable(e)) {
          continue;
        }
        throw translate(e);
      } finally {
        if (locked) {
          writeLock.unlock();
        }
      }
      announce(tx.changes());
      return result;
    }
  }

  private Tx newTx(Connection c) {
    return new Tx(c, dialect, Instant.ofEpochMilli(clock.millis()));
  }

  private void announce(List<Consumer<StoreListener>> changes) {
    for (Consumer<StoreListener> change : changes) {
      for (StoreListener listener : listeners) {
        try {
          change.accept(listener);
        } catch (RuntimeException e) {
          LOG.warn("store listener {} failed; the change is committed", listener, e);
        }
      }
    }
  }

  /** Back to auto-commit, which ends the transaction sqlite-jdbc began after the commit. */
  private static void endTransaction(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.debug("could not reset auto-commit; the pool resets it on return", e);
    }
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private RuntimeException translate(SQLException e) {
    if (dialect.isUniqueViolation(e)) {
      return KeywardenException.conflict(null, "The change conflicts with existing data.");
    }
    if (dialect.isUnavailable(e)) {
      LOG.warn("database unavailable", e);
      return new KeywardenException(ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable.");
    }
    return new IllegalStateException("database operation failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
