package io.keywarden.core.testing;

import io.keywarden.testkit.MutableClock;
import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.DecisionEngine;
import io.keywarden.core.decision.Realm;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Membership;
import java.time.Instant;
import java.util.List;

/**
 * A small deployment for decision tests: an access model, a hand-moved clock, an issuer and an
 * in-memory directory that issued keys, projects and memberships are put into.
 */
public final class AccessWorld {
  public static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  public final MutableClock clock = MutableClock.at(START);
  public final AccessModel model;
  public final KeyHasher hasher;
  public final IdGenerator ids;
  public final KeyIssuer issuer;
  public final InMemoryDirectory directory;
  public final DecisionEngine engine;

  public AccessWorld() {
    this(AccessModel.defaults(), Secrets.ringV1());
  }

  public AccessWorld(AccessModel model, SecretRing ring) {
    this.model = model;
    this.hasher = new KeyHasher(ring);
    this.ids = new IdGenerator(clock);
    this.issuer = new KeyIssuer(model, hasher, ids, clock);
    this.directory = new InMemoryDirectory(model);
    this.engine = new DecisionEngine(hasher, clock, Realm.ACCESS);
  }

  public String newWorkspace() {
    return ids.next("ws");
  }

  public String newProject(String workspaceId) {
    String id = ids.next("proj");
    directory.putProject(id, workspaceId);
    return id;
  }

  /** A new user who is a member of {@code workspaceId} with {@code role}, reaching every project. */
  public String newMember(String workspaceId, String role) {
    String userId = ids.next("usr");
    setMembership(workspaceId, userId, role, List.of(), null);
    return userId;
  }

  public void setMembership(
      String workspaceId, String userId, String role, List<String> reach, String defaultProjectId) {
    directory.putMembership(new Membership(
        workspaceId, userId, role, reach, defaultProjectId, clock.instant(), clock.instant()));
  }

  /** Issues a key with no workspace cap and stores it. */
  public IssuedKey issue(NewKeyRequest request) {
    IssuedKey issued = issuer.issue(request, null, "usr_test");
    directory.putKey(issued.key());
    return issued;
  }

  public IssuedKey userKey(String workspaceId, String userId, String... scopes) {
    return issue(NewKeyRequest.userKey(workspaceId, userId, "test key", List.of(scopes)));
  }

  public IssuedKey projectKey(String workspaceId, String projectId) {
    return issue(NewKeyRequest.projectKey(workspaceId, projectId, "project key"));
  }

  /** Replaces the stored form of a key, as the store does on revoke, disable or edit. */
  public void store(ApiKey key) {
    directory.putKey(key);
  }

  public Decision verify(VerifyRequest request) {
    return engine.verify(request, directory);
  }
}
