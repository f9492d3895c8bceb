package io.keywarden.core.keys;

import java.util.Locale;

/** Whether a key is a secret (server-side) or a publishable (browser-safe) key. */
public enum KeyType {
  /** A server-side key; never to be exposed to a browser. */
  SECRET("sk"),
  /** A browser-safe key that reaches only routes marked public, from allowed origins. */
  PUBLISHABLE("pk");

  private final String shortName;

  KeyType(String shortName) {
    this.shortName = shortName;
  }

  /** The lower-case wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The two-letter form used in default prefixes: {@code sk} or {@code pk}. */
  public String shortName() {
    return shortName;
  }

  /** Parses a wire name, or returns {@code null} if it names no type. */
  public static KeyType fromWire(String name) {
    for (KeyType t : values()) {
      if (t.wireName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
