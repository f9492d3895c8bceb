package io.keywarden.core.policy;

import io.keywarden.core.scopes.ScopeSet;
import java.util.List;
import java.util.Objects;

/**
 * A workspace role and the scopes it grants its members (and so caps their user keys).
 *
 * @param grants the grant patterns as configured
 * @param granted the compiled scopes
 */
public record Role(String name, List<String> grants, ScopeSet granted) {
  public Role {
    Objects.requireNonNull(name, "name");
    grants = List.copyOf(grants);
    Objects.requireNonNull(granted, "granted");
  }
}
