package io.keywarden.core.scopes;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a request needs: one or more alternatives, each a set of scopes that must all be granted.
 *
 * <p>{@link #NONE} (no alternatives) is always satisfied. Build requirements with {@link
 * ScopeVocabulary#requireAll} and {@link ScopeVocabulary#requireAny}.
 */
public final class ScopeRequirement {
  /** The requirement that any key satisfies. */
  public static final ScopeRequirement NONE = new ScopeRequirement(List.of(), List.of());

  private final ScopeSet[] alternatives;
  private final List<List<String>> names;

  ScopeRequirement(List<ScopeSet> alternatives, List<List<String>> names) {
    this.alternatives = alternatives.toArray(new ScopeSet[0]);
    this.names = names.stream().map(List::copyOf).toList();
  }

  /** Whether {@code granted} satisfies at least one alternative (or there are none). */
  public boolean isSatisfiedBy(ScopeSet granted) {
    if (alternatives.length == 0) {
      return true;
    }
    for (ScopeSet alt : alternatives) {
      if (granted.containsAll(alt)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code a ∩ b} satisfies at least one alternative, without building the intersection:
   * an alternative is within the intersection exactly when it is within both.
   */
  public boolean isSatisfiedByBoth(ScopeSet a, ScopeSet b) {
    if (alternatives.length == 0) {
      return true;
    }
    for (ScopeSet alt : alternatives) {
      if (a.containsAll(alt) && b.containsAll(alt)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this requirement asks for nothing. */
  public boolean isNone() {
    return alternatives.length == 0;
  }

  /** The alternatives by scope name, as written. */
  public List<List<String>> alternatives() {
    return names;
  }

  /** A readable form for messages, e.g. {@code "read and write" or "admin"}. */
  public String describe() {
    return names.stream()
        .map(alt -> String.join(" and ", alt))
        .collect(Collectors.joining("\" or \"", "\"", "\""));
  }

  @Override
  public String toString() {
    return isNone() ? "none" : describe();
  }
}
