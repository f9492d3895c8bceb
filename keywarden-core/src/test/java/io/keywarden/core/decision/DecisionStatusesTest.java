package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.testing.AccessWorld;
import io.keywarden.core.testing.ApiKeyCopy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One scenario per {@link DecisionStatus}: the engine reaches each outcome and only that one. */
class DecisionStatusesTest {
  private final AccessWorld world = new AccessWorld();
  private final String ws = world.newWorkspace();
  private final String project = world.newProject(ws);
  private final String user = world.newMember(ws, "member");

  private static VerifyRequest request(String key) {
    return VerifyRequest.ofKey(key).withPublicRoute(false);
  }

  private IssuedKey publishableKey(List<String> origins) {
    return world.issue(NewKeyRequest.userKey(ws, user, "browser", List.of("read"))
        .withType(KeyType.PUBLISHABLE).withAllowedOrigins(origins));
  }

  @Test
  void valid() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision d = world.verify(request(key.secret())
        .withRequirement(world.model.scopes().requireAll(List.of("read")))
        .withProject(project, ProjectSelection.REQUIRED));

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.isValid()).isTrue();
    assertThat(d.reason()).isEqualTo("valid");
    assertThat(d.key().id()).isEqualTo(key.key().id());
    assertThat(d.resolvedKey().key()).isEqualTo(key.key());
    assertThat(d.projectId()).isEqualTo(project);
    assertThat(d.effectiveScopes().names()).containsExactly("read");
  }

  @Test
  void missing() {
    assertThat(world.verify(request(null)).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(world.verify(request("")).status()).isEqualTo(DecisionStatus.MISSING);
    assertThat(world.directory.lookups()).isZero();
  }

  @Test
  void malformed() {
    Decision d = world.verify(request("Bearer not-a-key"));

    assertThat(d.status()).isEqualTo(DecisionStatus.MALFORMED);
    assertThat(d.key()).isNull();
    assertThat(d.resolvedKey()).isNull();
    assertThat(d.projectId()).isNull();
    assertThat(d.effectiveScopes()).isNull();
    assertThat(world.directory.lookups()).isZero();
  }

  @Test
  void badChecksum() {
    String secret = world.userKey(ws, user, "read").secret();
    char last = secret.charAt(secret.length() - 1);
    String mistyped = secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a');

    assertThat(world.verify(request(mistyped)).status()).isEqualTo(DecisionStatus.BAD_CHECKSUM);
    assertThat(world.directory.lookups()).isZero();
  }

  @Test
  void notFound() {
    Decision d = world.verify(request(KeyFormat.generate("kw_sk_live")));

    assertThat(d.status()).isEqualTo(DecisionStatus.NOT_FOUND);
    assertThat(d.key()).isNull();
    assertThat(world.directory.keyLookups()).isEqualTo(1);
  }

  @Test
  void wrongRealmForAnOperatorKeyAtTheGateway() {
    IssuedKey operator = world.issuer.issueOperator("ops", List.of("admin"), null, "root");
    world.store(operator.key());

    Decision d = world.verify(request(operator.secret()));

    assertThat(d.status()).isEqualTo(DecisionStatus.WRONG_REALM);
    assertThat(d.key().id()).isEqualTo(operator.key().id());
  }

  @Test
  void wrongRealmForAnAccessKeyAtTheManagementApi() {
    DecisionEngine management = new DecisionEngine(world.hasher, world.clock, Realm.OPERATOR);
    IssuedKey access = world.userKey(ws, user, "read");
    IssuedKey project = world.projectKey(ws, this.project);

    assertThat(management.verify(request(access.secret()), world.directory).status())
        .isEqualTo(DecisionStatus.WRONG_REALM);
    assertThat(management.verify(request(project.secret()), world.directory).status())
        .isEqualTo(DecisionStatus.WRONG_REALM);
  }

  @Test
  void anOperatorKeyIsValidAtTheManagementApiWithItsScopes() {
    DecisionEngine management = new DecisionEngine(world.hasher, world.clock, Realm.OPERATOR);
    IssuedKey operator = world.issuer.issueOperator("ops", List.of("keys:write"), null, "root");
    world.store(operator.key());
    var scopes = world.model.operatorScopes();

    Decision read = management.verify(request(operator.secret())
        .withRequirement(scopes.requireAll(List.of("keys:read"))), world.directory);
    Decision audit = management.verify(request(operator.secret())
        .withRequirement(scopes.requireAll(List.of("audit:read"))), world.directory);

    assertThat(read.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(read.effectiveScopes().names()).containsExactly("keys:read", "keys:write");
    assertThat(audit.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(management.realm()).isEqualTo(Realm.OPERATOR);
  }

  @Test
  void revoked() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(key.key().withRevokedAt(world.clock.instant()));

    Decision d = world.verify(request(key.secret()));

    assertThat(d.status()).isEqualTo(DecisionStatus.REVOKED);
    assertThat(d.key().id()).isEqualTo(key.key().id());
    assertThat(d.effectiveScopes()).isNull();
  }

  @Test
  void expiredExactlyAtTheExpiryInstantAndAfter() {
    IssuedKey key = world.userKey(ws, user, "read");
    ApiKey stored = key.key();
    assertThat(stored.expiresAt()).isEqualTo(AccessWorld.START.plus(Duration.ofDays(90)));

    world.clock.set(stored.expiresAt().minusMillis(1));
    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);

    world.clock.set(stored.expiresAt());
    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.EXPIRED);

    world.clock.advance(Duration.ofDays(400));
    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.EXPIRED);
  }

  @Test
  void aKeyWithoutExpiryNeverExpires() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "forever", List.of()).withNoExpiry());
    world.clock.advance(Duration.ofDays(365 * 50));

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void disabled() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.store(ApiKeyCopy.of(key.key()).enabled(false).build());

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.DISABLED);

    world.store(key.key());
    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void ipNotAllowedOutsideTheBlocksAndAllowedInside() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "office", List.of("read"))
        .withAllowedIps(List.of("10.0.0.0/8", "2001:db8::/32")));
    VerifyRequest r = request(key.secret());

    assertThat(world.verify(r.withClientIp("192.168.1.1")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("11.0.0.0")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("2001:db9::1")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("10.1.2.3")).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(r.withClientIp("::ffff:10.1.2.3")).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(r.withClientIp("[2001:db8::42]")).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void ipNotAllowedWhenTheClientAddressIsUnknownOrUnparseable() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "office", List.of("read"))
        .withAllowedIps(List.of("0.0.0.0/0")));
    VerifyRequest r = request(key.secret());

    assertThat(world.verify(r.withClientIp(null)).status()).isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("")).status()).isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("unknown")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
    assertThat(world.verify(r.withClientIp("10.0.0.1, 10.0.0.2")).status())
        .isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
  }

  @Test
  void aKeyWithoutAnIpListIsAcceptedFromAnywhereEvenWithoutAnAddress() {
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(request(key.secret()).withClientIp(null)).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(request(key.secret()).withClientIp("garbage")).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void originNotAllowed() {
    IssuedKey key = publishableKey(List.of("https://app.example.com", "https://*.example.org"));
    VerifyRequest r = request(key.secret()).withPublicRoute(true);

    assertThat(world.verify(r.withOrigin("https://evil.com")).status())
        .isEqualTo(DecisionStatus.ORIGIN_NOT_ALLOWED);
    assertThat(world.verify(r.withOrigin("https://example.org")).status())
        .isEqualTo(DecisionStatus.ORIGIN_NOT_ALLOWED);
    assertThat(world.verify(r.withOrigin(null)).status())
        .isEqualTo(DecisionStatus.ORIGIN_NOT_ALLOWED);
    assertThat(world.verify(r.withOrigin("https://app.example.com")).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(r.withOrigin("https://shop.example.org")).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void aPublishableKeyWithoutAnOriginListIsAcceptedFromAnyOrigin() {
    IssuedKey key = publishableKey(List.of());
    VerifyRequest r = request(key.secret()).withPublicRoute(true);

    assertThat(world.verify(r.withOrigin(null)).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(r.withOrigin("https://anywhere.test")).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void publishableNotAllowedOnARouteThatIsNotPublic() {
    IssuedKey key = publishableKey(List.of());

    assertThat(world.verify(request(key.secret()).withPublicRoute(false)).status())
        .isEqualTo(DecisionStatus.PUBLISHABLE_NOT_ALLOWED);
    assertThat(world.verify(request(key.secret()).withPublicRoute(true)).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void aSecretKeyIsAcceptedOnPublicRoutes() {
    IssuedKey key = world.userKey(ws, user, "read");
    assertThat(world.verify(request(key.secret()).withPublicRoute(true)).status())
        .isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void ownerNotMember() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.directory.removeMembership(ws, user);

    assertThat(world.verify(request(key.secret())).status())
        .isEqualTo(DecisionStatus.OWNER_NOT_MEMBER);
  }

  @Test
  void ownerNotMemberWhenTheMembershipIsOfAnotherWorkspace() {
    IssuedKey key = world.userKey(ws, user, "read");
    world.directory.removeMembership(ws, user);
    world.setMembership(world.newWorkspace(), user, "owner", List.of(), null);

    assertThat(world.verify(request(key.secret())).status())
        .isEqualTo(DecisionStatus.OWNER_NOT_MEMBER);
  }

  @Test
  void projectRequiredWhenTheRouteRequiresOneAndNoneIsGiven() {
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(request(key.secret()).withProject(null, ProjectSelection.REQUIRED))
        .status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
    assertThat(world.verify(request(key.secret()).withProject("", ProjectSelection.REQUIRED))
        .status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
  }

  @Test
  void projectRequiredWhenFallingBackWithoutADefaultProject() {
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(request(key.secret()).withProject(null, ProjectSelection.DEFAULT_FALLBACK))
        .status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
  }

  @Test
  void projectNotFoundForAnUnknownId() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision d = world.verify(request(key.secret()).withProject("proj_nope", ProjectSelection.REQUIRED));

    assertThat(d.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(d.projectId()).isNull();
  }

  @Test
  void aProjectOfAnotherWorkspaceGivesExactlyTheUnknownProjectDecision() {
    IssuedKey key = world.userKey(ws, user, "read");
    String foreign = world.newProject(world.newWorkspace());

    Decision unknown = world.verify(request(key.secret()).withProject("proj_nope", ProjectSelection.REQUIRED));
    Decision other = world.verify(request(key.secret()).withProject(foreign, ProjectSelection.REQUIRED));

    assertThat(other.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(other.status()).isEqualTo(unknown.status());
    assertThat(other.reason()).isEqualTo(unknown.reason());
    assertThat(other.status().message()).isEqualTo(unknown.status().message());
    assertThat(other.status().httpStatus()).isEqualTo(unknown.status().httpStatus()).isEqualTo(404);
    assertThat(other.projectId()).isEqualTo(unknown.projectId()).isNull();
    assertThat(other.effectiveScopes()).isEqualTo(unknown.effectiveScopes()).isNull();
    assertThat(other.toString()).isEqualTo(unknown.toString());
  }

  @Test
  void projectNotAllowedByTheKeysAllowList() {
    String other = world.newProject(ws);
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "one project", List.of("read"))
        .withProjects(List.of(project)));

    Decision d = world.verify(request(key.secret()).withProject(other, ProjectSelection.REQUIRED));

    assertThat(d.status()).isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
    assertThat(d.projectId()).isEqualTo(other);
    assertThat(world.verify(request(key.secret()).withProject(project, ProjectSelection.REQUIRED))
        .status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void projectNotAllowedBeyondTheMembersReach() {
    String other = world.newProject(ws);
    world.setMembership(ws, user, "member", List.of(project), null);
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(request(key.secret()).withProject(other, ProjectSelection.REQUIRED))
        .status()).isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
    assertThat(world.verify(request(key.secret()).withProject(project, ProjectSelection.REQUIRED))
        .status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void insufficientScope() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision d = world.verify(request(key.secret())
        .withRequirement(world.model.scopes().requireAll(List.of("write"))));

    assertThat(d.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(d.effectiveScopes().names()).containsExactly("read");
    assertThat(d.key().id()).isEqualTo(key.key().id());
  }

  @Test
  void aDecisionsStringNeverShowsTheKey() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision d = world.verify(request(key.secret()));

    assertThat(d.toString()).doesNotContain(key.secret()).contains(key.key().display());
    assertThat(request(key.secret()).toString()).doesNotContain(key.secret());
  }
}
