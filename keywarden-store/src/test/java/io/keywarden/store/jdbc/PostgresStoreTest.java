package io.keywarden.store.jdbc;

import io.keywarden.testkit.TestPostgres;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.Workspace;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL: {@code KEYWARDEN_TEST_PG_URL} when set, else an embedded
 * server (see {@link TestPostgres}), in a schema of this class's own.
 */
class PostgresStoreTest extends StoreContract {
  private TestPostgres.Schema schema;

  @Override
  JdbcStore openStore(Clock clock, IdGenerator ids) throws SQLException {
    schema = TestPostgres.freshSchema();
    return JdbcStore.open(schema.url(), null, null, clock, ids);
  }

  @Override
  void afterClose() throws SQLException {
    if (schema != null) {
      schema.close();
    }
  }

  @Override
  String expectedDialect() {
    return "postgresql";
  }

  @Override
  List<String> refuseAuditEvents(String action) {
    return List.of("""
        CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.action = '%s' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
          RETURN NEW;
        END $$""".formatted(action),
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events"
            + " FOR EACH ROW EXECUTE FUNCTION refuse_audit()");
  }

  @Override
  List<String> acceptAuditEvents() {
    return List.of("DROP TRIGGER refuse_audit ON audit_events", "DROP FUNCTION refuse_audit()");
  }

  @Test
  void idColumnsCompareAsBytesWhateverTheDatabaseCollation() throws SQLException {
    List<String> notBinary = new ArrayList<>();
    String sql = "SELECT table_name, column_name, collation_name FROM information_schema.columns"
        + " WHERE table_schema = ? AND (column_name = 'id' OR column_name LIKE '%\\_id')"
        + " AND data_type = 'text'";
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, schema.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!"C".equals(rs.getString(3))) {
            notBinary.add(rs.getString(1) + "." + rs.getString(2));
          }
        }
      }
    }
    assertThat(notBinary).isEmpty();
  }

  @Test
  void reopeningTheSameSchemaMigratesNothingTwice() {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);
    try (JdbcStore again = JdbcStore.open(schema.url(), null, null, clock, ids)) {
      assertThat(again.workspace(w.id())).contains(w);
    }
    assertThat(count("flyway_schema_history"))
        .isEqualTo((long) MigrationResources.index("db/migration/postgresql").size());
  }
}
