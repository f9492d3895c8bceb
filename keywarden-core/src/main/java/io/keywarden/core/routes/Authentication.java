package io.keywarden.core.routes;

import java.util.Locale;

/** Whether a route needs an API key. */
public enum Authentication {
  /** A valid key is required; without one the request is answered 401. The default. */
  REQUIRED,
  /**
   * A key may be given; if it is, it must be valid and its identity is passed upstream. Without
   * one the request passes anonymously. Such routes cannot require scopes.
   */
  OPTIONAL,
  /** No key is looked at; the request passes anonymously and any credential is forwarded as is. */
  NONE;

  /** The lower-case configuration name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a configuration name, or returns {@code null} if it names no value. */
  public static Authentication fromWire(String name) {
    for (Authentication a : values()) {
      if (a.wireName().equals(name)) {
        return a;
      }
    }
    return null;
  }
}
