package io.keywarden.core.scopes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A naive reference for scope grants, written for clarity rather than speed: a recursive search
 * over the definitions with a visited set.
 *
 * <p>Semantics: a pattern grants a defined scope {@code s} when it is {@code *}; or it is a defined
 * scope {@code d} and {@code d} grants {@code s}; or it is {@code ns:*} and some defined scope
 * whose name starts with {@code ns:} grants {@code s}. A defined scope grants itself and whatever
 * its implied patterns grant. So {@code ns:*} is exactly the union of granting each scope of the
 * namespace by name, implications included.
 */
final class ScopeModel {
  final Map<String, List<String>> implies;

  ScopeModel(Map<String, List<String>> implies) {
    this.implies = new LinkedHashMap<>(implies);
  }

  static ScopeModel of(ScopeVocabulary vocabulary) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    vocabulary.definitions().forEach(d -> m.put(d.name(), d.implies()));
    return new ScopeModel(m);
  }

  List<String> names() {
    return new ArrayList<>(implies.keySet());
  }

  boolean isValidPattern(String pattern) {
    if (pattern.equals("*") || implies.containsKey(pattern)) {
      return true;
    }
    if (pattern.endsWith(":*")) {
      String ns = pattern.substring(0, pattern.length() - 1);
      return implies.keySet().stream().anyMatch(n -> n.startsWith(ns));
    }
    return false;
  }

  /** Whether any of {@code patterns} grants {@code scope}. */
  boolean grants(List<String> patterns, String scope) {
    for (String p : patterns) {
      if (patternGrants(p, scope, new HashSet<>())) {
        return true;
      }
    }
    return false;
  }

  private boolean patternGrants(String pattern, String scope, Set<String> visited) {
    if (!implies.containsKey(scope)) {
      return false;
    }
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(":*")) {
      String ns = pattern.substring(0, pattern.length() - 1);
      for (String d : implies.keySet()) {
        if (d.startsWith(ns) && scopeGrants(d, scope, visited)) {
          return true;
        }
      }
      return false;
    }
    return implies.containsKey(pattern) && scopeGrants(pattern, scope, visited);
  }

  private boolean scopeGrants(String defined, String scope, Set<String> visited) {
    if (defined.equals(scope)) {
      return true;
    }
    if (!visited.add(defined)) {
      return false;
    }
    for (String p : implies.get(defined)) {
      if (patternGrants(p, scope, visited)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code patterns} grant every scope of at least one alternative (or there are none). */
  boolean satisfies(List<String> patterns, List<List<String>> alternatives) {
    if (alternatives.isEmpty()) {
      return true;
    }
    return alternatives.stream().anyMatch(alt -> alt.stream().allMatch(s -> grants(patterns, s)));
  }
}
