package io.keywarden.core.ratelimit;

import io.keywarden.core.keys.KeyType;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which requests a policy applies to, by key type, environment and route group. An empty set
 * means "any"; a non-empty set matches only requests that carry one of its values (a request
 * without an environment, say, never matches a policy restricted to some environments).
 */
public record Applicability(Set<KeyType> keyTypes, Set<String> environments, Set<String> routeGroups) {
  /** Applies to every request. */
  public static final Applicability ALWAYS = new Applicability(Set.of(), Set.of(), Set.of());

  public Applicability {
    keyTypes = keyTypes == null || keyTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(keyTypes));
    environments = environments == null ? Set.of() : Set.copyOf(environments);
    routeGroups = routeGroups == null ? Set.of() : Set.copyOf(routeGroups);
  }

  /** This, restricted to keys of the given types. */
  public Applicability keyTypes(KeyType... types) {
    return new Applicability(Set.of(types), environments, routeGroups);
  }

  /** This, restricted to the given environments. */
  public Applicability environments(String... names) {
    return new Applicability(keyTypes, Set.of(names), routeGroups);
  }

  /** This, restricted to the given route groups. */
  public Applicability routeGroups(String... names) {
    return new Applicability(keyTypes, environments, Set.of(names));
  }

  /**
   * Whether a request with this key type, environment and route group is covered; each argument
   * may be {@code null} when the request has no such value.
   */
  public boolean matches(KeyType keyType, String environment, String routeGroup) {
    return (keyTypes.isEmpty() || (keyType != null && keyTypes.contains(keyType)))
        && (environments.isEmpty() || (environment != null && environments.contains(environment)))
        && (routeGroups.isEmpty() || (routeGroup != null && routeGroups.contains(routeGroup)));
  }

  /** Whether this applies to every request. */
  public boolean isAlways() {
    return keyTypes.isEmpty() && environments.isEmpty() && routeGroups.isEmpty();
  }
}
