package io.keywarden.store.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.NewKeyRequest;
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

class KeyServiceTest {
  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private NewKeyRequest userKey(String... scopes) {
    return NewKeyRequest.userKey(f.workspace.id(), f.user.id(), "k", List.of(scopes));
  }

  /** Asserts the call fails with invalid_request naming the field, and wrote nothing. */
  private void assertRejectedNaming(String field, Supplier<?> call) {
    long keysBefore = f.kw.store().keys(KeyFilter.ALL, PageRequest.first(100)).items().size();
    long eventsBefore = f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items().size();
    assertThatThrownBy(call::get)
        .isInstanceOfSatisfying(KeywardenException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(field);
        });
    assertThat(f.kw.store().keys(KeyFilter.ALL, PageRequest.first(100)).items()).hasSize((int) keysBefore);
    assertThat(f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items()).hasSize((int) eventsBefore);
  }

  @Test
  void createdKeyVerifiesAndIsStoredWithoutItsSecret() {
    var issued = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    assertThat(issued.secret()).startsWith("kw_sk_live_");
    assertThat(issued.key().display()).startsWith("kw_sk_live_").doesNotContain(issued.secret());
    assertThat(issued.key().expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofDays(90)));
    assertThat(f.kw.verify(VerifyRequest.ofKey(issued.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void publishableTestKeysGetTheirOwnPrefix() {
    var issued = f.kw.keys().create(userKey("read").withType(KeyType.PUBLISHABLE).withEnvironment("test"), Fixture.ACTOR);
    assertThat(issued.secret()).startsWith("kw_pk_test_");
  }

  @Test
  void unknownWorkspaceIsRejectedNamingWorkspaceId() {
    assertRejectedNaming("workspace_id", () -> f.kw.keys().create(
        NewKeyRequest.userKey("ws_000000000000000000000", f.user.id(), "k", List.of("read")), Fixture.ACTOR));
  }

  @Test
  void unknownScopeIsRejectedNamingScopes() {
    assertRejectedNaming("scopes", () -> f.kw.keys().create(userKey("read", "fly"), Fixture.ACTOR));
  }

  @Test
  void ttlOutsideTheChoicesIsRejectedNamingTtlDays() {
    assertRejectedNaming("ttl_days", () -> f.kw.keys().create(userKey("read").withTtlDays(45), Fixture.ACTOR));
  }

  @Test
  void metadataThatIsNotAnObjectIsRejectedNamingMetadata() {
    assertRejectedNaming("metadata", () -> f.kw.keys().create(userKey("read").withMetadata("[1,2]"), Fixture.ACTOR));
    assertRejectedNaming("metadata", () -> f.kw.keys().create(userKey("read").withMetadata("{nope"), Fixture.ACTOR));
  }

  @Test
  void oversizedMetadataIsRejectedNamingMetadata() {
    String big = "{\"a\":\"" + "x".repeat(5000) + "\"}";
    assertRejectedNaming("metadata", () -> f.kw.keys().create(userKey("read").withMetadata(big), Fixture.ACTOR));
  }

  @Test
  void metadataIsStoredCompact() {
    var issued = f.kw.keys().create(userKey("read").withMetadata("{ \"team\" : \"core\" }"), Fixture.ACTOR);
    assertThat(f.kw.store().key(issued.key().id()).orElseThrow().metadata()).isEqualTo("{\"team\":\"core\"}");
  }

  @Test
  void unknownProjectInTheAllowListIsRejectedNamingProjects() {
    assertRejectedNaming("projects", () -> f.kw.keys().create(
        userKey("read").withProjects(List.of("proj_000000000000000000000")), Fixture.ACTOR));
  }

  @Test
  void keyForANonMemberIsRejectedNamingUserId() {
    var stranger = f.kw.store().createUser("eve@example.com", "Eve", Fixture.ACTOR);
    assertRejectedNaming("user_id", () -> f.kw.keys().create(
        NewKeyRequest.userKey(f.workspace.id(), stranger.id(), "k", List.of("read")), Fixture.ACTOR));
  }

  @Test
  void workspaceMaximumLifetimeCapsTheDefault() {
    var ws = f.kw.store().updateWorkspace(f.workspace.id(), null, null, 30, false, Fixture.ACTOR);
    assertThat(ws.maxTtlDays()).isEqualTo(30);
    var issued = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    assertThat(issued.key().expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofDays(30)));
    assertRejectedNaming("ttl_days", () -> f.kw.keys().create(userKey("read").withTtlDays(90), Fixture.ACTOR));
  }

  @Test
  void rotationKeepsBothKeysValidDuringTheGraceAndExpiresTheOldOneAfter() {
    var old = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    var successor = f.kw.keys().rotate(old.key().id(), Duration.ofMinutes(10), Fixture.ACTOR);
    assertThat(successor.key().replacesKeyId()).isEqualTo(old.key().id());
    assertThat(successor.key().scopes()).isEqualTo(old.key().scopes());
    assertThat(f.kw.verify(VerifyRequest.ofKey(old.secret())).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(f.kw.verify(VerifyRequest.ofKey(successor.secret())).status()).isEqualTo(DecisionStatus.VALID);
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(f.kw.verify(VerifyRequest.ofKey(old.secret())).status()).isEqualTo(DecisionStatus.EXPIRED);
    assertThat(f.kw.verify(VerifyRequest.ofKey(successor.secret())).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(f.kw.store().key(old.key().id()).orElseThrow().replacedByKeyId()).isEqualTo(successor.key().id());
  }

  @Test
  void rotatingTwiceIsAConflict() {
    var old = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    f.kw.keys().rotate(old.key().id(), Duration.ofMinutes(10), Fixture.ACTOR);
    assertThatThrownBy(() -> f.kw.keys().rotate(old.key().id(), Duration.ofMinutes(10), Fixture.ACTOR))
        .isInstanceOfSatisfying(KeywardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void rotatingARevokedKeyIsAConflict() {
    var old = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    f.kw.keys().revoke(old.key().id(), Fixture.ACTOR);
    assertThatThrownBy(() -> f.kw.keys().rotate(old.key().id(), Duration.ZERO, Fixture.ACTOR))
        .isInstanceOfSatisfying(KeywardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void graceLongerThanThirtyDaysIsRejectedNamingGraceSeconds() {
    var old = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    assertRejectedNaming("grace_seconds", () -> f.kw.keys().rotate(old.key().id(), Duration.ofDays(31), Fixture.ACTOR));
  }

  @Test
  void projectKeysReachTheirProjectWithFullAccess() {
    var issued = f.kw.keys().create(NewKeyRequest.projectKey(f.workspace.id(), f.projectA.id(), "ci"), Fixture.ACTOR);
    assertThat(issued.key().kind()).isEqualTo(KeyKind.PROJECT);
    var d = f.kw.verify(VerifyRequest.ofKey(issued.secret())
        .withRequirement(f.kw.model().scopes().requireAll(List.of("admin"))));
    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.projectId()).isEqualTo(f.projectA.id());
  }

  @Test
  void operatorKeysAreRefusedAsAccessKeysAndAcceptedAsOperatorKeys() {
    var op = f.kw.keys().createOperatorKey("ops", List.of("admin"), null, Fixture.ACTOR);
    assertThat(op.secret()).startsWith("kw_op_");
    assertThat(f.kw.verify(VerifyRequest.ofKey(op.secret())).status()).isEqualTo(DecisionStatus.WRONG_REALM);
    assertThat(f.kw.verifyOperator(VerifyRequest.ofKey(op.secret())).status()).isEqualTo(DecisionStatus.VALID);
    var access = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    assertThat(f.kw.verifyOperator(VerifyRequest.ofKey(access.secret())).status()).isEqualTo(DecisionStatus.WRONG_REALM);
  }

  @Test
  void everyKeyChangeIsAudited() {
    var issued = f.kw.keys().create(userKey("read"), Fixture.ACTOR);
    f.kw.keys().update(issued.key().id(), KeyUpdate.none().withName("renamed"), Fixture.ACTOR);
    f.kw.keys().revoke(issued.key().id(), Fixture.ACTOR);
    var events = f.kw.store().auditEvents(
        new AuditFilter(null, issued.key().id(), null, null, null), PageRequest.first(10)).items();
    assertThat(events).extracting(e -> e.action())
        .containsExactly("key.revoked", "key.updated", "key.created");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.actor()).isEqualTo("test");
      assertThat(e.clientIp()).isEqualTo("127.0.0.1");
      assertThat(e.userAgent()).isEqualTo("junit");
    });
  }
}
