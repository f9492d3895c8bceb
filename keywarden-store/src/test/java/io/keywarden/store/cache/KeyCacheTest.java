package io.keywarden.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.store.Actor;
import io.keywarden.store.service.KeyUpdate;
import io.keywarden.store.testing.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCacheTest {
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

  private VerifyRequest read(String key) {
    return VerifyRequest.ofKey(key).withRequirement(f.kw.model().scopes().requireAll(List.of("read")));
  }

  @Test
  void aCachedKeyIsVerifiedWithoutReadingTheStore() {
    String key = f.userKey("read").secret();
    assertThat(f.kw.verify(read(key)).status()).isEqualTo(DecisionStatus.VALID);
    long reads = f.kw.cache().storeReads();
    for (int i = 0; i < 100; i++) {
      assertThat(f.kw.verify(read(key)).status()).isEqualTo(DecisionStatus.VALID);
    }
    assertThat(f.kw.cache().storeReads()).isEqualTo(reads);
  }

  @Test
  void revocationIsEnforcedOnTheVeryNextVerification() {
    var issued = f.userKey("read");
    assertThat(f.kw.verify(read(issued.secret())).isValid()).isTrue();
    f.kw.keys().revoke(issued.key().id(), Fixture.ACTOR);
    assertThat(f.kw.verify(read(issued.secret())).status()).isEqualTo(DecisionStatus.REVOKED);
  }

  @Test
  void disablingAKeyIsEnforcedOnTheVeryNextVerification() {
    var issued = f.userKey("read");
    assertThat(f.kw.verify(read(issued.secret())).isValid()).isTrue();
    f.kw.keys().update(issued.key().id(), KeyUpdate.none().withEnabled(false), Fixture.ACTOR);
    assertThat(f.kw.verify(read(issued.secret())).status()).isEqualTo(DecisionStatus.DISABLED);
    f.kw.keys().update(issued.key().id(), KeyUpdate.none().withEnabled(true), Fixture.ACTOR);
    assertThat(f.kw.verify(read(issued.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void narrowingAKeysScopesIsEnforcedOnTheVeryNextVerification() {
    var issued = f.userKey("read", "write");
    assertThat(f.kw.verify(read(issued.secret())).isValid()).isTrue();
    f.kw.keys().update(issued.key().id(), KeyUpdate.none().withScopes(List.of("write")), Fixture.ACTOR);
    assertThat(f.kw.verify(read(issued.secret())).status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }

  @Test
  void downgradingTheOwnersRoleNarrowsTheKeyAtOnce() {
    String key = f.userKey("read", "write").secret();
    var write = VerifyRequest.ofKey(key).withRequirement(f.kw.model().scopes().requireAll(List.of("write")));
    assertThat(f.kw.verify(write).isValid()).isTrue();
    f.kw.store().putMembership(f.workspace.id(), f.user.id(), "viewer", List.of(), null, Fixture.ACTOR);
    var d = f.kw.verify(write);
    assertThat(d.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(d.effectiveScopes().names()).containsExactly("read");
  }

  @Test
  void removingTheOwnerFromTheWorkspaceStopsTheirKeysAtOnce() {
    String key = f.userKey("read").secret();
    assertThat(f.kw.verify(read(key)).isValid()).isTrue();
    f.kw.store().removeMembership(f.workspace.id(), f.user.id(), Fixture.ACTOR);
    assertThat(f.kw.verify(read(key)).status()).isEqualTo(DecisionStatus.OWNER_NOT_MEMBER);
  }

  @Test
  void narrowingTheMembersProjectsIsEnforcedAtOnce() {
    String key = f.userKey("read").secret();
    var onB = read(key).withProject(f.projectB.id(), ProjectSelection.REQUIRED);
    assertThat(f.kw.verify(onB).isValid()).isTrue();
    f.kw.store().putMembership(f.workspace.id(), f.user.id(), "member", List.of(f.projectA.id()), null, Fixture.ACTOR);
    assertThat(f.kw.verify(onB).status()).isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
  }

  @Test
  void deletingAProjectIsEnforcedAtOnce() {
    String key = f.userKey("read").secret();
    var onB = read(key).withProject(f.projectB.id(), ProjectSelection.REQUIRED);
    assertThat(f.kw.verify(onB).isValid()).isTrue();
    f.kw.store().deleteProject(f.projectB.id(), Fixture.ACTOR);
    assertThat(f.kw.verify(onB).status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void deletingTheOwnerRevokesTheirKeysAtOnce() {
    String key = f.userKey("read").secret();
    assertThat(f.kw.verify(read(key)).isValid()).isTrue();
    f.kw.store().deleteUser(f.user.id(), Fixture.ACTOR);
    assertThat(f.kw.verify(read(key)).status()).isIn(DecisionStatus.REVOKED, DecisionStatus.NOT_FOUND);
  }

  @Test
  void deletingTheWorkspaceStopsItsKeysAtOnce() {
    String key = f.userKey("read").secret();
    assertThat(f.kw.verify(read(key)).isValid()).isTrue();
    f.kw.store().deleteWorkspace(f.workspace.id(), Fixture.ACTOR);
    assertThat(f.kw.verify(read(key)).status()).isEqualTo(DecisionStatus.NOT_FOUND);
  }

  @Test
  void anUnknownKeyIsRememberedBrieflyAsUnknown() {
    String unknown = KeyFormat.generate("kw_sk_live");
    assertThat(f.kw.verify(read(unknown)).status()).isEqualTo(DecisionStatus.NOT_FOUND);
    long reads = f.kw.cache().storeReads();
    assertThat(f.kw.verify(read(unknown)).status()).isEqualTo(DecisionStatus.NOT_FOUND);
    assertThat(f.kw.cache().storeReads()).isEqualTo(reads);
    f.clock.advance(CacheSettings.DEFAULTS.negativeTtl().plusSeconds(1));
    assertThat(f.kw.verify(read(unknown)).status()).isEqualTo(DecisionStatus.NOT_FOUND);
    assertThat(f.kw.cache().storeReads()).isEqualTo(reads + 1);
  }

  @Test
  void malformedAndBadChecksumKeysNeverReachTheStore() {
    String key = f.userKey("read").secret();
    long reads = f.kw.cache().storeReads();
    String bad = key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a");
    assertThat(f.kw.verify(read(bad)).status()).isEqualTo(DecisionStatus.BAD_CHECKSUM);
    assertThat(f.kw.verify(read("not a key")).status()).isEqualTo(DecisionStatus.MALFORMED);
    assertThat(f.kw.verify(read(null)).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(f.kw.cache().storeReads()).isEqualTo(reads);
  }

  @Test
  void cachedEntriesExpireAsASafetyNetForLostEvents() {
    String key = f.userKey("read").secret();
    f.kw.verify(read(key));
    long reads = f.kw.cache().storeReads();
    f.clock.advance(CacheSettings.DEFAULTS.keyTtl().plus(Duration.ofSeconds(1)));
    assertThat(f.kw.verify(read(key)).isValid()).isTrue();
    assertThat(f.kw.cache().storeReads()).isGreaterThan(reads);
  }

  @Test
  void aSuspendedWorkspacesKeysAreRefusedAtOnceAndRestoredWhenItIsLifted() {
    var issued = f.userKey("read");
    assertThat(f.kw.verify(read(issued.secret())).isValid()).isTrue();
    long cached = f.kw.cache().cachedKeyCount();

    f.kw.tenants().setSuspended(f.workspace.id(), true, "unpaid invoice", Actor.SYSTEM);
    var refused = f.kw.verify(read(issued.secret()));
    assertThat(refused.status()).isEqualTo(DecisionStatus.WORKSPACE_SUSPENDED);
    assertThat(refused.message()).as("the reason is not shown by default").doesNotContain("unpaid");
    assertThat(f.kw.cache().cachedKey(issued.key().hash()))
        .as("the key stays cached: only the workspace's standing was dropped, by id").isNotNull();
    assertThat(f.kw.cache().cachedKeyCount()).isEqualTo(cached);

    f.kw.tenants().setSuspended(f.workspace.id(), false, null, Actor.SYSTEM);
    assertThat(f.kw.verify(read(issued.secret())).isValid()).isTrue();
  }

  @Test
  void invalidationByWorkspaceDropsOnlyThatWorkspacesStanding() {
    var issued = f.userKey("read");
    f.kw.verify(read(issued.secret()));
    assertThat(f.kw.cache().cachedWorkspace(f.workspace.id())).isNotNull();
    f.kw.cache().invalidateWorkspace("ws_someOtherWorkspace0000");
    assertThat(f.kw.cache().cachedWorkspace(f.workspace.id())).isNotNull();
    f.kw.cache().invalidateWorkspace(f.workspace.id());
    assertThat(f.kw.cache().cachedWorkspace(f.workspace.id())).isNull();
    assertThat(f.kw.cache().cachedKey(issued.key().hash())).isNotNull();
  }

  @Test
  void invalidationByUserDropsThatUsersKeys() {
    var issued = f.userKey("read");
    f.kw.verify(read(issued.secret()));
    f.kw.cache().invalidateUser(f.user.id());
    assertThat(f.kw.cache().cachedKey(issued.key().hash())).isNull();
  }

  @Test
  void invalidationByKeyIdAloneDropsTheKey() {
    var issued = f.userKey("read");
    f.kw.verify(read(issued.secret()));
    f.kw.cache().invalidateKey(issued.key().id(), null);
    assertThat(f.kw.cache().cachedKey(issued.key().hash())).isNull();
  }
}
