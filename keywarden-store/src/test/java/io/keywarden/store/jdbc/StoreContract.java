package io.keywarden.store.jdbc;

import io.keywarden.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.Page;
import io.keywarden.store.OperatorKeyFilter;
import io.keywarden.store.PageRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link io.keywarden.store.Store} dialect must show, run against a real
 * database by each subclass. Each test starts from empty tables and a clock standing at {@link
 * #T0}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Actor ACTOR = new Actor("user:usr_admin", "203.0.113.7", "contract-test/1.0");
  private static final List<String> TABLES =
      List.of("idempotency_keys", "plans", "key_metadata", "audit_events", "admin_key_origins", "api_keys",
          "memberships", "projects", "users", "workspaces");

  final MutableClock clock = MutableClock.at(T0);
  final IdGenerator ids = new IdGenerator(clock);
  final RecordingListener listener = new RecordingListener();
  JdbcStore store;

  /** Opens the store under test; called once per class. */
  abstract JdbcStore openStore(Clock clock, IdGenerator ids) throws Exception;

  /** Releases what {@link #openStore} took, after the store is closed. */
  abstract void afterClose() throws Exception;

  abstract String expectedDialect();

  /** Statements that make the database refuse audit events with {@code action}. */
  abstract List<String> refuseAuditEvents(String action);

  /** Statements that undo {@link #refuseAuditEvents}. */
  abstract List<String> acceptAuditEvents();

  @BeforeAll
  final void openTheStore() throws Exception {
    store = openStore(clock, ids);
    store.addListener(listener);
  }

  @AfterAll
  final void closeTheStore() throws Exception {
    if (store != null) {
      store.close();
    }
    afterClose();
  }

  @BeforeEach
  final void startEmpty() throws SQLException {
    for (String table : TABLES) {
      sql("DELETE FROM " + table);
    }
    clock.set(T0);
    listener.clear();
  }

  // ---- workspaces and projects ----

  @Test
  void createdWorkspaceReadsBackAsCreated() {
    Workspace w = store.createWorkspace("Acme", "pro", 90, ACTOR);

    assertThat(w.id()).startsWith("ws_");
    assertThat(w.createdAt()).isEqualTo(T0);
    assertThat(store.workspace(w.id())).contains(w);
    assertThat(store.workspaces(PageRequest.first()).items()).containsExactly(w);
    assertThat(listener.heard()).containsExactly("workspace:" + w.id());
  }

  @Test
  void updatingAWorkspaceKeepsWhatIsNotGivenAndCanClearTheTtlCap() {
    Workspace w = store.createWorkspace("Acme", "free", 30, ACTOR);
    clock.advance(Duration.ofMinutes(5));

    Workspace renamed = store.updateWorkspace(w.id(), "Acme Inc", null, null, false, ACTOR);
    clock.advance(Duration.ofMinutes(5));
    Workspace cleared = store.updateWorkspace(w.id(), null, "team", null, true, ACTOR);

    assertThat(renamed).isEqualTo(new Workspace(w.id(), "Acme Inc", "free", 30, T0, T0.plus(Duration.ofMinutes(5))));
    assertThat(cleared).isEqualTo(new Workspace(w.id(), "Acme Inc", "team", null, T0, clock.instant()));
    assertThat(store.workspace(w.id())).contains(cleared);
    assertThat(newestEvent().details()).isEqualTo("{\"plan\":\"team\",\"max_ttl_days\":null}");
    assertInvalid(() -> store.updateWorkspace(w.id(), null, null, 7, true, ACTOR), "max_ttl_days");
  }

  @Test
  void unknownTargetsAreNotFound() {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);

    assertNotFound(() -> store.updateWorkspace("ws_nope", "x", null, null, false, ACTOR), "Workspace not found.");
    assertNotFound(() -> store.deleteWorkspace("ws_nope", ACTOR), "Workspace not found.");
    assertNotFound(() -> store.updateProject("proj_nope", "x", ACTOR), "Project not found.");
    assertNotFound(() -> store.deleteProject("proj_nope", ACTOR), "Project not found.");
    assertNotFound(() -> store.updateUser("usr_nope", null, "x", ACTOR), "User not found.");
    assertNotFound(() -> store.deleteUser("usr_nope", ACTOR), "User not found.");
    assertNotFound(() -> store.removeMembership(w.id(), "usr_nope", ACTOR), "Membership not found.");
    assertNotFound(() -> store.updateKey("key_nope", KeyPatch.none(), ACTOR), "Key not found.");
    assertNotFound(() -> store.revokeKey("key_nope", T0, ACTOR), "Key not found.");
    assertNotFound(() -> store.rotateKey("key_nope", key().operator().build(), null, ACTOR), "Key not found.");
    assertThat(store.workspace("ws_nope")).isEmpty();
    assertThat(store.project("proj_nope")).isEmpty();
    assertThat(store.user("usr_nope")).isEmpty();
    assertThat(store.key("key_nope")).isEmpty();
    assertThat(store.membership(w.id(), "usr_nope")).isEmpty();
  }

  @Test
  void referencesToUnknownThingsAreRejectedNamingTheField() {
    Workspace w = workspace();
    User u = member(w);

    assertInvalid(() -> store.createProject("ws_nope", "web", ACTOR), "workspace_id");
    assertInvalid(() -> store.insertKey(key().user("ws_nope", u.id()).build(), ACTOR), "workspace_id");
    assertInvalid(() -> store.putMembership("ws_nope", u.id(), "member", List.of(), null, ACTOR), "workspace_id");
    assertInvalid(() -> store.putMembership(w.id(), "usr_nope", "member", List.of(), null, ACTOR), "user_id");
    assertInvalid(() -> store.putMembership(w.id(), u.id(), "member", List.of(), "proj_nope", ACTOR), "default_project_id");
    assertThat(count("projects")).isZero();
    assertThat(count("api_keys")).isZero();
  }

  @Test
  void deletingAWorkspaceTakesEverythingInItButKeepsItsAuditTrail() {
    Workspace w = workspace();
    Project p = store.createProject(w.id(), "web", ACTOR);
    User u = member(w);
    ApiKey userKey = store.insertKey(key().user(w.id(), u.id()).build(), ACTOR);
    ApiKey projectKey = store.insertKey(key().project(w.id(), p.id()).build(), ACTOR);
    Workspace other = workspace();
    Project otherProject = store.createProject(other.id(), "api", ACTOR);
    listener.clear();

    store.deleteWorkspace(w.id(), ACTOR);

    assertThat(store.workspace(w.id())).isEmpty();
    assertThat(store.project(p.id())).isEmpty();
    assertThat(store.membership(w.id(), u.id())).isEmpty();
    assertThat(store.key(userKey.id())).isEmpty();
    assertThat(store.keyByHash(projectKey.hash())).isEmpty();
    assertThat(store.user(u.id())).isPresent();
    assertThat(store.project(otherProject.id())).isPresent();
    assertThat(listener.heard()).containsExactlyInAnyOrder("key:" + userKey.id(),
        "key:" + projectKey.id(), "project:" + p.id(), "membership:" + w.id() + "/" + u.id(),
        "workspace:" + w.id());
    assertThat(actions(new AuditFilter(w.id(), null, null, null, null)))
        .contains("workspace.created", "project.created", "key.created", "workspace.deleted");
  }

  @Test
  void deletingAProjectDeletesItsKeysAndTakesItOutOfMemberships() {
    Workspace w = workspace();
    Project p1 = store.createProject(w.id(), "web", ACTOR);
    Project p2 = store.createProject(w.id(), "api", ACTOR);
    User a = user();
    User b = user();
    store.putMembership(w.id(), a.id(), "member", List.of(p1.id(), p2.id()), p1.id(), ACTOR);
    store.putMembership(w.id(), b.id(), "viewer", List.of(), p1.id(), ACTOR);
    ApiKey key1 = store.insertKey(key().project(w.id(), p1.id()).build(), ACTOR);
    ApiKey key2 = store.insertKey(key().project(w.id(), p2.id()).build(), ACTOR);
    ApiKey userKey = store.insertKey(key().user(w.id(), a.id()).projects(p1.id(), p2.id()).build(), ACTOR);
    listener.clear();
    long events = count("audit_events");

    store.deleteProject(p1.id(), ACTOR);

    assertThat(store.project(p1.id())).isEmpty();
    assertThat(store.key(key1.id())).isEmpty();
    assertThat(store.key(key2.id())).contains(key2);
    assertThat(store.key(userKey.id())).contains(userKey);
    assertThat(store.membership(w.id(), a.id()).orElseThrow())
        .extracting(Membership::projectIds, Membership::defaultProjectId)
        .containsExactly(List.of(p2.id()), null);
    assertThat(store.membership(w.id(), b.id()).orElseThrow())
        .extracting(Membership::projectIds, Membership::defaultProjectId)
        .containsExactly(List.of(), null);
    assertThat(count("audit_events")).isEqualTo(events + 4);
    assertThat(actions(AuditFilter.ALL)).contains("project.deleted", "key.deleted", "membership.updated");
    assertThat(listener.heard()).containsExactlyInAnyOrder("key:" + key1.id(),
        "membership:" + w.id() + "/" + a.id(), "membership:" + w.id() + "/" + b.id(),
        "project:" + p1.id());
  }

  @Test
  void deletingTheOnlyProjectOfAMembershipListNeverWidensItToAllProjects() {
    Workspace w = workspace();
    Project only = store.createProject(w.id(), "web", ACTOR);
    Project other = store.createProject(w.id(), "api", ACTOR);
    User u = user();
    store.putMembership(w.id(), u.id(), "member", List.of(only.id()), only.id(), ACTOR);

    store.deleteProject(only.id(), ACTOR);

    Membership m = store.membership(w.id(), u.id()).orElseThrow();
    assertThat(m.projectIds()).containsExactly(only.id());
    assertThat(m.defaultProjectId()).isNull();
    assertThat(m.reaches(other.id())).isFalse();
  }

  // ---- users and memberships ----

  @Test
  void duplicateEmailIsAConflictIgnoringCase() {
    User ada = store.createUser("Ada@Example.com", "Ada", ACTOR);
    User bob = store.createUser("bob@example.com", "Bob", ACTOR);

    assertConflict(() -> store.createUser("ada@example.COM", "Other Ada", ACTOR), "email");
    assertConflict(() -> store.updateUser(bob.id(), "ADA@example.com", null, ACTOR), "email");
    User renamed = store.updateUser(ada.id(), "ADA@EXAMPLE.COM", null, ACTOR);

    assertThat(renamed.email()).isEqualTo("ADA@EXAMPLE.COM");
    assertThat(store.user(bob.id()).orElseThrow().email()).isEqualTo("bob@example.com");
    assertThat(count("users")).isEqualTo(2);
  }

  @Test
  void revokingAUserDeletesNothingAndRevokesTheirKeys() {
    Workspace w1 = workspace();
    Workspace w2 = workspace();
    Project p = store.createProject(w1.id(), "web", ACTOR);
    User u = member(w1);
    store.putMembership(w2.id(), u.id(), "viewer", List.of(), null, ACTOR);
    User colleague = member(w1);
    ApiKey k1 = store.insertKey(key().user(w1.id(), u.id()).build(), ACTOR);
    ApiKey k2 = store.insertKey(key().user(w2.id(), u.id()).build(), ACTOR);
    ApiKey earlier = store.insertKey(key().user(w1.id(), u.id()).build(), ACTOR);
    store.revokeKey(earlier.id(), T0, ACTOR);
    ApiKey theirs = store.insertKey(key().user(w1.id(), colleague.id()).build(), ACTOR);
    ApiKey projectKey = store.insertKey(key().project(w1.id(), p.id()).build(), ACTOR);
    clock.advance(Duration.ofHours(1));
    listener.clear();
    long keys = count("api_keys");

    store.deleteUser(u.id(), ACTOR);

    assertThat(store.user(u.id())).isEmpty();
    assertThat(store.membership(w1.id(), u.id())).isEmpty();
    assertThat(store.membership(w2.id(), u.id())).isEmpty();
    assertThat(count("api_keys")).isEqualTo(keys);
    assertThat(store.key(k1.id()).orElseThrow().revokedAt()).isEqualTo(clock.instant());
    assertThat(store.key(k2.id()).orElseThrow().revokedAt()).isEqualTo(clock.instant());
    assertThat(store.key(earlier.id()).orElseThrow().revokedAt()).isEqualTo(T0);
    assertThat(store.key(theirs.id()).orElseThrow().revokedAt()).isNull();
    assertThat(store.key(projectKey.id()).orElseThrow().revokedAt()).isNull();
    assertThat(store.membership(w1.id(), colleague.id())).isPresent();
    assertThat(actions(new AuditFilter(null, null, null, clock.instant(), null)))
        .containsExactlyInAnyOrder("user.deleted", "membership.removed", "membership.removed",
            "key.revoked", "key.revoked");
    assertThat(listener.heard()).containsExactlyInAnyOrder("user:" + u.id(),
        "membership:" + w1.id() + "/" + u.id(), "membership:" + w2.id() + "/" + u.id(),
        "key:" + k1.id(), "key:" + k2.id());
  }

  @Test
  void putMembershipCreatesThenUpdatesKeepingCreatedAt() {
    Workspace w = workspace();
    Project p = store.createProject(w.id(), "web", ACTOR);
    User u = user();

    Membership first = store.putMembership(w.id(), u.id(), "viewer", List.of(), null, ACTOR);
    clock.advance(Duration.ofMinutes(1));
    Membership second = store.putMembership(w.id(), u.id(), "admin", List.of(p.id()), p.id(), ACTOR);

    assertThat(second).isEqualTo(
        new Membership(w.id(), u.id(), "admin", List.of(p.id()), p.id(), first.createdAt(), clock.instant()));
    assertThat(store.membership(w.id(), u.id())).contains(second);
    AuditEvent updated = event("membership.updated", w.id() + "/" + u.id());
    assertThat(updated.workspaceId()).isEqualTo(w.id());
    assertInvalid(() -> store.putMembership(w.id(), u.id(), "admin", List.of(p.id()), "proj_nope", ACTOR),
        "default_project_id");

    store.removeMembership(w.id(), u.id(), ACTOR);

    assertThat(store.membership(w.id(), u.id())).isEmpty();
    assertThat(event("membership.removed", w.id() + "/" + u.id()).details()).contains("\"role\":\"admin\"");
    assertNotFound(() -> store.removeMembership(w.id(), u.id(), ACTOR), "Membership not found.");
  }

  @Test
  void membershipsAreListedByUserIdNewestFirst() {
    Workspace w = workspace();
    Workspace other = workspace();
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      users.add(member(w).id());
    }
    member(other);

    List<String> listed = walkForward(page -> store.memberships(w.id(), page), 3, Membership::userId);

    assertThat(listed).isEqualTo(users.stream().sorted(Comparator.reverseOrder()).toList());
  }

  // ---- keys ----

  @Test
  void createdKeyIsFoundByItsHash() {
    Workspace w = workspace();
    Project p = store.createProject(w.id(), "web", ACTOR);
    User u = member(w);
    ApiKey k = key().user(w.id(), u.id()).projects(p.id()).expiresAt(T0.plus(Duration.ofDays(90))).build();

    ApiKey stored = store.insertKey(k, ACTOR);

    assertThat(stored).isEqualTo(k);
    assertThat(store.keyByHash(k.hash())).contains(k);
    assertThat(store.key(k.id())).contains(k);
    assertThat(store.keyByHash(KeyBuilder.randomHash())).isEmpty();
    assertThat(event("key.created", k.id()).details()).contains("\"display\":\"kw_sk_live_abcd\u2026wxyz\"");
    assertThat(listener.heard()).endsWith("key:" + k.id());
  }

  @Test
  void userKeyForNonMemberIsRejectedNamingUserId() {
    Workspace w = workspace();
    Workspace other = workspace();
    User stranger = user();
    store.putMembership(other.id(), stranger.id(), "admin", List.of(), null, ACTOR);

    Throwable e = catchThrowable(() -> store.insertKey(key().user(w.id(), stranger.id()).build(), ACTOR));

    assertThat(e).isInstanceOfSatisfying(KeywardenException.class, k -> {
      assertThat(k.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(k.field()).isEqualTo("user_id");
      assertThat(k.getMessage()).isEqualTo("user_id is not a member of the workspace.");
    });
  }

  @Test
  void projectOfAnotherWorkspaceIsReportedLikeAnUnknownOne() {
    Workspace w = workspace();
    Workspace other = workspace();
    Project foreign = store.createProject(other.id(), "theirs", ACTOR);
    User u = member(w);
    String unknown = "proj_" + "0".repeat(IdGenerator.BODY_LENGTH);

    assertSameFailure("project_id",
        () -> store.insertKey(key().project(w.id(), unknown).build(), ACTOR),
        () -> store.insertKey(key().project(w.id(), foreign.id()).build(), ACTOR), unknown, foreign.id());
    assertSameFailure("projects",
        () -> store.insertKey(key().user(w.id(), u.id()).projects(unknown).build(), ACTOR),
        () -> store.insertKey(key().user(w.id(), u.id()).projects(foreign.id()).build(), ACTOR),
        unknown, foreign.id());
    assertSameFailure("projects",
        () -> store.putMembership(w.id(), u.id(), "member", List.of(unknown), null, ACTOR),
        () -> store.putMembership(w.id(), u.id(), "member", List.of(foreign.id()), null, ACTOR),
        unknown, foreign.id());
    assertSameFailure("default_project_id",
        () -> store.putMembership(w.id(), u.id(), "member", List.of(), unknown, ACTOR),
        () -> store.putMembership(w.id(), u.id(), "member", List.of(), foreign.id(), ACTOR),
        unknown, foreign.id());
    assertThat(count("api_keys")).isZero();
  }

  @Test
  void operatorKeyNeedsNoWorkspaceButCannotHaveProjects() {
    ApiKey operator = store.insertKey(key().operator().build(), ACTOR);

    assertThat(store.keyByHash(operator.hash())).contains(operator);
    assertThat(ids(store.keys(new KeyFilter(null, null, null, KeyKind.OPERATOR, null), PageRequest.first())))
        .containsExactly(operator.id());
    assertInvalid(() -> store.insertKey(key().operator().projects("proj_x").build(), ACTOR), "projects");
    assertThat(event("key.created", operator.id()).workspaceId()).isNull();
  }

  @Test
  void duplicateHashOrIdIsAConflict() {
    ApiKey k = store.insertKey(key().operator().build(), ACTOR);

    assertConflict(() -> store.insertKey(key().operator().hash(k.hash()).build(), ACTOR), "hash");
    assertConflict(() -> store.insertKey(key().operator().id(k.id()).build(), ACTOR), "id");
    assertThat(count("api_keys")).isEqualTo(1);
  }

  @Test
  void failedInsertWritesNothingAndNoAuditEvent() {
    Workspace w = workspace();
    User stranger = user();
    long keys = count("api_keys");
    long events = count("audit_events");
    listener.clear();
    ApiKey rejected = key().user(w.id(), stranger.id()).build();

    assertThatThrownBy(() -> store.insertKey(rejected, ACTOR)).isInstanceOf(KeywardenException.class);

    assertThat(count("api_keys")).isEqualTo(keys);
    assertThat(count("audit_events")).isEqualTo(events);
    assertThat(store.keyByHash(rejected.hash())).isEmpty();
    assertThat(listener.heard()).isEmpty();
  }

  @Test
  void auditEventAndChangeCommitTogetherOrNotAtAll() throws SQLException {
    Workspace w = workspace();
    User u = member(w);
    ApiKey k = store.insertKey(key().user(w.id(), u.id()).build(), ACTOR);
    listener.clear();
    long events = count("audit_events");

    sql(refuseAuditEvents("user.deleted").toArray(String[]::new));
    try {
      assertThatThrownBy(() -> store.deleteUser(u.id(), ACTOR)).isInstanceOf(IllegalStateException.class);
    } finally {
      sql(acceptAuditEvents().toArray(String[]::new));
    }

    assertThat(store.user(u.id())).isPresent();
    assertThat(store.membership(w.id(), u.id())).isPresent();
    assertThat(store.key(k.id()).orElseThrow().revokedAt()).isNull();
    assertThat(count("audit_events")).isEqualTo(events);
    assertThat(listener.heard()).isEmpty();
  }

  @Test
  void updatingAKeyAppliesThePatchAndRechecksProjects() {
    Workspace w = workspace();
    Project p1 = store.createProject(w.id(), "web", ACTOR);
    Project p2 = store.createProject(w.id(), "api", ACTOR);
    Project foreign = store.createProject(workspace().id(), "theirs", ACTOR);
    User u = member(w);
    ApiKey k = store.insertKey(key().user(w.id(), u.id()).projects(p1.id()).build(), ACTOR);
    listener.clear();

    ApiKey updated = store.updateKey(k.id(), new KeyPatch("renamed", false, List.of("read", "write"),
        List.of(p2.id()), List.of(), null, "{\"a\":1}", T0.plus(Duration.ofDays(10)), false), ACTOR);

    assertThat(updated.name()).isEqualTo("renamed");
    assertThat(updated.enabled()).isFalse();
    assertThat(updated.scopes()).containsExactly("read", "write");
    assertThat(updated.projectIds()).containsExactly(p2.id());
    assertThat(updated.allowedIps()).isEmpty();
    assertThat(updated.metadata()).isEqualTo("{\"a\":1}");
    assertThat(updated.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(10)));
    assertThat(updated.hash()).isEqualTo(k.hash());
    assertThat(store.key(k.id())).contains(updated);
    assertThat(event("key.updated", k.id()).details()).startsWith("{\"name\":\"renamed\",\"enabled\":false,");
    assertThat(listener.heard()).containsExactly("key:" + k.id());

    assertInvalid(() -> store.updateKey(k.id(), new KeyPatch(null, null, null, List.of(foreign.id()),
        null, null, null, null, false), ACTOR), "projects");
    ApiKey forever = store.updateKey(k.id(), new KeyPatch(null, null, null, null, null, null, null, null, true), ACTOR);

    assertThat(forever.expiresAt()).isNull();
    assertThat(forever.projectIds()).containsExactly(p2.id());
  }

  @Test
  void revokingTwiceKeepsTheFirstRevocation() {
    ApiKey k = store.insertKey(key().operator().scopes("keys:read").build(), ACTOR);
    listener.clear();

    ApiKey first = store.revokeKey(k.id(), T0.plus(Duration.ofHours(1)), ACTOR);
    long events = count("audit_events");
    ApiKey second = store.revokeKey(k.id(), T0.plus(Duration.ofHours(2)), ACTOR);

    assertThat(first.revokedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(second).isEqualTo(first);
    assertThat(count("audit_events")).isEqualTo(events);
    assertThat(listener.heard()).containsExactly("key:" + k.id());
  }

  @Test
  void rotationLinksBothKeysAndNeverLengthensTheOldKeysLife() {
    Workspace w = workspace();
    User u = member(w);
    ApiKey old = store.insertKey(key().user(w.id(), u.id()).expiresAt(T0.plus(Duration.ofDays(90))).build(), ACTOR);
    ApiKey successor = key().user(w.id(), u.id()).expiresAt(T0.plus(Duration.ofDays(90))).build();
    listener.clear();

    ApiKey next = store.rotateKey(old.id(), successor, T0.plus(Duration.ofDays(1)), ACTOR);

    assertThat(next.id()).isEqualTo(successor.id());
    assertThat(next.replacesKeyId()).isEqualTo(old.id());
    ApiKey oldNow = store.key(old.id()).orElseThrow();
    assertThat(oldNow.replacedByKeyId()).isEqualTo(next.id());
    assertThat(oldNow.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(1)));
    assertThat(store.keyByHash(successor.hash())).contains(next);
    assertThat(actions(new AuditFilter(null, old.id(), null, null, null)))
        .containsExactlyInAnyOrder("key.created", "key.rotated");
    assertThat(actions(new AuditFilter(null, next.id(), null, null, null))).containsExactly("key.created");
    assertThat(listener.heard()).containsExactlyInAnyOrder("key:" + old.id(), "key:" + next.id());

    ApiKey shortLived = store.insertKey(key().user(w.id(), u.id()).expiresAt(T0.plus(Duration.ofHours(1))).build(), ACTOR);
    store.rotateKey(shortLived.id(), key().user(w.id(), u.id()).build(), T0.plus(Duration.ofDays(7)), ACTOR);
    assertThat(store.key(shortLived.id()).orElseThrow().expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void rotatingARevokedOrAlreadyRotatedKeyIsAConflict() {
    Workspace w = workspace();
    User u = member(w);
    ApiKey rotated = store.insertKey(key().user(w.id(), u.id()).build(), ACTOR);
    store.rotateKey(rotated.id(), key().user(w.id(), u.id()).build(), null, ACTOR);
    ApiKey revoked = store.insertKey(key().user(w.id(), u.id()).build(), ACTOR);
    store.revokeKey(revoked.id(), T0, ACTOR);
    ApiKey again = key().user(w.id(), u.id()).build();
    long events = count("audit_events");

    assertConflict(() -> store.rotateKey(rotated.id(), again, null, ACTOR), "key");
    assertConflict(() -> store.rotateKey(revoked.id(), again, null, ACTOR), "key");

    assertThat(store.keyByHash(again.hash())).isEmpty();
    assertThat(count("audit_events")).isEqualTo(events);
  }

  @Test
  void listenerHearsKeyChangedAfterRevocation() {
    ApiKey k = store.insertKey(key().operator().scopes("keys:read").build(), ACTOR);
    AtomicReference<String> seen = new AtomicReference<>();
    listener.onKeyChanged((id, hash) ->
        seen.set(id + " " + hash.equals(k.hash()) + " " + store.key(id).orElseThrow().revokedAt()));

    store.revokeKey(k.id(), T0.plus(Duration.ofMinutes(3)), ACTOR);

    assertThat(seen.get()).isEqualTo(k.id() + " true " + T0.plus(Duration.ofMinutes(3)));
  }

  @Test
  void listenerFailureDoesNotUndoTheChange() {
    ApiKey k = store.insertKey(key().operator().scopes("keys:read").build(), ACTOR);
    listener.onKeyChanged((id, hash) -> {
      throw new IllegalStateException("listener broke (expected by the test)");
    });

    ApiKey revoked = store.revokeKey(k.id(), T0, ACTOR);

    assertThat(revoked.revokedAt()).isEqualTo(T0);
    assertThat(store.key(k.id()).orElseThrow().revokedAt()).isEqualTo(T0);
  }

  @Test
  void lastUsedNeverMovesBackwards() {
    ApiKey a = store.insertKey(key().operator().build(), ACTOR);
    ApiKey b = store.insertKey(key().operator().build(), ACTOR);
    long events = count("audit_events");
    listener.clear();

    store.recordLastUsed(Map.of(a.id(), T0.plusSeconds(10), b.id(), T0.plusSeconds(5)));
    store.recordLastUsed(Map.of(a.id(), T0.plusSeconds(3), b.id(), T0.plusSeconds(8), "key_gone", T0));
    store.recordLastUsed(Map.of());

    assertThat(store.key(a.id()).orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(store.key(b.id()).orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(8));
    assertThat(count("audit_events")).isEqualTo(events);
    assertThat(listener.heard()).isEmpty();
  }

  @Test
  void keyStateFilterUsesTheClock() {
    ApiKey active = store.insertKey(key().operator().build(), ACTOR);
    ApiKey expiring = store.insertKey(key().operator().expiresAt(T0.plus(Duration.ofHours(1))).build(), ACTOR);
    ApiKey disabled = store.insertKey(key().operator().enabled(false).build(), ACTOR);
    ApiKey disabledExpiring = store.insertKey(
        key().operator().enabled(false).expiresAt(T0.plus(Duration.ofHours(1))).build(), ACTOR);
    ApiKey revoked = store.insertKey(key().operator().expiresAt(T0.plus(Duration.ofHours(1))).build(), ACTOR);
    store.revokeKey(revoked.id(), T0, ACTOR);

    assertThat(idsInState(KeyState.ACTIVE)).containsExactlyInAnyOrder(active.id(), expiring.id());
    assertThat(idsInState(KeyState.EXPIRED)).isEmpty();
    assertThat(idsInState(KeyState.DISABLED)).containsExactlyInAnyOrder(disabled.id(), disabledExpiring.id());
    assertThat(idsInState(KeyState.REVOKED)).containsExactly(revoked.id());
    assertStateFilterAgreesWithTheModel();

    clock.advance(Duration.ofHours(1));

    assertThat(idsInState(KeyState.ACTIVE)).containsExactly(active.id());
    assertThat(idsInState(KeyState.EXPIRED)).containsExactlyInAnyOrder(expiring.id(), disabledExpiring.id());
    assertThat(idsInState(KeyState.DISABLED)).containsExactly(disabled.id());
    assertThat(idsInState(KeyState.REVOKED)).containsExactly(revoked.id());
    assertStateFilterAgreesWithTheModel();
  }

  @Test
  void keyFiltersSelectByWorkspaceOwnerProjectAndKind() {
    Workspace w1 = workspace();
    Workspace w2 = workspace();
    Project p = store.createProject(w1.id(), "web", ACTOR);
    User u1 = member(w1);
    User u2 = member(w1);
    store.putMembership(w2.id(), u1.id(), "member", List.of(), null, ACTOR);
    String a = store.insertKey(key().user(w1.id(), u1.id()).build(), ACTOR).id();
    String b = store.insertKey(key().user(w1.id(), u2.id()).build(), ACTOR).id();
    String c = store.insertKey(key().project(w1.id(), p.id()).build(), ACTOR).id();
    String d = store.insertKey(key().user(w2.id(), u1.id()).build(), ACTOR).id();
    String e = store.insertKey(key().operator().build(), ACTOR).id();

    assertThat(keyIds(new KeyFilter(w1.id(), null, null, null, null))).containsExactlyInAnyOrder(a, b, c);
    assertThat(keyIds(new KeyFilter(null, u1.id(), null, null, null))).containsExactlyInAnyOrder(a, d);
    assertThat(keyIds(new KeyFilter(null, null, p.id(), null, null))).containsExactly(c);
    assertThat(keyIds(new KeyFilter(w1.id(), null, null, KeyKind.USER, null))).containsExactlyInAnyOrder(a, b);
    assertThat(keyIds(new KeyFilter(null, null, null, KeyKind.OPERATOR, null))).containsExactly(e);
    assertThat(keyIds(KeyFilter.ALL)).containsExactlyInAnyOrder(a, b, c, d, e);
    assertThat(keyIds(KeyFilter.ALL.withAccessKeysOnly())).containsExactlyInAnyOrder(a, b, c, d);
  }

  // ---- pagination ----

  @Test
  void cursorPagesWalkForwardAndBackOverEveryItemOnce() {
    Workspace w = workspace();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      all.add(store.createProject(w.id(), "p" + i, ACTOR).id());
    }
    store.createProject(workspace().id(), "elsewhere", ACTOR);
    Random random = new Random(45);
    for (int n = 45; n >= 0; n--) {
      List<String> expected = all.stream().sorted(Comparator.reverseOrder()).toList();
      for (int size = 1; size <= 7; size++) {
        assertWalksBothWays(page -> store.projects(w.id(), page), expected, size, Project::id);
      }
      if (n > 0) {
        store.deleteProject(all.remove(random.nextInt(all.size())), ACTOR);
      }
    }
  }

  @Test
  void idsOrderAsJavaStringsDo() {
    List<String> keyIds = List.of("key_0", "key_9", "key_A", "key_Z", "key_a", "key_z", "key_B1",
        "key_b0", "key_aA", "key_Aa", "key__");
    for (String id : keyIds) {
      store.insertKey(key().operator().id(id).build(), ACTOR);
    }
    List<String> expected = keyIds.stream().sorted(Comparator.reverseOrder()).toList();

    for (int size = 1; size <= 4; size++) {
      assertWalksBothWays(page -> store.keys(KeyFilter.ALL, page), expected, size, ApiKey::id);
    }
  }

  @Test
  void foreignCursorIsAnInvalidRequestNamingCursor() {
    store.insertKey(key().operator().build(), ACTOR);
    List<String> foreign = List.of("not a cursor", "%%%", base64("v2:key_x"), base64("key_x"),
        base64("v1:"), base64("v1:key x"), base64("v1:=" + "k".repeat(65)), "djE6a2V5X3g=x");

    for (String cursor : foreign) {
      assertThatThrownBy(() -> store.keys(KeyFilter.ALL, new PageRequest(10, cursor, null)))
          .as(cursor)
          .isInstanceOfSatisfying(KeywardenException.class, e -> {
            assertThat(e.field()).isEqualTo("cursor");
            assertThat(e.getMessage()).isEqualTo("cursor is not valid.");
          });
      assertThatThrownBy(() -> store.auditEvents(AuditFilter.ALL, new PageRequest(10, null, cursor)))
          .as(cursor)
          .isInstanceOfSatisfying(KeywardenException.class, e -> {
            assertThat(e.field()).isEqualTo("before");
            assertThat(e.getMessage()).isEqualTo("before is not valid.");
          });
    }
  }

  @Test
  void emptyPageAfterDeletesStillLeadsBackToTheRemainingItems() {
    Workspace w = workspace();
    List<String> desc = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      desc.add(store.createProject(w.id(), "p" + i, ACTOR).id());
    }
    desc.sort(Comparator.reverseOrder());
    Page<Project> second = store.projects(w.id(), new PageRequest(2, store.projects(w.id(),
        PageRequest.first(2)).nextCursor(), null));
    assertThat(second.items()).extracting(Project::id).containsExactly(desc.get(2), desc.get(3));

    store.deleteProject(desc.get(0), ACTOR);
    store.deleteProject(desc.get(1), ACTOR);
    Page<Project> nothingBefore = store.projects(w.id(), new PageRequest(2, null, second.prevCursor()));

    assertThat(nothingBefore.items()).isEmpty();
    assertThat(nothingBefore.hasMoreBefore()).isFalse();
    assertThat(nothingBefore.hasMore()).isTrue();
    assertThat(store.projects(w.id(), new PageRequest(2, nothingBefore.nextCursor(), null)).items())
        .extracting(Project::id).containsExactly(desc.get(2), desc.get(3));

    store.deleteProject(desc.get(4), ACTOR);
    Page<Project> nothingAfter = store.projects(w.id(), new PageRequest(2, second.nextCursor(), null));

    assertThat(nothingAfter.items()).isEmpty();
    assertThat(nothingAfter.hasMore()).isFalse();
    assertThat(nothingAfter.hasMoreBefore()).isTrue();
    assertThat(store.projects(w.id(), new PageRequest(2, null, nothingAfter.prevCursor())).items())
        .extracting(Project::id).containsExactly(desc.get(2), desc.get(3));
  }

  // ---- audit ----

  @Test
  void everyMutationAppendsOneAuditEventInTheSameTransaction() {
    Workspace w = oneEvent("workspace.created", () -> store.createWorkspace("Acme", "free", null, ACTOR));
    Workspace renamed = oneEvent("workspace.updated", () -> store.updateWorkspace(w.id(), "Acme 2", null, null, false, ACTOR));
    assertThat(newestEvent().at()).isEqualTo(renamed.updatedAt());
    Project p = oneEvent("project.created", () -> store.createProject(w.id(), "web", ACTOR));
    oneEvent("project.updated", () -> store.updateProject(p.id(), "www", ACTOR));
    User u = oneEvent("user.created", () -> store.createUser("ada@example.com", "Ada", ACTOR));
    oneEvent("user.updated", () -> store.updateUser(u.id(), null, "Ada L.", ACTOR));
    oneEvent("membership.created", () -> store.putMembership(w.id(), u.id(), "member", List.of(), null, ACTOR));
    oneEvent("membership.updated", () -> store.putMembership(w.id(), u.id(), "admin", List.of(), null, ACTOR));
    ApiKey k = oneEvent("key.created", () -> store.insertKey(key().user(w.id(), u.id()).build(), ACTOR));
    oneEvent("key.updated", () -> store.updateKey(k.id(), KeyPatch.none(), ACTOR));
    oneEvent("key.revoked", () -> store.revokeKey(k.id(), clock.instant(), ACTOR));
    oneEvent("membership.removed", () -> {
      store.removeMembership(w.id(), u.id(), ACTOR);
      return null;
    });
    oneEvent("project.deleted", () -> {
      store.deleteProject(p.id(), ACTOR);
      return null;
    });
    oneEvent("user.deleted", () -> {
      store.deleteUser(u.id(), ACTOR);
      return null;
    });
    oneEvent("workspace.deleted", () -> {
      store.deleteWorkspace(w.id(), ACTOR);
      return null;
    });

    assertThat(count("audit_events")).isEqualTo(15);
  }

  @Test
  void auditEventsFilterByWorkspaceTargetActionAndTime() {
    Workspace w1 = workspace();
    clock.advance(Duration.ofHours(1));
    Workspace w2 = workspace();
    Project p = store.createProject(w1.id(), "web", ACTOR);

    assertThat(actions(new AuditFilter(w1.id(), null, null, null, null)))
        .containsExactlyInAnyOrder("workspace.created", "project.created");
    assertThat(actions(new AuditFilter(null, w2.id(), null, null, null))).containsExactly("workspace.created");
    assertThat(events(new AuditFilter(null, null, "project.created", null, null)))
        .extracting(AuditEvent::targetId).containsExactly(p.id());
    assertThat(events(new AuditFilter(null, null, null, T0.plus(Duration.ofHours(1)), null)))
        .extracting(AuditEvent::targetId).containsExactlyInAnyOrder(w2.id(), p.id());
    assertThat(events(new AuditFilter(null, null, null, null, T0.plus(Duration.ofHours(1)))))
        .extracting(AuditEvent::targetId).containsExactly(w1.id());
    AuditEvent e = events(new AuditFilter(null, p.id(), null, null, null)).getFirst();
    assertThat(e).extracting(AuditEvent::actor, AuditEvent::clientIp, AuditEvent::userAgent,
            AuditEvent::targetType, AuditEvent::workspaceId, AuditEvent::details)
        .containsExactly(ACTOR.id(), ACTOR.clientIp(), ACTOR.userAgent(), "project", w1.id(),
            "{\"name\":\"web\"}");
  }

  // ---- the database ----

  @Test
  void concurrentWritersAllCommit() throws Exception {
    Workspace w = workspace();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Project>> futures = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        int n = i;
        futures.add(pool.submit(() -> store.createProject(w.id(), "p" + n, ACTOR)));
      }
      for (Future<Project> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(count("projects")).isEqualTo(80);
    assertThat(count("audit_events")).isEqualTo(81);
  }

  @Test
  void racingSignupsWithOneEmailCreateOneUser() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Throwable> failures = new ArrayList<>();
    try {
      List<Future<User>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String email = i % 2 == 0 ? "race@example.com" : "RACE@example.com";
        futures.add(pool.submit(() -> store.createUser(email, "Racer", ACTOR)));
      }
      for (Future<User> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(count("users")).isEqualTo(1);
    assertThat(failures).hasSize(15).allSatisfy(e -> assertThat(e)
        .isInstanceOfSatisfying(KeywardenException.class, k -> {
          assertThat(k.code()).isEqualTo(ErrorCode.CONFLICT);
          assertThat(k.field()).isEqualTo("email");
        }));
    assertThat(count("audit_events")).isEqualTo(1);
  }

  // ---- the provider's own ids and labels ----

  @Test
  void externalIdsAndMetadataReadBackAndAreFoundByExternalId() {
    Workspace w = store.createWorkspace("Acme", "free", null, null, "acct_42", Map.of("tier", "gold"), ACTOR);
    Project p = store.createProject(w.id(), "Web", "site-1", Map.of("region", "eu"), ACTOR);
    User u = store.createUser("ada@example.com", "Ada", "person-7", Map.of(), ACTOR);

    assertThat(store.workspace(w.id()).orElseThrow().externalId()).isEqualTo("acct_42");
    assertThat(store.workspace(w.id()).orElseThrow().metadata()).containsExactly(Map.entry("tier", "gold"));
    assertThat(store.workspaceByExternalId("acct_42")).contains(w);
    assertThat(store.workspaceByExternalId("acct_43")).isEmpty();
    assertThat(store.projectsByExternalId("site-1", null, PageRequest.first()).items()).containsExactly(p);
    assertThat(store.projectsByExternalId("site-1", "ws_other", PageRequest.first()).items()).isEmpty();
    assertThat(store.userByExternalId("person-7")).contains(u);
    assertThat(newestEvent().details()).contains("\"external_id\":\"person-7\"");
  }

  @Test
  void aDuplicateExternalIdIsAConflictNamingTheField() {
    Workspace w = store.createWorkspace("Acme", "free", null, null, "acct_1", Map.of(), ACTOR);
    Workspace other = store.createWorkspace("Globex", "free", null, null, null, Map.of(), ACTOR);
    store.createProject(w.id(), "Web", "p-1", Map.of(), ACTOR);
    store.createUser("a@example.com", "A", "u-1", Map.of(), ACTOR);

    for (ThrowingCallable duplicate : List.<ThrowingCallable>of(
        () -> store.createWorkspace("Again", "free", null, null, "acct_1", Map.of(), ACTOR),
        () -> store.updateWorkspace(other.id(), null, null, null, false, null,
            new io.keywarden.store.LabelChange(true, "acct_1", null), ACTOR),
        () -> store.createProject(w.id(), "Web 2", "p-1", Map.of(), ACTOR),
        () -> store.createUser("b@example.com", "B", "u-1", Map.of(), ACTOR))) {
      assertThat(catchThrowable(duplicate)).isInstanceOfSatisfying(KeywardenException.class, k -> {
        assertThat(k.code()).isEqualTo(ErrorCode.EXTERNAL_ID_TAKEN);
        assertThat(k.code().httpStatus()).isEqualTo(409);
        assertThat(k.field()).isEqualTo("external_id");
      });
    }
    // Unique per workspace for projects: another workspace may use the same id.
    assertThat(store.createProject(other.id(), "Web", "p-1", Map.of(), ACTOR).externalId()).isEqualTo("p-1");
  }

  @Test
  void aLabelChangeReplacesOrClearsAndKeepsWhatItDoesNotName() {
    Workspace w = store.createWorkspace("Acme", "free", null, null, "acct_1", Map.of("a", "1"), ACTOR);
    Workspace renamed = store.updateWorkspace(w.id(), "Acme 2", null, null, false, null,
        io.keywarden.store.LabelChange.NONE, ACTOR);
    assertThat(renamed.externalId()).isEqualTo("acct_1");
    assertThat(renamed.metadata()).containsEntry("a", "1");

    Workspace cleared = store.updateWorkspace(w.id(), null, null, null, false, null,
        new io.keywarden.store.LabelChange(true, null, Map.of()), ACTOR);
    assertThat(cleared.externalId()).isNull();
    assertThat(cleared.metadata()).isEmpty();
    assertThat(store.workspace(w.id())).contains(cleared);
    // The freed id can be taken again.
    assertThat(store.createWorkspace("B", "free", null, null, "acct_1", Map.of(), ACTOR).externalId())
        .isEqualTo("acct_1");
  }

  @Test
  void keysAreListedByMetadataEqualityAcrossPagesWithAllConditionsAnded() {
    Workspace w = workspace();
    User u = member(w);
    List<String> infraEu = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String team = i % 2 == 0 ? "infra" : "web";
      String region = i < 5 ? "eu" : "us";
      ApiKey k = store.insertKey(key().user(w.id(), u.id())
          .metadata("{\"team\":\"" + team + "\",\"region\":\"" + region + "\",\"n\":" + i + "}").build(), ACTOR);
      if (team.equals("infra") && region.equals("eu")) {
        infraEu.add(0, k.id());
      }
      clock.advance(Duration.ofMillis(1));
    }
    KeyFilter both = KeyFilter.ALL.withMetadata(Map.of("team", "infra", "region", "eu"));

    Page<ApiKey> first = store.keys(both, new PageRequest(2, null, null));
    Page<ApiKey> second = store.keys(both, new PageRequest(2, first.nextCursor(), null));

    assertThat(first.items()).extracting(ApiKey::id).containsExactlyElementsOf(infraEu.subList(0, 2));
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).extracting(ApiKey::id).containsExactly(infraEu.get(2));
    assertThat(second.hasMore()).isFalse();
    assertThat(second.hasMoreBefore()).isTrue();
    // Only string values are indexed; a number is not matched by its text.
    assertThat(store.keys(KeyFilter.ALL.withMetadata(Map.of("n", "1")), PageRequest.first()).items()).isEmpty();
    assertThat(store.keys(KeyFilter.ALL.withMetadata(Map.of("team", "nobody")), PageRequest.first()).items())
        .isEmpty();
  }

  @Test
  void aKeysMetadataFilterFollowsUpdatesAndRotations() {
    Workspace w = workspace();
    User u = member(w);
    ApiKey k = store.insertKey(key().user(w.id(), u.id()).metadata("{\"team\":\"infra\"}").build(), ACTOR);
    KeyFilter infra = KeyFilter.ALL.withMetadata(Map.of("team", "infra"));
    KeyFilter web = KeyFilter.ALL.withMetadata(Map.of("team", "web"));

    store.updateKey(k.id(), new KeyPatch(null, null, null, null, null, null, "{\"team\":\"web\"}", null, false), ACTOR);
    assertThat(store.keys(infra, PageRequest.first()).items()).isEmpty();
    assertThat(store.keys(web, PageRequest.first()).items()).extracting(ApiKey::id).containsExactly(k.id());

    ApiKey successor = store.rotateKey(k.id(), key().user(w.id(), u.id()).metadata("{\"team\":\"web\"}").build(),
        clock.instant(), ACTOR);
    assertThat(store.keys(web, PageRequest.first()).items()).extracting(ApiKey::id)
        .containsExactly(successor.id(), k.id());
    store.deleteWorkspace(w.id(), ACTOR);
    assertThat(count("key_metadata")).isZero();
  }

  // ---- suspension ----

  @Test
  void suspendingAndReinstatingAWorkspaceIsStoredAuditedAndAnnounced() {
    Workspace w = workspace();
    listener.clear();

    Workspace suspended = store.setWorkspaceSuspended(w.id(), true, "unpaid invoice", ACTOR);
    assertThat(suspended.suspended()).isTrue();
    assertThat(suspended.suspensionReason()).isEqualTo("unpaid invoice");
    assertThat(newestEvent().action()).isEqualTo("workspace.suspended");
    assertThat(newestEvent().details()).isEqualTo("{\"reason\":\"unpaid invoice\"}");
    assertThat(listener.heard()).containsExactly("workspace:" + w.id());

    long events = count("audit_events");
    store.setWorkspaceSuspended(w.id(), true, "unpaid invoice", ACTOR);
    assertThat(count("audit_events")).as("a repeat changes nothing").isEqualTo(events);

    Workspace back = store.setWorkspaceSuspended(w.id(), false, null, ACTOR);
    assertThat(back.suspended()).isFalse();
    assertThat(back.suspensionReason()).isNull();
    assertThat(newestEvent().action()).isEqualTo("workspace.reinstated");
    assertInvalidOrMissing(() -> store.setWorkspaceSuspended("ws_nope", true, null, ACTOR));
  }

  // ---- plans ----

  @Test
  void plansAreStoredSeededOnceAndRefusedDeletionWhileInUse() {
    List<String> added = store.seedPlans(Map.of("free", "[]", "pro", "[{\"name\":\"m\",\"limit\":5,\"window\":\"1m\"}]"),
        Actor.SYSTEM);
    assertThat(added).containsExactly("free", "pro");
    store.putPlan("pro", "[]", ACTOR);
    assertThat(newestEvent().action()).isEqualTo("plan.updated");
    assertThat(store.seedPlans(Map.of("pro", "[{}]", "team", "[]"), Actor.SYSTEM)).containsExactly("team");
    assertThat(store.plan("pro").orElseThrow().policies()).as("a stored plan wins").isEqualTo("[]");
    assertThat(store.plans()).extracting(io.keywarden.store.StoredPlan::name).containsExactly("free", "pro", "team");
    Page<io.keywarden.store.StoredPlan> page = store.plans(new PageRequest(2, null, null));
    assertThat(page.items()).hasSize(2);
    assertThat(store.plans(new PageRequest(2, page.nextCursor(), null)).items()).hasSize(1);

    store.createWorkspace("Acme", "pro", null, ACTOR);
    assertThat(catchThrowable(() -> store.deletePlan("pro", ACTOR)))
        .isInstanceOfSatisfying(KeywardenException.class, k -> assertThat(k.code()).isEqualTo(ErrorCode.CONFLICT));
    store.deletePlan("team", ACTOR);
    assertThat(store.plan("team")).isEmpty();
    assertThat(newestEvent().action()).isEqualTo("plan.deleted");
    assertThat(listener.heard()).contains("plans");
  }

  // ---- idempotency ----

  @Test
  void anIdempotencyKeyIsReservedOnceKeptWithItsAnswerAndSweptAfterItsTime() throws Exception {
    Instant longAgo = clock.instant().minus(Duration.ofDays(1));
    assertThat(store.reserveIdempotencyKey("op_1", "k1", "h1", longAgo)).isEmpty();
    var again = store.reserveIdempotencyKey("op_1", "k1", "h1", longAgo).orElseThrow();
    assertThat(again.inProgress()).isTrue();
    assertThat(store.reserveIdempotencyKey("op_2", "k1", "h1", longAgo)).as("per operator key").isEmpty();

    store.completeIdempotencyKey("op_1", "k1", 201, "{\"data\":{}}");
    var done = store.reserveIdempotencyKey("op_1", "k1", "h2", longAgo).orElseThrow();
    assertThat(done.status()).isEqualTo(201);
    assertThat(done.body()).isEqualTo("{\"data\":{}}");
    assertThat(done.requestHash()).isEqualTo("h1");

    clock.advance(Duration.ofHours(25));
    assertThat(store.reserveIdempotencyKey("op_1", "k1", "h2", clock.instant().minus(Duration.ofDays(1))))
        .as("an expired entry is swept").isEmpty();

    store.releaseIdempotencyKey("op_1", "k1");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> reserved = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        reserved.add(pool.submit(() -> store.reserveIdempotencyKey("op_9", "same", "h", longAgo).isEmpty()));
      }
      int winners = 0;
      for (Future<Boolean> f : reserved) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertInvalidOrMissing(ThrowingCallable call) {
    assertThat(catchThrowable(call)).isInstanceOf(KeywardenException.class);
  }

  @Test
  void pingAnswersAndDialectIsNamed() {
    assertThat(store.ping()).isTrue();
    assertThat(store.dialect()).isEqualTo(expectedDialect());
  }

  // ---- helpers ----

  KeyBuilder key() {
    return KeyBuilder.key(ids, clock.instant());
  }

  Workspace workspace() {
    return store.createWorkspace("Acme", "free", null, ACTOR);
  }

  User user() {
    return store.createUser(UUID.randomUUID() + "@example.com", "Someone", ACTOR);
  }

  User member(Workspace w) {
    User u = user();
    store.putMembership(w.id(), u.id(), "member", List.of(), null, ACTOR);
    return u;
  }

  long count(String table) {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  void sql(String... statements) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** Runs a mutation one clock tick later and checks it appended exactly one event. */
  private <T> T oneEvent(String action, Supplier<T> mutation) {
    clock.advance(Duration.ofMillis(1));
    long before = count("audit_events");
    T result = mutation.get();
    assertThat(count("audit_events")).as(action).isEqualTo(before + 1);
    AuditEvent e = newestEvent();
    assertThat(e.action()).isEqualTo(action);
    assertThat(e.at()).isEqualTo(clock.instant());
    assertThat(e.actor()).isEqualTo(ACTOR.id());
    return result;
  }

  /** The newest event of {@code action} on {@code targetId}. */
  // ---- operator keys ----

  @Test
  void theLastStandingAdminKeyCannotBeRevokedDisabledNarrowedOrMadeToExpire() {
    ApiKey admin = store.insertKey(key().operator().build(), ACTOR);
    long generation = store.operatorKeyGeneration();

    assertLastAdmin(() -> store.revokeKey(admin.id(), T0, ACTOR));
    assertLastAdmin(() -> store.updateKey(admin.id(), new KeyPatch(null, false, null, null, null, null, null, null, false, null), ACTOR));
    assertLastAdmin(() -> store.updateKey(admin.id(), new KeyPatch(null, null, List.of("keys:read"), null, null, null, null, null, false, null), ACTOR));
    assertLastAdmin(() -> store.updateKey(admin.id(), new KeyPatch(null, null, null, null, null, null, null, T0.plusSeconds(60), false, null), ACTOR));
    assertThat(store.key(admin.id()).orElseThrow()).isEqualTo(admin);
    assertThat(store.operatorKeyGeneration()).as("refused changes move nothing").isEqualTo(generation);

    ApiKey second = store.insertKey(key().operator().build(), ACTOR);
    assertThat(store.revokeKey(admin.id(), T0, ACTOR).revokedAt()).isEqualTo(T0);
    assertThat(store.operatorKeyGeneration()).isGreaterThan(generation);
    assertLastAdmin(() -> store.revokeKey(second.id(), T0, ACTOR));
  }

  @Test
  void theLastAdminKeyIsKeptAlsoWhenItExpiresSomeDay() {
    ApiKey expiring = store.insertKey(key().operator().expiresAt(T0.plus(Duration.ofDays(30))).build(), ACTOR);

    assertLastAdmin(() -> store.revokeKey(expiring.id(), T0, ACTOR));
    assertThat(store.updateKey(expiring.id(), new KeyPatch(null, null, null, null, null, null, null,
        T0.plus(Duration.ofDays(10)), false, null), ACTOR).expiresAt()).isEqualTo(T0.plus(Duration.ofDays(10)));
    ApiKey bound = store.insertKey(key().operator().workspace(store.createWorkspace("W", "free", null, ACTOR).id()).build(), ACTOR);
    assertLastAdmin(() -> store.revokeKey(expiring.id(), T0, ACTOR));
    assertThat(store.revokeKey(bound.id(), T0, ACTOR).revokedAt()).as("a bound admin key is not the deployment's").isEqualTo(T0);
  }

  @Test
  void resettingTheAdminKeyRevokesTheBootstrapLineageOnly() {
    ApiKey bootstrap = store.insertBootstrapAdminKey(key().operator().build(), Actor.SYSTEM);
    assertThat(store.adminKeyIssued()).isTrue();
    ApiKey successor = store.rotateKey(bootstrap.id(), key().operator().build(), T0, ACTOR);
    ApiKey other = store.insertKey(key().operator().build(), ACTOR);
    long generation = store.operatorKeyGeneration();
    listener.clear();

    ApiKey fresh = key().operator().build();
    List<String> revoked = store.resetAdminKey(fresh, T0.plusSeconds(5), ACTOR);

    assertThat(revoked).containsExactlyInAnyOrder(bootstrap.id(), successor.id());
    assertThat(store.key(successor.id()).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.key(other.id()).orElseThrow().revokedAt()).isNull();
    assertThat(store.key(fresh.id())).isPresent();
    assertThat(store.operatorKeyGeneration()).isGreaterThan(generation);
    assertThat(listener.heard()).contains("key:" + successor.id(), "key:" + fresh.id());
    assertThat(actions(AuditFilter.ALL)).contains("admin_key.reset");
    assertThat(store.resetAdminKey(key().operator().build(), T0.plusSeconds(6), ACTOR)).containsExactly(fresh.id());
  }

  @Test
  void operatorKeysAreListedByBindingRevocationAndNamePrefix() {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);
    ApiKey unbound = store.insertKey(key().operator().scopes("verify").build(), ACTOR);
    ApiKey bound = store.insertKey(key().operator().scopes("verify").workspace(w.id()).build(), ACTOR);
    store.insertKey(key().project(w.id(), store.createProject(w.id(), "P", ACTOR).id()).build(), ACTOR);
    store.revokeKey(unbound.id(), T0, ACTOR);

    assertThat(ids(store.operatorKeys(OperatorKeyFilter.ALL, PageRequest.first()))).containsExactlyInAnyOrder(unbound.id(), bound.id());
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(null, false, true, null), PageRequest.first()))).containsExactly(unbound.id());
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(null, false, false, null), PageRequest.first()))).containsExactly(bound.id());
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(null, false, null, "key " + bound.id()), PageRequest.first()))).containsExactly(bound.id());
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(null, false, null, "KEY"), PageRequest.first()))).as("case-sensitive").isEmpty();
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(w.id(), false, null, null), PageRequest.first()))).containsExactly(bound.id());
    assertThat(ids(store.operatorKeys(new OperatorKeyFilter(null, true, null, null), PageRequest.first()))).containsExactly(unbound.id());
  }

  private static void assertLastAdmin(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeywardenException.class,
        e -> assertThat(e.code()).isEqualTo(io.keywarden.core.errors.ErrorCode.LAST_ADMIN_KEY));
  }

  AuditEvent event(String action, String targetId) {
    return events(new AuditFilter(null, targetId, action, null, null)).getFirst();
  }

  AuditEvent newestEvent() {
    return store.auditEvents(AuditFilter.ALL, PageRequest.first(1)).items().getFirst();
  }

  List<AuditEvent> events(AuditFilter filter) {
    return store.auditEvents(filter, PageRequest.first(PageRequest.MAX_LIMIT)).items();
  }

  List<String> actions(AuditFilter filter) {
    return events(filter).stream().map(AuditEvent::action).toList();
  }

  private List<String> keyIds(KeyFilter filter) {
    return ids(store.keys(filter, PageRequest.first(PageRequest.MAX_LIMIT)));
  }

  private List<String> idsInState(KeyState state) {
    return keyIds(new KeyFilter(null, null, null, null, state));
  }

  private void assertStateFilterAgreesWithTheModel() {
    for (ApiKey k : store.keys(KeyFilter.ALL, PageRequest.first(PageRequest.MAX_LIMIT)).items()) {
      assertThat(idsInState(k.stateAt(clock.instant()))).contains(k.id());
    }
  }

  private static List<String> ids(Page<ApiKey> page) {
    return page.items().stream().map(ApiKey::id).toList();
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static <T> List<String> walkForward(Function<PageRequest, Page<T>> list, int size,
      Function<T, String> idOf) {
    List<String> seen = new ArrayList<>();
    Page<T> page = list.apply(PageRequest.first(size));
    seen.addAll(page.items().stream().map(idOf).toList());
    while (page.hasMore()) {
      page = list.apply(new PageRequest(size, page.nextCursor(), null));
      seen.addAll(page.items().stream().map(idOf).toList());
    }
    return seen;
  }

  /**
   * Walks forward from the first page to the last, checking every page and flag, then back from
   * the last page to the first, which must retrace the same pages.
   */
  private static <T> void assertWalksBothWays(Function<PageRequest, Page<T>> list,
      List<String> expected, int size, Function<T, String> idOf) {
    String where = "N=" + expected.size() + " size=" + size;
    List<List<String>> forward = new ArrayList<>();
    Page<T> page = list.apply(PageRequest.first(size));
    assertThat(page.hasMoreBefore()).as(where).isFalse();
    assertThat(page.prevCursor()).as(where).isNull();
    while (true) {
      List<String> items = page.items().stream().map(idOf).toList();
      forward.add(items);
      int from = (forward.size() - 1) * size;
      assertThat(items).as(where).isEqualTo(expected.subList(from, Math.min(from + size, expected.size())));
      assertThat(page.hasMore()).as(where).isEqualTo(from + size < expected.size());
      assertThat(page.hasMoreBefore()).as(where).isEqualTo(from > 0);
      assertThat(page.nextCursor() != null).as(where).isEqualTo(page.hasMore());
      assertThat(page.prevCursor() != null).as(where).isEqualTo(page.hasMoreBefore());
      if (!page.hasMore()) {
        break;
      }
      page = list.apply(new PageRequest(size, page.nextCursor(), null));
    }
    assertThat(forward.stream().flatMap(List::stream).toList()).as(where).isEqualTo(expected);

    List<List<String>> backward = new ArrayList<>();
    backward.add(forward.getLast());
    while (page.hasMoreBefore()) {
      page = list.apply(new PageRequest(size, null, page.prevCursor()));
      backward.add(page.items().stream().map(idOf).toList());
    }
    assertThat(backward.reversed()).as(where).isEqualTo(forward);
  }

  private static void assertSameFailure(String field, ThrowingCallable unknown,
      ThrowingCallable foreign, String unknownId, String foreignId) {
    Throwable a = catchThrowable(unknown);
    Throwable b = catchThrowable(foreign);
    assertThat(a).isInstanceOf(KeywardenException.class);
    assertThat(b).isInstanceOf(KeywardenException.class);
    KeywardenException ka = (KeywardenException) a;
    KeywardenException kb = (KeywardenException) b;
    assertThat(ka.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(kb.code()).isEqualTo(ka.code());
    assertThat(ka.field()).isEqualTo(field);
    assertThat(kb.field()).isEqualTo(field);
    assertThat(kb.getMessage().replace(foreignId, "<id>"))
        .isEqualTo(ka.getMessage().replace(unknownId, "<id>"));
  }

  static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeywardenException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.field()).isEqualTo(field);
    });
  }

  static void assertConflict(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeywardenException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
      assertThat(e.field()).isEqualTo(field);
    });
  }

  static void assertNotFound(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeywardenException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
