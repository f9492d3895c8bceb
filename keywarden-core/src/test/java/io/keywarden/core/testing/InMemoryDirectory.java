package io.keywarden.core.testing;

import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.ProjectRef;
import io.keywarden.core.decision.ResolvedKey;
import io.keywarden.core.decision.ResolvedMembership;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.tenancy.Membership;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AccessDirectory} over plain maps, compiling keys and memberships against the access
 * model on every lookup (so a change made here is seen by the next decision), and counting
 * lookups so tests can prove which checks touch storage.
 */
public final class InMemoryDirectory implements AccessDirectory {
  private final AccessModel model;
  private final Map<KeyHash, ApiKey> keys = new HashMap<>();
  private final Map<String, ProjectRef> projects = new HashMap<>();
  private final Map<List<String>, Membership> memberships = new HashMap<>();
  private final Map<String, io.keywarden.core.decision.WorkspaceStanding> standings = new HashMap<>();
  private int keyLookups;
  private int projectLookups;
  private int membershipLookups;

  public InMemoryDirectory(AccessModel model) {
    this.model = model;
  }

  /** Stores or replaces a key, found by its hash. */
  public void putKey(ApiKey key) {
    keys.put(key.hash(), key);
  }

  public void putProject(String projectId, String workspaceId) {
    projects.put(projectId, new ProjectRef(projectId, workspaceId));
  }

  public void removeProject(String projectId) {
    projects.remove(projectId);
  }

  /** Stores or replaces the membership of its user in its workspace. */
  public void putMembership(Membership m) {
    memberships.put(List.of(m.workspaceId(), m.userId()), m);
  }

  public void removeMembership(String workspaceId, String userId) {
    memberships.remove(List.of(workspaceId, userId));
  }

  public Membership membership(String workspaceId, String userId) {
    return memberships.get(List.of(workspaceId, userId));
  }

  @Override
  public ResolvedKey findKey(KeyHash hash) {
    keyLookups++;
    ApiKey key = keys.get(hash);
    return key == null ? null : ResolvedKey.of(key, model);
  }

  /** Suspends a workspace ({@code null} lifts the suspension). */
  public void putStanding(String workspaceId, io.keywarden.core.decision.WorkspaceStanding standing) {
    if (standing == null) {
      standings.remove(workspaceId);
    } else {
      standings.put(workspaceId, standing);
    }
  }

  @Override
  public io.keywarden.core.decision.WorkspaceStanding findWorkspace(String workspaceId) {
    return standings.getOrDefault(workspaceId, io.keywarden.core.decision.WorkspaceStanding.ACTIVE);
  }

  @Override
  public ProjectRef findProject(String projectId) {
    projectLookups++;
    return projects.get(projectId);
  }

  @Override
  public ResolvedMembership findMembership(String workspaceId, String userId) {
    membershipLookups++;
    Membership m = memberships.get(List.of(workspaceId, userId));
    return m == null ? null : ResolvedMembership.of(m, model);
  }

  public int keyLookups() {
    return keyLookups;
  }

  public int projectLookups() {
    return projectLookups;
  }

  public int membershipLookups() {
    return membershipLookups;
  }

  /** Every lookup of any kind so far. */
  public int lookups() {
    return keyLookups + projectLookups + membershipLookups;
  }
}
