package io.keywarden.store.jdbc;

import io.keywarden.testkit.TestPostgres;
import io.keywarden.core.ids.IdGenerator;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Rate-limit storage on PostgreSQL ({@code KEYWARDEN_TEST_PG_URL} or an embedded server), in a
 * schema of this class's own.
 */
class PostgresRateLimitStorageTest extends RateLimitStorageContract {
  private TestPostgres.Schema schema;

  @Override
  JdbcStore openStore(Clock clock, IdGenerator ids) throws SQLException {
    if (schema == null) {
      schema = TestPostgres.freshSchema();
    }
    return JdbcStore.open(schema.url(), null, null, clock, ids);
  }

  @Override
  void afterClose() throws SQLException {
    if (schema != null) {
      schema.close();
    }
  }
}
