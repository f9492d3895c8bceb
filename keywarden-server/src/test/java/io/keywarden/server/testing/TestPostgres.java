package io.keywarden.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * PostgreSQL for server tests: {@code KEYWARDEN_TEST_PG_URL} when set (CI points it at the local
 * server), else an embedded server started once per run. Each caller gets a schema of its own.
 */
public final class TestPostgres {
  private static String baseUrl;

  private TestPostgres() {}

  /** A JDBC URL selecting a new, empty schema. */
  public static String freshSchemaUrl() {
    String name = "kw_srv_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    String base = baseUrl();
    try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test schema", e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
  }

  private static synchronized String baseUrl() {
    if (baseUrl == null) {
      String configured = System.getenv("KEYWARDEN_TEST_PG_URL");
      if (configured != null && !configured.isBlank()) {
        baseUrl = configured;
      } else {
        try {
          baseUrl = EmbeddedPostgres.builder().setRegisterShutdownHook(true).start().getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start embedded PostgreSQL; set KEYWARDEN_TEST_PG_URL", e);
        }
      }
    }
    return baseUrl;
  }
}
