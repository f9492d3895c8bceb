package io.keywarden.core.routes;

import io.keywarden.core.scopes.ScopeRequirement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The scopes a route requires, per method: requirements for some methods and one for all others.
 *
 * <p>A route with one requirement for every method has an empty {@link #byMethod()}. The
 * abilities shorthand ({@link MethodClass}) fills {@link #byMethod()} per class. A {@code HEAD}
 * request needs what {@code HEAD} was given, else what {@code GET} was given, else {@link
 * #otherwise()}. Lookups of standard methods are an array access.
 */
public final class RouteScopes {
  /** No scopes for any method. */
  public static final RouteScopes NONE = new RouteScopes(Map.of(), ScopeRequirement.NONE);

  private final Map<String, ScopeRequirement> byMethod;
  private final ScopeRequirement otherwise;
  private final ScopeRequirement[] standard;

  private RouteScopes(Map<String, ScopeRequirement> byMethod, ScopeRequirement otherwise) {
    this.byMethod = byMethod;
    this.otherwise = otherwise;
    this.standard = new ScopeRequirement[MethodSet.STANDARD.size()];
    for (int i = 0; i < standard.length; i++) {
      standard[i] = byMethod.getOrDefault(MethodSet.STANDARD.get(i), otherwise);
    }
    if (!byMethod.containsKey("HEAD")) {
      standard[MethodSet.HEAD] = standard[MethodSet.GET];
    }
  }

  /** The same requirement for every method. */
  public static RouteScopes of(ScopeRequirement requirement) {
    Objects.requireNonNull(requirement, "requirement");
    return requirement.isNone() ? NONE : new RouteScopes(Map.of(), requirement);
  }

  /**
   * Requirements for the given methods (upper-case names) and {@code otherwise} for the rest.
   */
  public static RouteScopes perMethod(
      Map<String, ScopeRequirement> byMethod, ScopeRequirement otherwise) {
    Objects.requireNonNull(otherwise, "otherwise");
    Map<String, ScopeRequirement> ordered = new LinkedHashMap<>();
    for (String m : MethodSet.STANDARD) {
      if (byMethod.containsKey(m)) {
        ordered.put(m, Objects.requireNonNull(byMethod.get(m), m));
      }
    }
    byMethod.keySet().stream().filter(m -> MethodSet.indexOf(m) < 0).sorted()
        .forEach(m -> ordered.put(m, Objects.requireNonNull(byMethod.get(m), m)));
    if (ordered.isEmpty()) {
      return of(otherwise);
    }
    return new RouteScopes(Collections.unmodifiableMap(ordered), otherwise);
  }

  /** What a request with {@code method} needs. */
  public ScopeRequirement requirementFor(String method) {
    int i = MethodSet.indexOf(method);
    if (i >= 0) {
      return standard[i];
    }
    ScopeRequirement r = byMethod.get(method);
    return r == null ? otherwise : r;
  }

  /** The requirements given for particular methods, standard methods first. */
  public Map<String, ScopeRequirement> byMethod() {
    return byMethod;
  }

  /** The requirement of methods not in {@link #byMethod()}. */
  public ScopeRequirement otherwise() {
    return otherwise;
  }

  /** Whether no method needs any scope. */
  public boolean isNone() {
    if (!otherwise.isNone()) {
      return false;
    }
    for (ScopeRequirement r : byMethod.values()) {
      if (!r.isNone()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    if (byMethod.isEmpty()) {
      return otherwise.toString();
    }
    StringJoiner j = new StringJoiner("; ");
    byMethod.forEach((m, r) -> j.add(m + ": " + r));
    j.add("other: " + otherwise);
    return j.toString();
  }
}
