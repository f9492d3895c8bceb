package io.keywarden.store.jdbc;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The child JVM of {@link SqliteKillDurabilityTest}: opens a SQLite store in the directory given
 * as its argument and inserts project keys until it is killed, printing {@code stored <id>} on
 * stdout only after {@code insertKey} has returned.
 */
public final class SqliteKillChild {
  static final String STORED = "stored ";

  private SqliteKillChild() {}

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    IdGenerator ids = new IdGenerator(clock);
    JdbcStore store = JdbcStore.openSqlite(Path.of(args[0]), clock, ids);
    Workspace w = store.createWorkspace("Durable", "free", null, Actor.SYSTEM);
    Project p = store.createProject(w.id(), "web", Actor.SYSTEM);
    KeyIssuer issuer = new KeyIssuer(AccessModel.defaults(),
        new KeyHasher(SecretRing.single(new byte[SecretRing.MIN_SECRET_BYTES])), ids, clock);
    for (int i = 0; ; i++) {
      NewKeyRequest request = NewKeyRequest.projectKey(w.id(), p.id(), "key " + i);
      ApiKey key = store.insertKey(issuer.issue(request, null, "test").key(), Actor.SYSTEM);
      System.out.println(STORED + key.id());
      System.out.flush();
    }
  }
}
