package io.keywarden.store.testing;

import io.keywarden.testkit.MutableClock;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An embedded Keywarden on a real SQLite file in a temporary directory, with a workspace, two
 * projects and a member, for tests of the layers above the store.
 */
public final class Fixture implements AutoCloseable {
  public static final Actor ACTOR = new Actor("test", "127.0.0.1", "junit");

  public final MutableClock clock = MutableClock.atFixedStart();
  public final Keywarden kw;
  public final Workspace workspace;
  public final Project projectA;
  public final Project projectB;
  public final User user;

  public Fixture(Path dir) {
    this(dir, AccessModel.defaults());
  }

  public Fixture(Path dir, AccessModel model) {
    kw = Keywarden.builder()
        .dataDir(dir)
        .model(model)
        .clock(clock)
        .lastUsedFlushInterval(Duration.ZERO)
        .open();
    var store = kw.store();
    workspace = store.createWorkspace("Acme", model.defaultPlan(), null, ACTOR);
    projectA = store.createProject(workspace.id(), "alpha", ACTOR);
    projectB = store.createProject(workspace.id(), "beta", ACTOR);
    user = store.createUser("ada@example.com", "Ada", ACTOR);
    store.putMembership(workspace.id(), user.id(), "member", List.of(), projectA.id(), ACTOR);
  }

  /** A user key of {@link #user} with the given scopes. */
  public IssuedKey userKey(String... scopes) {
    return kw.keys().create(NewKeyRequest.userKey(workspace.id(), user.id(), "test key", List.of(scopes)), ACTOR);
  }

  @Override
  public void close() {
    kw.close();
  }
}
