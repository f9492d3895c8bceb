package io.keywarden.store.jdbc;

import io.keywarden.testkit.TestPostgres;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.KeyPatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys made by core's {@link KeyIssuer} go through every key operation, then the raw database is
 * searched for each key and for its random part: SQLite's files byte by byte (before and after a
 * WAL checkpoint, and after close), and every text column of every PostgreSQL table. The keys'
 * hashes are searched too, to prove that the search sees the data.
 */
class RawKeysNeverReachTheDatabaseTest {
  private static final Actor ACTOR = new Actor("user:usr_admin", "198.51.100.1", "raw-key-test");

  private final Clock clock = Clock.systemUTC();
  private final IdGenerator ids = new IdGenerator(clock);
  private final KeyIssuer issuer = new KeyIssuer(AccessModel.defaults(),
      new KeyHasher(SecretRing.single(randomSecret())), ids, clock);

  @Test
  void sqliteFilesHoldHashesButNoRawKey(@TempDir Path dir) throws Exception {
    List<IssuedKey> issued;
    try (JdbcStore store = JdbcStore.openSqlite(dir, clock, ids)) {
      issued = exercise(store);
      assertSqliteFilesClean(dir, issued);
      try (Connection c = store.dataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      assertSqliteFilesClean(dir, issued);
      assertThat(read(dir.resolve(JdbcStore.SQLITE_FILE))).contains(issued.getFirst().key().hash().toHex());
    }
    assertSqliteFilesClean(dir, issued);
  }

  @Test
  void postgresqlTextColumnsHoldHashesButNoRawKey() throws Exception {
    try (TestPostgres.Schema schema = TestPostgres.freshSchema();
        JdbcStore store = JdbcStore.open(schema.url(), null, null, clock, ids)) {
      List<IssuedKey> issued = exercise(store);
      List<String> values = new ArrayList<>();
      try (Connection c = store.dataSource().getConnection()) {
        for (String[] column : textColumns(c, schema.name())) {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(
                  "SELECT \"" + column[1] + "\" FROM \"" + column[0] + "\"")) {
            while (rs.next()) {
              values.add(column[0] + "." + column[1] + "=" + rs.getString(1));
            }
          }
        }
      }
      String all = String.join("\n", values);
      assertThat(all).contains(issued.getFirst().key().hash().toHex());
      for (IssuedKey k : issued) {
        assertThat(all).doesNotContain(k.secret()).doesNotContain(randomPart(k.secret()));
      }
    }
  }

  /** Makes user and project keys and puts them through update, revoke and rotation. */
  private List<IssuedKey> exercise(JdbcStore store) {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);
    Project p = store.createProject(w.id(), "web", ACTOR);
    User u = store.createUser("ada@example.com", "Ada", ACTOR);
    store.putMembership(w.id(), u.id(), "admin", List.of(), null, ACTOR);
    List<IssuedKey> issued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      issued.add(issuer.issue(
          NewKeyRequest.userKey(w.id(), u.id(), "user key " + i, List.of("read")), null, "test"));
      issued.add(issuer.issue(NewKeyRequest.projectKey(w.id(), p.id(), "project key " + i), null, "test"));
    }
    for (IssuedKey k : issued) {
      store.insertKey(k.key(), ACTOR);
    }
    ApiKey first = issued.getFirst().key();
    store.updateKey(first.id(), new KeyPatch("renamed", null, null, List.of(p.id()), null, null,
        null, null, false), ACTOR);
    IssuedKey successor = issuer.successor(first, "test");
    store.rotateKey(first.id(), successor.key(), null, ACTOR);
    issued.add(successor);
    store.revokeKey(issued.get(1).key().id(), clock.instant(), ACTOR);
    store.recordLastUsed(Map.of(issued.get(2).key().id(), clock.instant()));
    return issued;
  }

  private static void assertSqliteFilesClean(Path dir, List<IssuedKey> issued) throws IOException {
    StringBuilder all = new StringBuilder();
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path file = dir.resolve(JdbcStore.SQLITE_FILE + suffix);
      if (Files.exists(file)) {
        all.append(read(file)).append('\n');
      }
    }
    assertThat(all).contains(issued.getLast().key().hash().toHex());
    for (IssuedKey k : issued) {
      assertThat(all).doesNotContain(k.secret()).doesNotContain(randomPart(k.secret()));
    }
  }

  /** The file's bytes one char each, so that an ASCII key is found wherever it lies. */
  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
  }

  private static String randomPart(String secret) {
    int bodyStart = secret.length() - KeyFormat.BODY_LENGTH;
    return secret.substring(bodyStart, bodyStart + KeyFormat.RANDOM_LENGTH);
  }

  private static List<String[]> textColumns(Connection c, String schema) throws SQLException {
    List<String[]> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name"
        + " FROM information_schema.columns WHERE table_schema = ?"
        + " AND data_type IN ('text', 'character varying')")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    assertThat(columns).hasSizeGreaterThan(20);
    return columns;
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[SecretRing.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
