package io.keywarden.server.http;

import io.keywarden.core.decision.DecisionStatus;

/**
 * A request refused because of its credential: carries the decision status (its catalogue error
 * and reason code) and, for a missing scope, the scope needed, for {@code WWW-Authenticate}.
 */
public final class Denied extends RuntimeException {
  private final DecisionStatus status;
  private final String requiredScope;

  public Denied(DecisionStatus status, String requiredScope) {
    super(status.message(), null, false, false);
    this.status = status;
    this.requiredScope = requiredScope;
  }

  public DecisionStatus status() {
    return status;
  }

  /** The scope the request needed, or {@code null}. */
  public String requiredScope() {
    return requiredScope;
  }
}
