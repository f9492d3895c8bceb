package io.keywarden.core.ratelimit;

import io.keywarden.core.keys.KeyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A deployment's rate-limit configuration: policies common to every plan, the plans, and the
 * plan workspaces are on by default; and the one place that decides which policies apply to a
 * request ({@link #select}).
 *
 * <p>Selection, in order: the common policies, then the policies of the workspace's plan (the
 * default plan when the workspace names none or an unknown one), keeping those whose {@link
 * Applicability} matches the key type, environment and route group and that count the request
 * (see {@link RatePolicy#counts}); then workspace overrides, then key overrides. An override
 * whose applicability matches replaces the selected policy of the same name, or is added when
 * there is none; key overrides are applied last, so they win.
 */
public final class RatePlans {
  /** The limit of the built-in {@code default} plan: requests per minute per key. */
  public static final long DEFAULT_PER_KEY_PER_MINUTE = 1000;

  private final List<RatePolicy> common;
  private final Map<String, Plan> plans;
  private final Plan defaultPlan;

  private RatePlans(Builder b) {
    this.common = List.copyOf(b.common);
    this.plans = Map.copyOf(b.plans);
    if (plans.isEmpty()) {
      throw new IllegalArgumentException("rate plans must define at least one plan");
    }
    String def = b.defaultPlan != null ? b.defaultPlan : b.plans.keySet().iterator().next();
    this.defaultPlan = plans.get(def);
    if (defaultPlan == null) {
      throw new IllegalArgumentException(
          "rate plans default plan \"" + def + "\" is not one of " + b.plans.keySet());
    }
    for (int i = 0; i < common.size(); i++) {
      String name = common.get(i).name();
      for (int j = 0; j < i; j++) {
        if (common.get(j).name().equals(name)) {
          throw new IllegalArgumentException("common rate policy \"" + name + "\" is defined twice");
        }
      }
      for (Plan p : b.plans.values()) {
        for (RatePolicy q : p.policies()) {
          if (q.name().equals(name)) {
            throw new IllegalArgumentException("rate policy \"" + name
                + "\" is defined both as a common policy and in plan \"" + p.name() + "\"");
          }
        }
      }
    }
  }

  /** A builder with no plans yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** The built-in configuration: one plan, {@code default}, with 1000 requests per minute per key. */
  public static RatePlans defaults() {
    return builder()
        .plan(Plan.of("default",
            RatePolicy.rolling("default", DEFAULT_PER_KEY_PER_MINUTE, Duration.ofMinutes(1), Dimension.KEY)))
        .defaultPlan("default")
        .build();
  }

  /** The policies for a request, without overrides. */
  public List<RatePolicy> select(String plan, KeyType keyType, RateSubject subject) {
    return select(plan, keyType, subject, List.of(), List.of());
  }

  /**
   * The policies that apply to a request.
   *
   * @param plan the workspace's plan; {@code null} or unknown means the default plan
   * @param keyType the key's type, or {@code null} when no key was accepted
   * @param subject the request's values; its environment and route group take part in selection
   * @param workspaceOverrides the workspace's overrides, applied first
   * @param keyOverrides the key's overrides, applied last
   */
  public List<RatePolicy> select(String plan, KeyType keyType, RateSubject subject,
      List<RatePolicy> workspaceOverrides, List<RatePolicy> keyOverrides) {
    Plan p = plan == null ? defaultPlan : plans.getOrDefault(plan, defaultPlan);
    String env = subject.environment();
    String route = subject.routeGroup();
    List<RatePolicy> out = new ArrayList<>(common.size() + p.policies().size());
    addMatching(out, common, keyType, env, route, subject);
    addMatching(out, p.policies(), keyType, env, route, subject);
    override(out, workspaceOverrides, keyType, env, route, subject);
    override(out, keyOverrides, keyType, env, route, subject);
    return out;
  }

  private static void addMatching(List<RatePolicy> out, List<RatePolicy> from, KeyType keyType,
      String env, String route, RateSubject subject) {
    for (RatePolicy policy : from) {
      if (policy.appliesTo().matches(keyType, env, route) && policy.counts(subject)) {
        out.add(policy);
      }
    }
  }

  private static void override(List<RatePolicy> out, List<RatePolicy> overrides, KeyType keyType,
      String env, String route, RateSubject subject) {
    for (RatePolicy o : overrides) {
      if (!o.appliesTo().matches(keyType, env, route) || !o.counts(subject)) {
        continue;
      }
      int at = indexOf(out, o.name());
      if (at >= 0) {
        out.set(at, o);
      } else {
        out.add(o);
      }
    }
  }

  private static int indexOf(List<RatePolicy> policies, String name) {
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The policies every plan shares. */
  public List<RatePolicy> common() {
    return common;
  }

  /** The plan named {@code name}, or {@code null}. */
  public Plan plan(String name) {
    return plans.get(name);
  }

  /** The plan of workspaces that name none. */
  public Plan defaultPlan() {
    return defaultPlan;
  }

  /** Builds {@link RatePlans}, checking each setting as it is made. */
  public static final class Builder {
    private final List<RatePolicy> common = new ArrayList<>();
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private String defaultPlan;

    private Builder() {}

    /** Adds policies that apply whatever the plan (per-IP ceilings, failed-authentication limits). */
    public Builder common(RatePolicy... policies) {
      for (RatePolicy p : policies) {
        common.add(Objects.requireNonNull(p, "common rate policy"));
      }
      return this;
    }

    /** Adds a plan; the first one added is the default unless {@link #defaultPlan} says otherwise. */
    public Builder plan(Plan plan) {
      Objects.requireNonNull(plan, "plan");
      if (plans.putIfAbsent(plan.name(), plan) != null) {
        throw new IllegalArgumentException("plan \"" + plan.name() + "\" is defined twice");
      }
      return this;
    }

    /** The plan of workspaces that name none (or an unknown one). */
    public Builder defaultPlan(String name) {
      this.defaultPlan = Objects.requireNonNull(name, "default plan");
      return this;
    }

    public RatePlans build() {
      return new RatePlans(this);
    }
  }
}
