package io.keywarden.core.decision;

import io.keywarden.core.keys.KeyHash;
import java.util.Objects;

/** An {@link AccessDirectory} that finds only the keys of one workspace (see {@link AccessDirectory#within}). */
final class WorkspaceConfinedDirectory implements AccessDirectory {
  private final AccessDirectory inner;
  private final String workspaceId;

  WorkspaceConfinedDirectory(AccessDirectory inner, String workspaceId) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.workspaceId = Objects.requireNonNull(workspaceId, "workspaceId");
  }

  @Override
  public ResolvedKey findKey(KeyHash hash) {
    ResolvedKey k = inner.findKey(hash);
    return k == null || !workspaceId.equals(k.key().workspaceId()) ? null : k;
  }

  @Override
  public ProjectRef findProject(String projectId) {
    return inner.findProject(projectId);
  }

  @Override
  public ResolvedMembership findMembership(String workspaceId, String userId) {
    return inner.findMembership(workspaceId, userId);
  }

  @Override
  public ResolvedMembership findOwnerMembership(ResolvedKey key) {
    return inner.findOwnerMembership(key);
  }
}
