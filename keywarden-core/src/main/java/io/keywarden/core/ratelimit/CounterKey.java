package io.keywarden.core.ratelimit;

import java.util.Objects;
import java.util.Set;

/**
 * Identifies one counter: a policy's name and window, and the subject's values for the dimensions
 * the policy counts by ({@code null} for the others). One allocation; the hash is computed once.
 */
final class CounterKey {
  private final String policy;
  private final RateWindow window;
  private final String key;
  private final String user;
  private final String project;
  private final String workspace;
  private final String clientIp;
  private final String environment;
  private final String routeGroup;
  private final int hash;

  private CounterKey(String policy, RateWindow window, String key, String user, String project,
      String workspace, String clientIp, String environment, String routeGroup) {
    this.policy = policy;
    this.window = window;
    this.key = key;
    this.user = user;
    this.project = project;
    this.workspace = workspace;
    this.clientIp = clientIp;
    this.environment = environment;
    this.routeGroup = routeGroup;
    int h = policy.hashCode();
    h = 31 * h + window.hashCode();
    h = 31 * h + Objects.hashCode(key);
    h = 31 * h + Objects.hashCode(user);
    h = 31 * h + Objects.hashCode(project);
    h = 31 * h + Objects.hashCode(workspace);
    h = 31 * h + Objects.hashCode(clientIp);
    h = 31 * h + Objects.hashCode(environment);
    h = 31 * h + Objects.hashCode(routeGroup);
    this.hash = h;
  }

  /** The key of {@code policy}'s counter for {@code s}, or {@code null} if the policy does not count it. */
  static CounterKey of(RatePolicy policy, RateSubject s) {
    Set<Dimension> by = policy.countedBy();
    String k = null;
    String u = null;
    String p = null;
    String w = null;
    String ip = null;
    String env = null;
    String route = null;
    if (!by.isEmpty()) {
      if (by.contains(Dimension.KEY) && (k = s.keyId()) == null) {
        return null;
      }
      if (by.contains(Dimension.USER) && (u = s.userId()) == null) {
        return null;
      }
      if (by.contains(Dimension.PROJECT) && (p = s.projectId()) == null) {
        return null;
      }
      if (by.contains(Dimension.WORKSPACE) && (w = s.workspaceId()) == null) {
        return null;
      }
      if (by.contains(Dimension.CLIENT_IP) && (ip = s.clientIp()) == null) {
        return null;
      }
      if (by.contains(Dimension.ENVIRONMENT) && (env = s.environment()) == null) {
        return null;
      }
      if (by.contains(Dimension.ROUTE_GROUP) && (route = s.routeGroup()) == null) {
        return null;
      }
    }
    return new CounterKey(policy.name(), policy.window(), k, u, p, w, ip, env, route);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof CounterKey c
        && hash == c.hash
        && policy.equals(c.policy)
        && window.equals(c.window)
        && Objects.equals(key, c.key)
        && Objects.equals(user, c.user)
        && Objects.equals(project, c.project)
        && Objects.equals(workspace, c.workspace)
        && Objects.equals(clientIp, c.clientIp)
        && Objects.equals(environment, c.environment)
        && Objects.equals(routeGroup, c.routeGroup);
  }

  @Override
  public String toString() {
    // Values are ids, addresses and names, never secrets; still, keep the form terse.
    return "CounterKey[" + policy + " " + window + " key=" + key + " user=" + user
        + " project=" + project + " workspace=" + workspace + " ip=" + clientIp
        + " env=" + environment + " route=" + routeGroup + "]";
  }
}
