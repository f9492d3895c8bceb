package io.keywarden.store.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.PageRequest;
import io.keywarden.store.testing.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate-limit overrides and plan changes through the services, on a real SQLite store. */
class RateLimitOverridesServiceTest {
  static final AccessModel MODEL = AccessModel.builder()
      .plans(List.of("free", "pro", "team"), "free")
      .build();

  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir, MODEL);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private NewKeyRequest userKey() {
    return NewKeyRequest.userKey(f.workspace.id(), f.user.id(), "k", List.of());
  }

  private AuditEvent newestEvent() {
    return f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(1)).items().getFirst();
  }

  /** Asserts the call fails with invalid_request naming the field, and wrote nothing. */
  private void assertRejectedNaming(String field, String messagePart, Supplier<?> call) {
    int keysBefore = f.kw.store().keys(KeyFilter.ALL, PageRequest.first(100)).items().size();
    int eventsBefore = f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items().size();
    assertThatThrownBy(call::get).isInstanceOfSatisfying(KeywardenException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).contains(messagePart);
    });
    assertThat(f.kw.store().keys(KeyFilter.ALL, PageRequest.first(100)).items()).hasSize(keysBefore);
    assertThat(f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items()).hasSize(eventsBefore);
  }

  @Test
  void aKeyCreatedWithOverridesStoresThemInCanonicalForm() {
    var issued = f.kw.keys().create(userKey(),
        "[ {\"limit\": 60, \"name\": \"minute\"}, {\"name\":\"burst\",\"by\":[\"key\"],\"window\":\"1s\",\"limit\":5} ]",
        Fixture.ACTOR);

    String canonical = "[{\"name\":\"minute\",\"limit\":60},{\"name\":\"burst\",\"limit\":5,\"window\":\"1s\",\"by\":[\"key\"]}]";
    assertThat(issued.key().rateLimits()).isEqualTo(canonical);
    assertThat(f.kw.store().key(issued.key().id()).orElseThrow().rateLimits()).isEqualTo(canonical);
    assertThat(newestEvent().action()).isEqualTo("key.created");
    assertThat(newestEvent().details()).contains("\"rate_limits\":" + canonical);
  }

  @Test
  void anEmptyListMeansNoOverrides() {
    var issued = f.kw.keys().create(userKey(), "[]", Fixture.ACTOR);
    assertThat(issued.key().rateLimits()).isNull();
  }

  @Test
  void badOverridesAreRejectedNamingTheFieldAndNothingIsWritten() {
    List<String[]> cases = List.of(
        new String[] {"{\"name\":\"minute\",\"limit\":1}", "JSON list"},
        new String[] {"not json", "JSON list"},
        new String[] {"[1]", "rate_limits[0] must be an object"},
        new String[] {"[{\"limit\":1}]", "rate_limits[0].name"},
        new String[] {"[{\"name\":\"Minute\",\"limit\":1}]", "rate_limits[0].name"},
        new String[] {"[{\"name\":\"minute\"}]", "rate_limits[0].limit"},
        new String[] {"[{\"name\":\"minute\",\"limit\":0}]", "rate_limits[0].limit"},
        new String[] {"[{\"name\":\"minute\",\"limit\":1.5}]", "rate_limits[0].limit"},
        new String[] {"[{\"name\":\"minute\",\"limit\":\"10\"}]", "rate_limits[0].limit"},
        new String[] {"[{\"name\":\"minute\",\"limit\":1,\"extra\":true}]", "unknown field \"extra\""},
        new String[] {"[{\"name\":\"a\",\"limit\":1},{\"name\":\"a\",\"limit\":2}]", "twice"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"1m\"}]", "window and by together"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"by\":[\"key\"]}]", "window and by together"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"1 minute\",\"by\":[\"key\"]}]", "rate_limits[0]"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"400d\",\"by\":[\"key\"]}]", "366 days"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"1m\",\"by\":[]}]", "rate_limits[0].by"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"1m\",\"by\":[\"planet\"]}]", "rate_limits[0].by"},
        new String[] {"[{\"name\":\"a\",\"limit\":1,\"window\":\"1m\",\"by\":[\"key\",\"key\"]}]", "twice"});
    for (String[] c : cases) {
      assertRejectedNaming("rate_limits", c[1], () -> f.kw.keys().create(userKey(), c[0], Fixture.ACTOR));
      assertRejectedNaming("rate_limits", c[1], () -> f.kw.tenants().createWorkspace("W", null, null, c[0], Fixture.ACTOR));
    }
  }

  @Test
  void changingAKeysOverridesIsAuditedAndSeenThroughTheCache() {
    var issued = f.kw.keys().create(userKey(), "[{\"name\":\"minute\",\"limit\":60}]", Fixture.ACTOR);
    assertThat(f.kw.verify(VerifyRequest.ofKey(issued.secret())).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(f.kw.cache().cachedKey(issued.key().hash()).key().rateLimits())
        .isEqualTo("[{\"name\":\"minute\",\"limit\":60}]");

    f.kw.keys().update(issued.key().id(),
        KeyUpdate.none().withRateLimits("[{\"name\":\"minute\",\"limit\":5}]"), Fixture.ACTOR);

    assertThat(f.kw.cache().cachedKey(issued.key().hash())).isNull();
    assertThat(f.kw.verify(VerifyRequest.ofKey(issued.secret())).resolvedKey().key().rateLimits())
        .isEqualTo("[{\"name\":\"minute\",\"limit\":5}]");
    assertThat(newestEvent().action()).isEqualTo("key.updated");
    assertThat(newestEvent().details()).isEqualTo("{\"rate_limits\":[{\"name\":\"minute\",\"limit\":5}]}");

    f.kw.keys().update(issued.key().id(), KeyUpdate.none().withRateLimits("[]"), Fixture.ACTOR);
    assertThat(f.kw.store().key(issued.key().id()).orElseThrow().rateLimits()).isNull();
    assertRejectedNaming("rate_limits", "rate_limits[0].limit", () -> f.kw.keys().update(issued.key().id(),
        KeyUpdate.none().withRateLimits("[{\"name\":\"minute\",\"limit\":-1}]"), Fixture.ACTOR));
  }

  @Test
  void aRotatedKeysSuccessorKeepsItsOverrides() {
    var issued = f.kw.keys().create(userKey(), "[{\"name\":\"minute\",\"limit\":60}]", Fixture.ACTOR);
    var successor = f.kw.keys().rotate(issued.key().id(), Duration.ofHours(1), Fixture.ACTOR);
    assertThat(successor.key().rateLimits()).isEqualTo("[{\"name\":\"minute\",\"limit\":60}]");
  }

  @Test
  void operatorKeysTakeNoOverrides() {
    var op = f.kw.keys().createOperatorKey("ops", List.of("keys:read"), null, Fixture.ACTOR);
    assertRejectedNaming("rate_limits", "Operator keys", () -> f.kw.keys().update(op.key().id(),
        KeyUpdate.none().withRateLimits("[{\"name\":\"minute\",\"limit\":5}]"), Fixture.ACTOR));
  }

  @Test
  void changingAWorkspacesOverridesIsAuditedAndDropsItsCachedStanding() {
    var issued = f.kw.keys().create(userKey(), Fixture.ACTOR);
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    assertThat(f.kw.cache().cachedKey(issued.key().hash())).isNotNull();

    Workspace w = f.kw.tenants().setRateLimits(f.workspace.id(),
        "[{\"name\":\"month\",\"limit\":100000,\"window\":\"month\",\"by\":[\"workspace\"]}]", Fixture.ACTOR);

    assertThat(w.rateLimits()).isEqualTo("[{\"name\":\"month\",\"limit\":100000,\"window\":\"month\",\"by\":[\"workspace\"]}]");
    assertThat(f.kw.store().workspace(w.id()).orElseThrow()).isEqualTo(w);
    // Workspace changes drop the workspace's entry by id; cached keys do not depend on it.
    assertThat(f.kw.cache().cachedWorkspace(w.id())).isNull();
    assertThat(newestEvent().action()).isEqualTo("workspace.updated");
    assertThat(newestEvent().details()).startsWith("{\"rate_limits\":[{\"name\":\"month\"");

    Workspace renamed = f.kw.tenants().updateWorkspace(w.id(), "Renamed", null, null, false, Fixture.ACTOR);
    assertThat(renamed.rateLimits()).isEqualTo(w.rateLimits());
    Workspace cleared = f.kw.tenants().setRateLimits(w.id(), "null", Fixture.ACTOR);
    assertThat(cleared.rateLimits()).isNull();
    assertRejectedNaming("rate_limits", "rate_limits is required",
        () -> f.kw.tenants().setRateLimits(w.id(), null, Fixture.ACTOR));
  }

  @Test
  void aWorkspaceCreatedWithOverridesKeepsThem() {
    Workspace w = f.kw.tenants().createWorkspace("Globex", "pro", null,
        "[{\"name\":\"minute\",\"limit\":600}]", Fixture.ACTOR);
    assertThat(f.kw.store().workspace(w.id()).orElseThrow().rateLimits())
        .isEqualTo("[{\"name\":\"minute\",\"limit\":600}]");
    assertThat(newestEvent().details()).contains("\"rate_limits\":[{\"name\":\"minute\",\"limit\":600}]");
  }

  @Test
  void aWorkspaceChangesPlanOnlyToAPlanOfTheAccessModel() {
    var issued = f.kw.keys().create(userKey(), Fixture.ACTOR);
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));

    Workspace w = f.kw.tenants().changePlan(f.workspace.id(), "pro", Fixture.ACTOR);

    assertThat(w.plan()).isEqualTo("pro");
    assertThat(f.kw.store().workspace(w.id()).orElseThrow().plan()).isEqualTo("pro");
    assertThat(newestEvent().action()).isEqualTo("workspace.updated");
    assertThat(newestEvent().details()).isEqualTo("{\"plan\":\"pro\"}");
    assertThat(f.kw.cache().cachedWorkspace(w.id())).isNull();
    assertRejectedNaming("plan", "free, pro, team",
        () -> f.kw.tenants().changePlan(w.id(), "enterprise", Fixture.ACTOR));
    assertRejectedNaming("plan", "plan is required",
        () -> f.kw.tenants().changePlan(w.id(), null, Fixture.ACTOR));
  }
}
