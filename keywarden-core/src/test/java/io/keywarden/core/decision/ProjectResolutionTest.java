package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.testing.AccessWorld;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which project a request acts on: selection modes, project keys, fallback and allow-lists. */
class ProjectResolutionTest {
  private final AccessWorld world = new AccessWorld();
  private final String ws = world.newWorkspace();
  private final String project = world.newProject(ws);
  private final String second = world.newProject(ws);
  private final String user = world.newMember(ws, "member");

  private static VerifyRequest request(String key) {
    return VerifyRequest.ofKey(key).withPublicRoute(false);
  }

  /** A request on a route that requires a project, selecting {@code projectId}. */
  private static VerifyRequest on(IssuedKey key, String projectId) {
    return request(key.secret()).withProject(projectId, ProjectSelection.REQUIRED);
  }

  /** A request whose path names {@code projectId} as its resource. */
  private static VerifyRequest resource(IssuedKey key, String projectId) {
    return request(key.secret()).withProject(projectId, ProjectSelection.RESOURCE);
  }

  private static VerifyRequest optional(IssuedKey key, String projectId) {
    return request(key.secret()).withProject(projectId, ProjectSelection.OPTIONAL);
  }

  private static VerifyRequest withFallback(IssuedKey key, String projectId) {
    return request(key.secret()).withProject(projectId, ProjectSelection.DEFAULT_FALLBACK);
  }

  @Test
  void aProjectKeyActsOnItsOwnProjectWhateverTheRequestSelects() {
    IssuedKey key = world.projectKey(ws, project);

    for (ProjectSelection selection : ProjectSelection.values()) {
      if (selection == ProjectSelection.RESOURCE) {
        continue; // a resource is not a selection: see the tests below
      }
      for (String asked : new String[] {null, "", second, "proj_nope"}) {
        Decision d = world.verify(request(key.secret()).withProject(asked, selection));
        assertThat(d.status()).as("%s %s", selection, asked).isEqualTo(DecisionStatus.VALID);
        assertThat(d.projectId()).isEqualTo(project);
      }
    }
  }

