package io.keywarden.core.decision;

import io.keywarden.core.keys.KeyKind;

/** Which family of keys a verifier accepts. A key of the other realm is {@link DecisionStatus#WRONG_REALM}. */
public enum Realm {
  /** Tenants' user and project keys: the gateway and the verification API judge these. */
  ACCESS,
  /** Operator keys for Keywarden's own management API. */
  OPERATOR;

  /** Whether a key of this kind belongs to this realm. */
  public boolean accepts(KeyKind kind) {
    return (kind == KeyKind.OPERATOR) == (this == OPERATOR);
  }
}
