package io.keywarden.core.keys;

import java.util.Locale;

/** The lifecycle state of a key at a point in time, as shown in lists and filters. */
public enum KeyState {
  ACTIVE,
  EXPIRED,
  REVOKED,
  DISABLED;

  /** The lower-case wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name, or returns {@code null} if it names no state. */
  public static KeyState fromWire(String name) {
    for (KeyState s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
