package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.core.testing.AccessWorld;
import io.keywarden.core.testing.ApiKeyCopy;
import io.keywarden.core.testing.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user key's rights are its scopes intersected with what its owner's role grants now. */
class EffectiveScopesTest {
  private final AccessWorld world = new AccessWorld();
  private final String ws = world.newWorkspace();

  private static VerifyRequest request(String key) {
    return VerifyRequest.ofKey(key).withPublicRoute(false);
  }

  private ScopeRequirement needs(String... scopes) {
    return world.model.scopes().requireAll(List.of(scopes));
  }

  @Test
  void aViewerHoldingAReadWriteKeyGetsOnlyRead() {
    String viewer = world.newMember(ws, "viewer");
    IssuedKey key = world.userKey(ws, viewer, "read", "write");

    Decision read = world.verify(request(key.secret()).withRequirement(needs("read")));
    Decision write = world.verify(request(key.secret()).withRequirement(needs("write")));

    assertThat(read.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(read.effectiveScopes().names()).containsExactly("read");
    assertThat(write.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }

  @Test
  void downgradingTheRoleNarrowsTheKeyAtOnce() {
    String user = world.newMember(ws, "member");
    IssuedKey key = world.userKey(ws, user, "read", "write");
    VerifyRequest write = request(key.secret()).withRequirement(needs("write"));
    assertThat(world.verify(write).status()).isEqualTo(DecisionStatus.VALID);

    world.setMembership(ws, user, "viewer", List.of(), null);

    Decision after = world.verify(write);
    assertThat(after.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(after.effectiveScopes().names()).containsExactly("read");
  }

  @Test
  void upgradingTheRoleNeverGivesMoreThanTheKeysScopes() {
    String owner = world.newMember(ws, "owner");
    IssuedKey key = world.userKey(ws, owner, "read");

    Decision d = world.verify(request(key.secret()).withRequirement(needs("write")));

    assertThat(d.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(d.effectiveScopes().names()).containsExactly("read");
  }

  @Test
  void anAdminKeyOfAMemberIsCappedAtTheMembersRole() {
    String member = world.newMember(ws, "member");
    IssuedKey key = world.userKey(ws, member, "admin");

    Decision d = world.verify(request(key.secret()).withRequirement(needs("admin")));

    assertThat(d.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(d.effectiveScopes().names()).containsExactly("read", "write");
  }

  @Test
  void aRoleNoLongerConfiguredGrantsNothing() {
    String user = world.newMember(ws, "member");
    IssuedKey key = world.userKey(ws, user, "read");
    world.setMembership(ws, user, "retired-role", List.of(), null);

    Decision d = world.verify(request(key.secret()).withRequirement(needs("read")));

    assertThat(d.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
    assertThat(d.effectiveScopes().isEmpty()).isTrue();
    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
  }

  @Test
  void aKeyWithoutScopesPassesOnlyRoutesThatNeedNone() {
    String owner = world.newMember(ws, "owner");
    IssuedKey key = world.userKey(ws, owner);

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(request(key.secret()).withRequirement(needs("read"))).status())
        .isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }

  @Test
  void anyOneAlternativeOfTheRequirementIsEnough() {
    String user = world.newMember(ws, "member");
    IssuedKey key = world.userKey(ws, user, "write");
    ScopeRequirement adminOrWrite =
        world.model.scopes().requireAny(List.of(List.of("admin"), List.of("write")));
    ScopeRequirement readAndWrite = needs("read", "write");

    assertThat(world.verify(request(key.secret()).withRequirement(adminOrWrite)).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(request(key.secret()).withRequirement(readAndWrite)).status())
        .isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }

  @Test
  void scopesAConfigurationNoLongerDefinesAreDropped() {
    String owner = world.newMember(ws, "owner");
    IssuedKey key = world.userKey(ws, owner, "read", "write");
    world.store(ApiKeyCopy.of(key.key()).scopes(List.of("read", "deploy", "legacy:*")).build());

    Decision d = world.verify(request(key.secret()));

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.effectiveScopes().names()).containsExactly("read");
  }

  @Test
  void nodionWildcardsAndRolesCombine() {
    ScopeVocabulary nodion = ScopeVocabulary.of(
        ScopeDefinition.of("read"), ScopeDefinition.of("write"), ScopeDefinition.of("deploy"),
        ScopeDefinition.of("env:read"), ScopeDefinition.of("env:write"), ScopeDefinition.of("logs:read"));
    Map<String, List<String>> roles = new LinkedHashMap<>();
    roles.put("owner", List.of("*"));
    roles.put("operator", List.of("read", "env:*", "logs:read"));
    AccessWorld nodionWorld = new AccessWorld(
        AccessModel.builder().scopes(nodion).roles(roles).build(), Secrets.ringV1());
    String w = nodionWorld.newWorkspace();
    String op = nodionWorld.newMember(w, "operator");
    IssuedKey key = nodionWorld.userKey(w, op, "env:*", "deploy");

    Decision d = nodionWorld.verify(request(key.secret())
        .withRequirement(nodion.requireAll(List.of("env:write"))));
    Decision deploy = nodionWorld.verify(request(key.secret())
        .withRequirement(nodion.requireAll(List.of("deploy"))));

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.effectiveScopes().names()).containsExactly("env:read", "env:write");
    assertThat(deploy.status()).isEqualTo(DecisionStatus.INSUFFICIENT_SCOPE);
  }
}
