package io.keywarden.store;

/**
 * Which operator keys to list; {@code null} fields do not filter.
 *
 * @param workspaceId only keys bound to this workspace
 * @param unboundOnly only keys bound to no workspace (deployment-wide keys)
 * @param revoked {@code true}: only revoked keys; {@code false}: only unrevoked ones
 * @param namePrefix only keys whose name starts with this text (case-sensitive)
 */
public record OperatorKeyFilter(String workspaceId, boolean unboundOnly, Boolean revoked, String namePrefix) {
  public static final OperatorKeyFilter ALL = new OperatorKeyFilter(null, false, null, null);

  public OperatorKeyFilter {
    if (unboundOnly && workspaceId != null) {
      throw new IllegalArgumentException("a filter on a workspace cannot ask for unbound keys only");
    }
  }
}
