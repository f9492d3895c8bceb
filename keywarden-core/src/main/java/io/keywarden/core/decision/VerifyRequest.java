package io.keywarden.core.decision;

import io.keywarden.core.scopes.ScopeRequirement;

/**
 * What a verification is asked: the presented key and the context of the request.
 *
 * @param key the presented key, or {@code null} when the request carried none
 * @param projectId the project the request names (a selecting header, or the path's resource), or
 *     {@code null}
 * @param projectSelection how the request names it: a selection (which project keys ignore) or
 *     the resource (which binds every key)
 * @param requirement the scopes the route needs
 * @param clientIp the client's IP address literal, or {@code null} if unknown
 * @param origin the {@code Origin} header, or {@code null}
 * @param publicRoute whether publishable keys are accepted
 */
public record VerifyRequest(
    String key,
    String projectId,
    ProjectSelection projectSelection,
    ScopeRequirement requirement,
    String clientIp,
    String origin,
    boolean publicRoute) {

  public VerifyRequest {
    projectSelection = projectSelection == null ? ProjectSelection.NONE : projectSelection;
    requirement = requirement == null ? ScopeRequirement.NONE : requirement;
  }

  /** A request that only asks whether the key is valid, with no project, scope or network rule. */
  public static VerifyRequest ofKey(String key) {
    return new VerifyRequest(key, null, ProjectSelection.NONE, ScopeRequirement.NONE, null, null, true);
  }

  public VerifyRequest withProject(String id, ProjectSelection selection) {
    return new VerifyRequest(key, id, selection, requirement, clientIp, origin, publicRoute);
  }

  public VerifyRequest withRequirement(ScopeRequirement r) {
    return new VerifyRequest(key, projectId, projectSelection, r, clientIp, origin, publicRoute);
  }

  public VerifyRequest withClientIp(String ip) {
    return new VerifyRequest(key, projectId, projectSelection, requirement, ip, origin, publicRoute);
  }

  public VerifyRequest withOrigin(String o) {
    return new VerifyRequest(key, projectId, projectSelection, requirement, clientIp, o, publicRoute);
  }

  public VerifyRequest withPublicRoute(boolean p) {
    return new VerifyRequest(key, projectId, projectSelection, requirement, clientIp, origin, p);
  }

  @Override
  public String toString() {
    return "VerifyRequest[project=" + projectId + ", selection=" + projectSelection
        + ", requirement=" + requirement + ", ip=" + clientIp + ", origin=" + origin
        + ", public=" + publicRoute + "]";
  }
}
