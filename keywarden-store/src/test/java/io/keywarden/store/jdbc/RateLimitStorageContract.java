package io.keywarden.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.PageRequest;
import io.keywarden.store.QuotaUsage;
import io.keywarden.store.ratelimit.JdbcQuotaLedger;
import io.keywarden.testkit.MutableClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rate-limit storage on a real database, run by each dialect's subclass: the quota ledger across
 * real restarts of the store (a second and third store opened on the same database), and the
 * overrides stored on workspaces and keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RateLimitStorageContract {
  static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");
  static final long JANUARY = micros("2030-01-01T00:00:00Z");
  static final long DECEMBER = micros("2029-12-01T00:00:00Z");
  static final long FEBRUARY = micros("2030-02-01T00:00:00Z");
  static final String COUNTER = "monthly|month(Z)|key=key_1";
  static final Actor ACTOR = new Actor("user:usr_admin", "203.0.113.7", "contract-test/1.0");

  final MutableClock clock = MutableClock.at(T0);
  final IdGenerator ids = new IdGenerator(clock);
  final RecordingListener listener = new RecordingListener();
  JdbcStore store;

  /** Opens a store on this class's database: each call is a new pool, as a restart makes. */
  abstract JdbcStore openStore(Clock clock, IdGenerator ids) throws Exception;

  /** Releases the database after every store is closed. */
  abstract void afterClose() throws Exception;

  @BeforeAll
  final void openTheStore() throws Exception {
    store = openStore(clock, ids);
    store.addListener(listener);
  }

  @AfterAll
  final void closeTheStore() throws Exception {
    store.close();
    afterClose();
  }

  @BeforeEach
  final void startEmpty() throws SQLException {
    for (String table : List.of("quota_usage", "audit_events", "api_keys", "memberships",
        "projects", "users", "workspaces")) {
      sql("DELETE FROM " + table);
    }
    clock.set(T0);
    listener.clear();
  }

  // ---- quota ledger ----

  @Test
  void quotaCountsSurviveARestartOfTheStore() throws Exception {
    try (JdbcStore first = openStore(clock, ids)) {
      JdbcQuotaLedger ledger = JdbcQuotaLedger.open(first, clock, Duration.ZERO);
      ledger.update(COUNTER, JANUARY, 40);
      ledger.update(COUNTER, JANUARY, 42);
      ledger.update("other|month(Z)", JANUARY, 7);
      ledger.close();
    }
    try (JdbcStore second = openStore(clock, ids)) {
      JdbcQuotaLedger ledger = JdbcQuotaLedger.open(second, clock, Duration.ZERO);
      assertThat(ledger.recorded(COUNTER, JANUARY)).isEqualTo(42);
      assertThat(ledger.recorded("other|month(Z)", JANUARY)).isEqualTo(7);
      assertThat(ledger.recorded("never|month(Z)", JANUARY)).isZero();
      ledger.close();
    }
  }

  @Test
  void aCrashLosesOnlyTheCountsNotYetFlushed() throws Exception {
    try (JdbcStore first = openStore(clock, ids)) {
      JdbcQuotaLedger ledger = JdbcQuotaLedger.open(first, clock, Duration.ZERO);
      ledger.update(COUNTER, JANUARY, 10);
      assertThat(ledger.flush()).isEqualTo(1);
      ledger.update(COUNTER, JANUARY, 15);
      assertThat(ledger.pending()).isEqualTo(1);
      // The process dies: the ledger is never closed, its memory is gone.
    }
    try (JdbcStore second = openStore(clock, ids)) {
      JdbcQuotaLedger ledger = JdbcQuotaLedger.open(second, clock, Duration.ZERO);
      assertThat(ledger.recorded(COUNTER, JANUARY)).isEqualTo(10);
      ledger.close();
    }
  }

  @Test
  void twoNodesOnOneDatabaseNeverLowerEachOthersCount() throws Exception {
    try (JdbcStore other = openStore(clock, ids)) {
      JdbcQuotaLedger a = JdbcQuotaLedger.open(store, clock, Duration.ZERO);
      JdbcQuotaLedger b = JdbcQuotaLedger.open(other, clock, Duration.ZERO);
      a.update(COUNTER, JANUARY, 30);
      b.update(COUNTER, JANUARY, 20);
      a.flush();
      b.flush();
      assertThat(store.quotaUsageSince(JANUARY)).containsExactly(new QuotaUsage(COUNTER, JANUARY, 30));

      b.update(COUNTER, JANUARY, 50);
      b.flush();
      a.update(COUNTER, JANUARY, 31);
      a.flush();
      assertThat(store.quotaUsageSince(JANUARY)).containsExactly(new QuotaUsage(COUNTER, JANUARY, 50));
      a.close();
      b.close();
      JdbcQuotaLedger restarted = JdbcQuotaLedger.open(store, clock, Duration.ZERO);
      assertThat(restarted.recorded(COUNTER, JANUARY)).isEqualTo(50);
      restarted.close();
    }
  }

  @Test
  void countsOfOlderPeriodsAreIgnoredAndVeryOldOnesPruned() {
    long longAgo = micros("2028-06-01T00:00:00Z");
    store.recordQuotaUsage(List.of(
        new QuotaUsage(COUNTER, DECEMBER, 900),
        new QuotaUsage(COUNTER, JANUARY, 12),
        new QuotaUsage("stale|month(Z)", DECEMBER, 5),
        new QuotaUsage("ancient|month(Z)", longAgo, 3)));

    JdbcQuotaLedger ledger = JdbcQuotaLedger.open(store, clock, Duration.ZERO);

    assertThat(ledger.recorded(COUNTER, JANUARY)).isEqualTo(12);
    assertThat(ledger.recorded(COUNTER, DECEMBER)).isZero();
    assertThat(ledger.recorded("stale|month(Z)", JANUARY)).isZero();
    assertThat(store.quotaUsageSince(Long.MIN_VALUE)).extracting(QuotaUsage::counterId)
        .doesNotContain("ancient|month(Z)");

    ledger.update(COUNTER, DECEMBER, 1000); // a late update of the last period changes nothing
    assertThat(ledger.recorded(COUNTER, JANUARY)).isEqualTo(12);
    assertThat(ledger.pending()).isZero();

    clock.set(Instant.parse("2030-02-01T00:00:01Z"));
    ledger.update(COUNTER, FEBRUARY, 1);
    assertThat(ledger.recorded(COUNTER, FEBRUARY)).isEqualTo(1);
    assertThat(ledger.recorded(COUNTER, JANUARY)).isZero();
    ledger.close();
    assertThat(store.quotaUsageSince(FEBRUARY)).containsExactly(new QuotaUsage(COUNTER, FEBRUARY, 1));
    assertThat(store.quotaUsageSince(JANUARY)).contains(new QuotaUsage(COUNTER, JANUARY, 12));
  }

  @Test
  void recordedAndUpdateNeverTouchTheDatabase() throws Exception {
    JdbcStore gone = openStore(clock, ids);
    JdbcQuotaLedger ledger = JdbcQuotaLedger.open(gone, clock, Duration.ZERO);
    ledger.update(COUNTER, JANUARY, 3);
    gone.close(); // any query would now fail

    ledger.update(COUNTER, JANUARY, 4);
    assertThat(ledger.recorded(COUNTER, JANUARY)).isEqualTo(4);
    assertThatThrownBy(ledger::flush).isInstanceOf(RuntimeException.class);
    assertThat(ledger.pending()).isEqualTo(1); // kept for the next flush
  }

  @Test
  void aFlushWritesEveryPendingCountInOneBatchAndStampsTheClock() {
    JdbcQuotaLedger ledger = JdbcQuotaLedger.open(store, clock, Duration.ZERO);
    for (int i = 0; i < 250; i++) {
      ledger.update("c" + i + "|month(Z)", JANUARY, i + 1);
    }
    assertThat(ledger.flush()).isEqualTo(250);
    assertThat(ledger.flush()).isZero();
    assertThat(store.quotaUsageSince(JANUARY)).hasSize(250)
        .contains(new QuotaUsage("c249|month(Z)", JANUARY, 250));
    ledger.close();
  }

  // ---- overrides ----

  @Test
  void workspaceOverridesRoundTripAreAuditedAndAnnounced() {
    String overrides = "[{\"name\":\"minute\",\"limit\":60}]";
    Workspace w = store.createWorkspace("Acme", "free", null, overrides, ACTOR);
    assertThat(w.rateLimits()).isEqualTo(overrides);
    assertThat(store.workspace(w.id())).contains(w);
    assertThat(newestDetails()).contains("\"rate_limits\":[{\"name\":\"minute\",\"limit\":60}]");

    listener.clear();
    String more = "[{\"name\":\"minute\",\"limit\":120},{\"name\":\"burst\",\"limit\":5,\"window\":\"1s\",\"by\":[\"key\"]}]";
    Workspace changed = store.updateWorkspace(w.id(), null, null, null, false, more, ACTOR);
    assertThat(changed.rateLimits()).isEqualTo(more);
    assertThat(changed.plan()).isEqualTo("free");
    assertThat(store.workspace(w.id()).orElseThrow().rateLimits()).isEqualTo(more);
    assertThat(newestDetails()).isEqualTo("{\"rate_limits\":" + more + "}");
    assertThat(listener.heard()).containsExactly("workspace:" + w.id());

    Workspace renamed = store.updateWorkspace(w.id(), "Acme Inc", null, null, false, ACTOR);
    assertThat(renamed.rateLimits()).isEqualTo(more);

    Workspace cleared = store.updateWorkspace(w.id(), null, null, null, false, "[]", ACTOR);
    assertThat(cleared.rateLimits()).isNull();
    assertThat(store.workspace(w.id()).orElseThrow().rateLimits()).isNull();
    assertThat(newestDetails()).isEqualTo("{\"rate_limits\":null}");
  }

  @Test
  void keyOverridesRoundTripAreAuditedAndAnnounced() {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);
    User u = store.createUser("ada@example.com", "Ada", ACTOR);
    store.putMembership(w.id(), u.id(), "member", List.of(), null, ACTOR);
    String overrides = "[{\"name\":\"minute\",\"limit\":10}]";
    ApiKey key = store.insertKey(
        KeyBuilder.key(ids, T0).user(w.id(), u.id()).build().withRateLimits(overrides), ACTOR);
    assertThat(key.rateLimits()).isEqualTo(overrides);
    assertThat(store.key(key.id()).orElseThrow().rateLimits()).isEqualTo(overrides);
    assertThat(store.keyByHash(key.hash()).orElseThrow().rateLimits()).isEqualTo(overrides);
    assertThat(newestDetails()).contains("\"rate_limits\":" + overrides);

    listener.clear();
    String more = "[{\"name\":\"minute\",\"limit\":20}]";
    ApiKey changed = store.updateKey(key.id(), KeyPatch.none().withRateLimits(more), ACTOR);
    assertThat(changed.rateLimits()).isEqualTo(more);
    assertThat(newestDetails()).isEqualTo("{\"rate_limits\":" + more + "}");
    assertThat(listener.heard()).containsExactly("key:" + key.id());

    ApiKey renamed = store.updateKey(key.id(), KeyPatch.none().withRateLimits(null), ACTOR);
    assertThat(renamed.rateLimits()).isEqualTo(more);
    ApiKey cleared = store.updateKey(key.id(), KeyPatch.none().withRateLimits("[]"), ACTOR);
    assertThat(cleared.rateLimits()).isNull();
    assertThat(newestDetails()).isEqualTo("{\"rate_limits\":null}");
  }

  @Test
  void aWorkspaceUpdateThatFailsWritesNoOverrides() {
    Workspace w = store.createWorkspace("Acme", "free", null, ACTOR);
    assertThatThrownBy(() -> store.updateWorkspace(w.id(), null, null, 7, true,
        "[{\"name\":\"minute\",\"limit\":1}]", ACTOR))
        .isInstanceOfSatisfying(KeywardenException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(store.workspace(w.id()).orElseThrow().rateLimits()).isNull();
  }

  String newestDetails() {
    return store.auditEvents(AuditFilter.ALL, PageRequest.first(1)).items().getFirst().details();
  }

  void sql(String... statements) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  static long micros(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
