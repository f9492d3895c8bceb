package io.keywarden.core.decision;

/**
 * Whether a workspace's keys may be used: an active workspace, or a suspended one (billing,
 * abuse) whose access keys the engine refuses with {@code WORKSPACE_SUSPENDED}.
 *
 * @param publicMessage the message a refused request gets, or {@code null} for the status's own;
 *     the directory decides whether it carries the suspension reason (a deployment choice)
 */
public record WorkspaceStanding(boolean suspended, String publicMessage) {
  /** A workspace in good standing. */
  public static final WorkspaceStanding ACTIVE = new WorkspaceStanding(false, null);
}
