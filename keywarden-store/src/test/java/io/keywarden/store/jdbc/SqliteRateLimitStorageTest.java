package io.keywarden.store.jdbc;

import io.keywarden.core.ids.IdGenerator;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** Rate-limit storage on SQLite, in a temporary data directory. */
class SqliteRateLimitStorageTest extends RateLimitStorageContract {
  @TempDir static Path dataDir;

  @Override
  JdbcStore openStore(Clock clock, IdGenerator ids) {
    return JdbcStore.openSqlite(dataDir.resolve("data"), clock, ids);
  }

  @Override
  void afterClose() {}
}
