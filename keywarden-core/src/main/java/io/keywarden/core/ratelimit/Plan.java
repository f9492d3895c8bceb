package io.keywarden.core.ratelimit;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named tier (free, pro, team …) bundling the policies that apply to the workspaces on it.
 *
 * @param name lower-case letters, digits, {@code -} or {@code _}, as in the access model's plans
 * @param policies with distinct names
 */
public record Plan(String name, List<RatePolicy> policies) {
  /** Plan names, as {@link io.keywarden.core.policy.AccessModel} accepts them. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

  public Plan {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "plan name \"" + name + "\" must be lower-case letters, digits, '-' or '_'");
    }
    policies = List.copyOf(policies);
    Set<String> seen = new HashSet<>();
    for (RatePolicy p : policies) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException(
            "plan \"" + name + "\" defines rate policy \"" + p.name() + "\" twice");
      }
    }
  }

  /** A plan of the given policies. */
  public static Plan of(String name, RatePolicy... policies) {
    return new Plan(name, List.of(policies));
  }
}
