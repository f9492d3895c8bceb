package io.keywarden.core.decision;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.scopes.ScopeSet;

/**
 * The answer to a verification: a {@link DecisionStatus} and, once the key was found, its
 * identity, the selected project and the effective scopes.
 *
 * <p>Denials that happen before the key is found are shared constants, so rejecting garbage
 * allocates nothing.
 */
public final class Decision {
  static final Decision MISSING = new Decision(DecisionStatus.MISSING, null, null, null);
  static final Decision MALFORMED = new Decision(DecisionStatus.MALFORMED, null, null, null);
  static final Decision BAD_CHECKSUM = new Decision(DecisionStatus.BAD_CHECKSUM, null, null, null);
  static final Decision NOT_FOUND = new Decision(DecisionStatus.NOT_FOUND, null, null, null);

  private final DecisionStatus status;
  private final ResolvedKey key;
  private final String projectId;
  private final ScopeSet effectiveScopes;

  Decision(DecisionStatus status, ResolvedKey key, String projectId, ScopeSet effectiveScopes) {
    this.status = status;
    this.key = key;
    this.projectId = projectId;
    this.effectiveScopes = effectiveScopes;
  }

  /** The outcome. */
  public DecisionStatus status() {
    return status;
  }

  /** Whether the request may proceed. */
  public boolean isValid() {
    return status == DecisionStatus.VALID;
  }

  /** The stable reason code, e.g. {@code revoked}. */
  public String reason() {
    return status.reason();
  }

  /** The key, once found; {@code null} for {@code MISSING}, {@code MALFORMED}, {@code BAD_CHECKSUM}, {@code NOT_FOUND}. */
  public ApiKey key() {
    return key == null ? null : key.key();
  }

  /** The compiled key, once found, else {@code null}. */
  public ResolvedKey resolvedKey() {
    return key;
  }

  /** The project the request acts on, or {@code null} when it is not project-scoped or not yet resolved. */
  public String projectId() {
    return projectId;
  }

  /**
   * What the key may do now: its scopes intersected with its owner's role for user keys, every
   * scope for project keys. {@code null} until the checks got that far.
   */
  public ScopeSet effectiveScopes() {
    return effectiveScopes;
  }

  @Override
  public String toString() {
    return "Decision[" + status.reason()
        + (key == null ? "" : ", key=" + key.key().id() + " " + key.key().display())
        + (projectId == null ? "" : ", project=" + projectId)
        + (effectiveScopes == null ? "" : ", scopes=" + effectiveScopes)
        + "]";
  }
}
