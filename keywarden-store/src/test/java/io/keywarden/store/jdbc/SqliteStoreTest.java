package io.keywarden.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, in a temporary data directory. */
class SqliteStoreTest extends StoreContract {
  @TempDir static Path dataDir;

  @Override
  JdbcStore openStore(Clock clock, IdGenerator ids) {
    return JdbcStore.openSqlite(dataDir.resolve("data"), clock, ids);
  }

  @Override
  void afterClose() {}

  @Override
  String expectedDialect() {
    return "sqlite";
  }

  @Override
  List<String> refuseAuditEvents(String action) {
    return List.of("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events WHEN NEW.action = '"
        + action + "' BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END");
  }

  @Override
  List<String> acceptAuditEvents() {
    return List.of("DROP TRIGGER refuse_audit");
  }

  @Test
  void everyConnectionIsWalFullySyncedWithForeignKeysAndABusyTimeout() throws SQLException {
    for (int i = 0; i < 6; i++) {
      try (Connection c = store.dataSource().getConnection()) {
        assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
        assertThat(pragma(c, "synchronous")).isEqualTo("2");
        assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
        assertThat(pragma(c, "busy_timeout")).isEqualTo("5000");
      }
    }
  }

  @Test
  void theDatabaseFileLivesInTheDataDirectory() {
    assertThat(dataDir.resolve("data").resolve(JdbcStore.SQLITE_FILE)).isRegularFile();
  }

  @Test
  void reopeningKeepsEverythingAndMigratesNothingTwice(@TempDir Path dir) throws SQLException {
    Workspace w;
    try (JdbcStore first = JdbcStore.open("jdbc:sqlite:" + dir.resolve("k.db"), null, null, clock, ids)) {
      w = first.createWorkspace("Acme", "free", null, ACTOR);
    }
    try (JdbcStore second = JdbcStore.openSqlite(dir.resolve("other"), clock, ids);
        JdbcStore again = JdbcStore.open("jdbc:sqlite:" + dir.resolve("k.db"), null, null, clock, ids);
        Connection c = again.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(MigrationResources.index("db/migration/sqlite").size());
      assertThat(again.workspace(w.id())).contains(w);
      assertThat(second.workspace(w.id())).isEmpty();
    }
  }

  @Test
  void onlySqliteAndPostgresqlFilesOrServersCanBeOpened(@TempDir Path dir) {
    assertThatThrownBy(() -> JdbcStore.open("jdbc:mysql://localhost/kw", null, null, clock, ids))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JdbcStore.open("jdbc:sqlite::memory:", null, null, clock, ids))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir).isEmptyDirectory();
    assertThat(Files.exists(dir.resolve(JdbcStore.SQLITE_FILE))).isFalse();
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