  @Test
  void aProjectKeyReachesThePathsProjectOnlyWhenItIsItsOwn() {
    IssuedKey key = world.projectKey(ws, project);

    Decision own = world.verify(resource(key, project));

    assertThat(own.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(own.projectId()).isEqualTo(project);
  }

  @Test
  void aProjectKeyIsRefusedForAnotherProjectsPathExactlyAsForAnUnknownOne() {
    IssuedKey key = world.projectKey(ws, project);
    String foreign = world.newProject(world.newWorkspace());

    Decision sibling = world.verify(resource(key, second));
    Decision otherWorkspace = world.verify(resource(key, foreign));
    Decision unknown = world.verify(resource(key, "proj_nope"));

    assertThat(sibling.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(otherWorkspace.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(unknown.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(sibling.projectId()).isNull();
    assertThat(otherWorkspace.projectId()).isNull();
  }

  @Test
  void aProjectKeyOnAResourceRouteWithoutAnIdNeedsOne() {
    IssuedKey key = world.projectKey(ws, project);

    assertThat(world.verify(resource(key, null)).status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
    assertThat(world.verify(resource(key, "")).status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
  }

  @Test
  void aUserKeyTreatsThePathsProjectLikeARequiredOne() {
    IssuedKey key = world.userKey(ws, user, "read");
    String foreign = world.newProject(world.newWorkspace());

    assertThat(world.verify(resource(key, second)).projectId()).isEqualTo(second);
    assertThat(world.verify(resource(key, foreign)).status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
    assertThat(world.verify(resource(key, null)).status()).isEqualTo(DecisionStatus.PROJECT_REQUIRED);
  }

  @Test
  void aProjectKeyIsNotScopeGated() {
    IssuedKey key = world.projectKey(ws, project);
    var scopes = world.model.scopes();

    Decision d = world.verify(request(key.secret())
        .withRequirement(scopes.requireAll(List.of("read", "write", "admin"))));

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.effectiveScopes()).isEqualTo(scopes.all());
  }

  @Test
  void aProjectKeyDependsOnNoUser() {
    IssuedKey key = world.projectKey(ws, project);
    world.directory.removeMembership(ws, user);

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.VALID);
    assertThat(world.directory.membershipLookups()).isZero();
  }

  @Test
  void aProjectKeyWhoseProjectIsGoneFindsNoProject() {
    IssuedKey key = world.projectKey(ws, project);
    world.directory.removeProject(project);

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void aProjectKeyWhoseProjectIsInAnotherWorkspaceFindsNoProject() {
    IssuedKey key = world.projectKey(ws, project);
    world.directory.putProject(project, world.newWorkspace());

    assertThat(world.verify(request(key.secret())).status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void withoutProjectSelectionAGivenIdIsIgnored() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision d = world.verify(request(key.secret()).withProject("proj_nope", ProjectSelection.NONE));

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.projectId()).isNull();
    assertThat(world.directory.projectLookups()).isZero();
  }

  @Test
  void anOptionalProjectMayBeLeftOut() {
    IssuedKey key = world.userKey(ws, user, "read");

    Decision none = world.verify(optional(key, null));
    Decision given = world.verify(optional(key, second));
    Decision unknown = world.verify(optional(key, "proj_x"));

    assertThat(none.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(none.projectId()).isNull();
    assertThat(given.projectId()).isEqualTo(second);
    assertThat(unknown.status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void theDefaultProjectIsUsedWhenNoneIsGiven() {
    world.setMembership(ws, user, "member", List.of(), second);
    IssuedKey key = world.userKey(ws, user, "read");

    Decision fallback = world.verify(withFallback(key, null));
    Decision explicit = world.verify(withFallback(key, project));

    assertThat(fallback.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(fallback.projectId()).isEqualTo(second);
    assertThat(explicit.projectId()).isEqualTo(project);
  }

  @Test
  void theDefaultProjectIsStillCheckedAgainstTheKeysAllowList() {
    world.setMembership(ws, user, "member", List.of(), second);
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "k", List.of("read"))
        .withProjects(List.of(project)));

    assertThat(world.verify(withFallback(key, null))
        .status()).isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
  }

  @Test
  void aDeletedDefaultProjectIsNotFound() {
    String doomed = world.newProject(ws);
    world.setMembership(ws, user, "member", List.of(), doomed);
    IssuedKey key = world.userKey(ws, user, "read");
    world.directory.removeProject(doomed);

    assertThat(world.verify(withFallback(key, null))
        .status()).isEqualTo(DecisionStatus.PROJECT_NOT_FOUND);
  }

  @Test
  void anEmptyAllowListReachesEveryProjectOfTheOwnerIncludingLaterOnes() {
    IssuedKey key = world.userKey(ws, user, "read");
    String later = world.newProject(ws);

    for (String p : List.of(project, second, later)) {
      assertThat(world.verify(on(key, p)).status())
          .as(p).isEqualTo(DecisionStatus.VALID);
    }
  }

  @Test
  void anEmptyAllowListReachesOnlyWhatTheMemberReaches() {
    world.setMembership(ws, user, "member", List.of(second), null);
    IssuedKey key = world.userKey(ws, user, "read");

    assertThat(world.verify(on(key, second)).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(on(key, project)).status())
        .isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
  }

  @Test
  void narrowingTheMembersReachNarrowsTheirKeysAtOnce() {
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "k", List.of("read"))
        .withProjects(List.of(project, second)));
    VerifyRequest onSecond = on(key, second);
    assertThat(world.verify(onSecond).status()).isEqualTo(DecisionStatus.VALID);

    world.setMembership(ws, user, "member", List.of(project), null);

    assertThat(world.verify(onSecond).status()).isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
  }

  @Test
  void aKeysAllowListAndTheMembersReachMustBothAllowTheProject() {
    world.setMembership(ws, user, "member", List.of(project, second), null);
    String third = world.newProject(ws);
    IssuedKey key = world.issue(NewKeyRequest.userKey(ws, user, "k", List.of("read"))
        .withProjects(List.of(second, third)));

    assertThat(world.verify(on(key, project)).status())
        .isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
    assertThat(world.verify(on(key, second)).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(on(key, third)).status())
        .isEqualTo(DecisionStatus.PROJECT_NOT_ALLOWED);
  }
}
