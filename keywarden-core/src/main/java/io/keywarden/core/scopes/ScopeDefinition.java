package io.keywarden.core.scopes;

import java.util.List;
import java.util.Objects;

/**
 * One scope of a vocabulary and the scope patterns it implies.
 *
 * @param name the scope, e.g. {@code env:read}
 * @param implies patterns this scope grants as well: scope names, {@code ns:*} or {@code *}
 * @param description a human-readable description, may be empty
 */
public record ScopeDefinition(String name, List<String> implies, String description) {
  public ScopeDefinition {
    Objects.requireNonNull(name, "name");
    implies = List.copyOf(implies);
    description = description == null ? "" : description;
  }

  /** A scope that implies nothing else. */
  public static ScopeDefinition of(String name) {
    return new ScopeDefinition(name, List.of(), "");
  }

  /** A scope that implies the given patterns. */
  public static ScopeDefinition of(String name, String... implies) {
    return new ScopeDefinition(name, List.of(implies), "");
  }
}
