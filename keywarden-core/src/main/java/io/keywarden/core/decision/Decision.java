package io.keywarden.core.decision;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.scopes.ScopeSet;
import java.util.List;

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
  private final ScopeSet grant;
  private final ScopeSet cap;
  private final long decidedAtMillis;
  private final List<String> memberReach;
  private ScopeSet effective; // grant ∩ cap, computed on first use
  private String message; // a public message more specific than the status's, or null

  Decision(DecisionStatus status, ResolvedKey key, String projectId, ScopeSet effectiveScopes) {
    this(status, key, projectId, effectiveScopes, null, 0);
  }

  /**
   * @param grant the key's own scopes, or {@code null} before the checks got that far
   * @param cap what the owner's role allows, or {@code null} when the key is not capped
   */
  Decision(DecisionStatus status, ResolvedKey key, String projectId, ScopeSet grant, ScopeSet cap,
      long decidedAtMillis) {
    this(status, key, projectId, grant, cap, decidedAtMillis, List.of());
  }

  /**
   * @param memberReach the projects the owner's membership reaches; empty means every project of
   *     the workspace (and for keys that have no owner)
   */
  Decision(DecisionStatus status, ResolvedKey key, String projectId, ScopeSet grant, ScopeSet cap,
      long decidedAtMillis, List<String> memberReach) {
    this.status = status;
    this.key = key;
    this.projectId = projectId;
    this.grant = grant;
    this.cap = cap;
    this.decidedAtMillis = decidedAtMillis;
    this.memberReach = memberReach;
  }

  /**
   * The projects a user key may reach now: its allow-list intersected with its owner's
   * membership reach, in the allow-list's order (else the membership's). {@code null} when it
   * reaches every project of its workspace, present and future, and for other kinds of key;
   * an empty list when the two lists have nothing in common.
   */
  public List<String> reachableProjects() {
    if (key == null || key.key().kind() != io.keywarden.core.keys.KeyKind.USER) {
      return null;
    }
    List<String> own = key.key().projectIds();
    if (memberReach.isEmpty()) {
      return own.isEmpty() ? null : own;
    }
    if (own.isEmpty()) {
      return memberReach;
    }
    List<String> both = new java.util.ArrayList<>(own.size());
    for (String p : own) {
      if (memberReach.contains(p)) {
        both.add(p);
      }
    }
    return both;
  }

  /** This decision with a public message more specific than its status's ({@code null} keeps it). */
  Decision withMessage(String publicMessage) {
    this.message = publicMessage;
    return this;
  }

  /**
   * The public message of a denial: the status's, or a more specific one (a suspended workspace's
   * reason, when the deployment shows it). Never contains the key.
   */
  public String message() {
    return message != null ? message : status.message();
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
    ScopeSet e = effective;
    if (e == null && grant != null) {
      e = effective = cap == null ? grant : grant.intersect(cap);
    }
    return e;
  }

  /** The engine's clock reading when it decided, in epoch milliseconds (0 for early denials). */
  public long decidedAtMillis() {
    return decidedAtMillis;
  }

  @Override
  public String toString() {
    return "Decision[" + status.reason()
        + (key == null ? "" : ", key=" + key.key().id() + " " + key.key().display())
        + (projectId == null ? "" : ", project=" + projectId)
        + (grant == null ? "" : ", scopes=" + effectiveScopes())
        + "]";
  }
}
