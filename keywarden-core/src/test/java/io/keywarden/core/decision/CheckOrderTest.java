package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.testing.AccessWorld;
import io.keywarden.core.testing.ApiKeyCopy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixed order of checks: when several would fail, the earliest decides, and checks that come
 * before the lookup never reach storage.
 */
class CheckOrderTest {
  private final AccessWorld world = new AccessWorld();
  private final String ws = world.newWorkspace();
  private final String project = world.newProject(ws);
  private final String otherProject = world.newProject(ws);
  private final String user = world.newMember(ws, "member");

  private static VerifyRequest request(String key) {
    return VerifyRequest.ofKey(key).withPublicRoute(false);
  }

  private VerifyRequest writeOn(String key, String projectId) {
    return request(key)
        .withProject(projectId, ProjectSelection.REQUIRED)
        .withRequirement(world.model.scopes().requireAll(List.of("write")));
  }

  private IssuedKey restrictedKey() {
    return world.issue(NewKeyRequest.userKey(ws, user, "restricted", List.of("read"))
        .withProjects(List.of(project))
        .withAllowedIps(List.of("10.0.0.0/8")));
  }

  @Test
  void missingMalformedAndBadChecksumMakeNoLookups() {
    String good = world.userKey(ws, user, "read").secret();
    String bad = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");

    assertThat(world.verify(request(null)).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(world.verify(request("")).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(world.verify(request("kw_sk_live_short")).status()).isEqualTo(DecisionStatus.MALFORMED);
    assertThat(world.verify(request(bad)).status()).isEqualTo(DecisionStatus.BAD_CHECKSUM);

    assertThat(world.directory.lookups()).isZero();
  }

  @Test
  void precheckAloneAnswersWithoutADirectory() {
    DecisionEngine engine = world.engine;
    String good = world.userKey(ws, user, "read").secret();

    assertThat(engine.precheck(null).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(engine.precheck("nope").status()).isEqualTo(DecisionStatus.MALFORMED);
    assertThat(engine.precheck(good)).isNull();
    assertThat(engine.primaryHash(good)).isEqualTo(world.hasher.hash(good));
  }

  @Test
  void aRevokedKeyFromABadIpIsRevoked() {
    IssuedKey key = restrictedKey();
    world.store(key.key().withRevokedAt(world.clock.instant()));

    Decision d = world.verify(writeOn(key.secret(), otherProject).withClientIp("192.0.2.1"));

    assertThat(d.status()).isEqualTo(DecisionStatus.REVOKED);
  }

  @Test
  void aRevokedKeyThatHasAlsoExpiredIsRevoked() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(ApiKeyCopy.of(key.key()).revokedAt(world.clock.instant()).enabled(false).build());
    world.clock.advance(Duration.ofDays(365));

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.REVOKED);
  }

  @Test
  void anExpiredKeyThatIsAlsoDisabledIsExpired() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(ApiKeyCopy.of(key.key()).enabled(false).build());
    world.clock.advance(Duration.ofDays(365));

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.EXPIRED);
  }

  @Test
  void anExpiredKeyWithAWrongProjectIsExpired() {
    IssuedKey key = restrictedKey();
    world.clock.advance(Duration.ofDays(91));

    Decision d = world.verify(writeOn(key.secret(), "proj_of_someone_else").withClientIp("192.0.2.1"));

    assertThat(d.status()).isEqualTo(DecisionStatus.EXPIRED);
  }

  @Test
  void aDisabledKeyFromABadIpIsDisabled() {
    IssuedKey key = restrictedKey();
    world.store(ApiKeyCopy.of(key.key()).enabled(false).build());

    assertThat(world.verify(request(key.secret()).withClientIp("192.0.2.1")).status())
        .isEqualTo(DecisionStatus.DISABLED);
  }

  @Test
  void anOperatorKeyThatIsRevokedIsTheWrongRealmAtTheGateway() {
    IssuedKey operator = world.issuer.issueOperator("ops", List.of("admin"), null, "root");
    world.store(operator.key().withRevokedAt(world.clock.instant()));

    assertThat(world.verify(request(operator.secret())).status()).isEqualTo(DecisionStatus.WRONG_REALM);
  }

  @Test
  void aBadIpComesBeforeABadOriginAndAPrivateRoute() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "browser", List.of("read"))
        .withType(KeyType.PUBLISHABLE)
        .withAllowedIps(List.of("10.0.0.0/8"))
        .withAllowedOrigins(List.of("https://app.example.com")));

    VerifyRequest r = request(key.secret()).withPublicRoute(false);
    assertThat(world.verify(r.withClientIp("192.0.2.1").withOrigin("https://evil.com")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("10.0.0.1").withOrigin("https://evil.com")).status())
        .isEqualTo(DecisionStatus.ORIGIN_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("10.0.0.1").withOrigin("https://app.example.com")).status())
        .isEqualTo(DecisionStatus.PUBLISHABLE_NOT_ALLOWED);
  }

  @Test
  void aPublishableKeyOnAPrivateRouteIsRefusedBeforeItsOwnerIsLookedUp() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "browser", List.of("read"))
        .withType(KeyType.PUBLISHABLE));
    world.directory.removeMembership(ws, user);

    assertThat(world.verify(request(key.secret()).withPublicRoute(false)).status())
        .isEqualTo(DecisionStatus.PUBLISHABLE_NOT_ALLOWED);
    assertThat(world.directory.membershipLookups()).isZero();
  }

  @Test
  void anOwnerWhoLeftIsRefusedBeforeTheProjectIsResolved() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.directory.removeMembership(ws, user);

    assertThat(world.verify(writeOn(key.secret(), "proj_nope")).status())
        .isEqualTo(DecisionStatus.OWNER_NOT_MEMBER);
    assertThat(world.directory.projectLookups()).isZero();
  }

  @Test
  void aMissingProjectHeaderComesBeforeScopes() {
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(writeOn(key.secret(), null)).status())
        .isEqualTo(DecisionStatus.PROJECT_REQUIRED);
  }

  @Test
  void anUnknownProjectComesBeforeTheAllowList() {
    IssuedKey key = restrictedKey();

    assertThat(world.verify(writeOn(key.secret(), "proj_nope").withClientIp("10.0.0.1")).status())
        .isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void aKeyLackingAScopeAndOutsideItsAllowListIsNotAllowedOnTheProject() {
    IssuedKey key = restrictedKey();

    assertThat(world.verify(writeOn(key.secret(), otherProject).withClientIp("10.0.0.1")).status())
        .isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
    assertThat(world.verify(writeOn(key.secret(), project).withClientIp("10.0.0.1")).status())
        .isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }

  @Test
  void stateChecksMakeNoProjectOrMembershipLookups() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(key.key().withRevokedAt(world.clock.instant()));

    world.verify(writeOn(key.secret(), project));

    assertThat(world.directory.keyLookups()).isEqualTo(1);
    assertThat(world.directory.projectLookups()).isZero();
    assertThat(world.directory.membershipLookups()).isZero();
  }

  @Test
  void aDisabledKeyOfASuspendedWorkspaceIsDisabled() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(ApiKeyCopy.of(key.key()).enabled(false).build());
    world.directory.putStanding(ws, new WorkspaceStanding(true, null));

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.DISABLED);
  }

  @Test
  void aSuspendedWorkspacesKeyFromABadIpLackingScopesIsSuspended() {
    IssuedKey key = restrictedKey();
    world.directory.putStanding(ws, new WorkspaceStanding(true, "Suspended: unpaid invoice."));

    Decision d = world.verify(writeOn(key.secret(), otherProject).withClientIp("192.0.2.1"));

    assertThat(d.status()).isEqualTo(DecisionStatus.WORKSPACE_SUSPENDED);
    assertThat(d.status().httpStatus()).isEqualTo(403);
    assertThat(d.message()).isEqualTo("Suspended: unpaid invoice.");
    assertThat(world.directory.projectLookups()).isZero();
    assertThat(world.directory.membershipLookups()).isZero();
  }

  @Test
  void liftingASuspensionRestoresTheKey() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.directory.putStanding(ws, new WorkspaceStanding(true, null));
    Decision refused = world.verify(request(key.secret()));
    assertThat(refused.status()).isEqualTo(DecisionStatus.WORKSPACE_SUSPENDED);
    assertThat(refused.message()).isEqualTo(DecisionStatus.WORKSPACE_SUSPENDED.message());

    world.directory.putStanding(ws, null);

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }
}
