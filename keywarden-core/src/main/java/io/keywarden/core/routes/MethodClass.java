package io.keywarden.core.routes;

import java.util.List;
import java.util.Locale;

/**
 * A class of HTTP methods for the abilities shorthand ({@code abilities: {read: ..., create: ...}}),
 * as NomaCMS assigns one ability per kind of operation.
 */
public enum MethodClass {
  /** {@code GET} and {@code HEAD}. */
  READ("GET", "HEAD"),
  /** {@code POST}. */
  CREATE("POST"),
  /** {@code PUT} and {@code PATCH}. */
  UPDATE("PUT", "PATCH"),
  /** {@code DELETE}. */
  DELETE("DELETE");

  private final List<String> methods;

  MethodClass(String... methods) {
    this.methods = List.of(methods);
  }

  /** The methods of this class. */
  public List<String> methods() {
    return methods;
  }

  /** The lower-case configuration name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a configuration name, or returns {@code null} if it names no class. */
  public static MethodClass fromWire(String name) {
    for (MethodClass c : values()) {
      if (c.wireName().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
