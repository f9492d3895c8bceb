package io.keywarden.core.keys;

import java.util.Locale;

/** Who a key belongs to, which decides how its rights are computed. */
public enum KeyKind {
  /** Owned by a user; its rights are its scopes intersected with what the user's role grants. */
  USER,
  /** Bound to one project with full access to it; not scope-gated and independent of any user. */
  PROJECT,
  /** Authenticates to Keywarden's own management API; never accepted by the gateway. */
  OPERATOR;

  /** The lower-case wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name, or returns {@code null} if it names no kind. */
  public static KeyKind fromWire(String name) {
    for (KeyKind k : values()) {
      if (k.wireName().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
