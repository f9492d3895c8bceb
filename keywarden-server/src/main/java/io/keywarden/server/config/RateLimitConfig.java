package io.keywarden.server.config;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.ratelimit.Applicability;
import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.Plan;
import io.keywarden.core.ratelimit.RateLimitHeaders;
import io.keywarden.core.ratelimit.RatePlans;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateWindow;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code rate_limits:} section: which backend counts, how headers are written, the
 * failed-authentication and management API limits, and the policies of every plan.
 *
 * @param backend where counters live
 * @param redisUrl the Redis server of the {@code redis} backend, or {@code null}
 * @param redisTimeout how long a Redis answer may take before it counts as a failure
 * @param onFailure what the {@code redis} backend does while Redis fails
 * @param headers how outcomes are written as response headers
 * @param failedAuth the limit on failed authentications per client IP, or {@code null} when off
 * @param management the limit on management API calls per operator key, or {@code null} when off
 * @param plans the common policies and the policies of each plan
 * @param maxCounters the in-process backend's bound on counters
 */
public record RateLimitConfig(
    Backend backend,
    String redisUrl,
    Duration redisTimeout,
    OnFailure onFailure,
    RateLimitHeaders headers,
    RatePolicy failedAuth,
    RatePolicy management,
    RatePlans plans,
    int maxCounters) implements io.keywarden.server.ratelimit.RateLimitSettings {

  /** Where counters live. */
  public enum Backend {
    /** In this process: exact on one node (the default). */
    LOCAL,
    /** In a Redis server shared by every node. */
    REDIS
  }

  /** What the Redis backend does while Redis does not answer. */
  public enum OnFailure {
    /** Decide with in-process counters until Redis is back (the default). */
    LOCAL,
    /** Refuse requests with 503 {@code rate_limit_unavailable}. */
    REFUSE
  }

  /** Name of the failed-authentication policy in headers and 429 bodies. */
  public static final String FAILED_AUTH = "failed-auth";
  /** Name of the management API policy. */
  public static final String MANAGEMENT = "management";
  /** Default failed authentications per client IP per minute. */
  public static final long DEFAULT_FAILED_AUTH_PER_MINUTE = 60;
  /** Default management API calls per operator key per minute. */
  public static final long DEFAULT_MANAGEMENT_PER_MINUTE = 1200;
  /** Default Redis timeout. */
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(50);

  /** The configuration without a {@code rate_limits:} section, for the given access model. */
  public static RateLimitConfig defaults(AccessModel model) {
    return parse(new ConfigNode(null, "rate_limits"), model);
  }

  /** Parses the {@code rate_limits:} section; every error names the setting at fault. */
  static RateLimitConfig parse(ConfigNode n, AccessModel model) {
    n.onlyKeys(Set.of("backend", "redis", "headers", "failed_auth", "management", "policies", "plans",
        "max_counters"));
    Backend backend = switch (n.get("backend").text("local")) {
      case "local" -> Backend.LOCAL;
      case "redis" -> Backend.REDIS;
      default -> throw new ConfigException("rate_limits.backend", "must be local or redis, was \""
          + n.get("backend").text("") + "\"");
    };
    ConfigNode redis = n.get("redis").onlyKeys(Set.of("url", "timeout_ms", "on_failure"));
    String url = redis.get("url").text(backend == Backend.REDIS ? "redis://127.0.0.1:6379" : null);
    if (url != null) {
      try {
        URI u = URI.create(url);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
          throw new ConfigException("rate_limits.redis.url", "must be a redis:// or rediss:// URL");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("rate_limits.redis.url", "is not a URL: " + e.getMessage());
      }
    }
    Duration timeout = Duration.ofMillis(redis.get("timeout_ms").integer(
        (int) DEFAULT_REDIS_TIMEOUT.toMillis(), 1, 60_000));
    OnFailure onFailure = switch (redis.get("on_failure").text("local")) {
      case "local" -> OnFailure.LOCAL;
      case "refuse" -> OnFailure.REFUSE;
      default -> throw new ConfigException("rate_limits.redis.on_failure", "must be local or refuse");
    };

    ConfigNode h = n.get("headers").onlyKeys(Set.of("reset", "ietf", "common"));
    RateLimitHeaders.ResetFormat reset = switch (h.get("reset").text("epoch")) {
      case "epoch" -> RateLimitHeaders.ResetFormat.EPOCH_SECONDS;
      case "delta" -> RateLimitHeaders.ResetFormat.DELTA_SECONDS;
      default -> throw new ConfigException("rate_limits.headers.reset", "must be epoch or delta");
    };
    RateLimitHeaders headers = RateLimitHeaders.builder().resetFormat(reset)
        .ietf(h.get("ietf").bool(false)).common(h.get("common").bool(true)).build();

    RatePolicy failedAuth = simpleLimit(n.get("failed_auth"), FAILED_AUTH, DEFAULT_FAILED_AUTH_PER_MINUTE,
        Dimension.CLIENT_IP);
    RatePolicy management = simpleLimit(n.get("management"), MANAGEMENT, DEFAULT_MANAGEMENT_PER_MINUTE,
        Dimension.KEY);

    RatePlans.Builder plans = RatePlans.builder();
    Set<String> names = new HashSet<>();
    List<ConfigNode> common = n.get("policies").elements();
    for (ConfigNode p : common) {
      RatePolicy policy = policy(p, model);
      if (!names.add(policy.name())) {
        throw new ConfigException(p.path() + ".name", "\"" + policy.name() + "\" is defined twice");
      }
      plans.common(policy);
    }
    Map<String, ConfigNode> planNodes = n.get("plans").entries();
    for (String planName : planNodes.keySet()) {
      if (!model.plans().contains(planName)) {
        throw new ConfigException("rate_limits.plans." + planName,
            "is not one of access.plans " + model.plans());
      }
    }
    boolean configured = !n.get("plans").isMissing() || !common.isEmpty();
    for (String planName : model.plans()) {
      List<RatePolicy> policies = new ArrayList<>();
      ConfigNode pn = planNodes.get(planName);
      if (pn != null) {
        Set<String> inPlan = new HashSet<>();
        for (ConfigNode p : pn.elements()) {
          RatePolicy policy = policy(p, model);
          if (names.contains(policy.name())) {
            throw new ConfigException(p.path() + ".name",
                "\"" + policy.name() + "\" is already a common policy (rate_limits.policies)");
          }
          if (!inPlan.add(policy.name())) {
            throw new ConfigException(p.path() + ".name", "\"" + policy.name() + "\" is defined twice in this plan");
          }
          policies.add(policy);
        }
      } else if (!configured && planName.equals(model.defaultPlan())) {
        // No rate_limits at all: the documented generous default, per key.
        policies.add(RatePolicy.rolling("default", RatePlans.DEFAULT_PER_KEY_PER_MINUTE, Duration.ofMinutes(1),
            Dimension.KEY));
      }
      plans.plan(new Plan(planName, policies));
    }
    plans.defaultPlan(model.defaultPlan());
    int maxCounters = n.get("max_counters").integer(100_000, 1_000, 100_000_000);
    return new RateLimitConfig(backend, url, timeout, onFailure, headers, failedAuth, management,
        plans.build(), maxCounters);
  }

  /** {@code {enabled, limit, window}} for the built-in per-IP and per-operator limits. */
  private static RatePolicy simpleLimit(ConfigNode n, String name, long defaultLimit, Dimension by) {
    n.onlyKeys(Set.of("enabled", "limit", "window"));
    if (!n.get("enabled").bool(true)) {
      return null;
    }
    long limit = n.get("limit").longValue(defaultLimit, 1, Integer.MAX_VALUE);
    RateWindow window = window(n.get("window"), Duration.ofMinutes(1));
    if (window.isQuota()) {
      throw new ConfigException(n.path() + ".window", "must be a duration such as 1m, not a calendar month");
    }
    return new RatePolicy(name, limit, window, Set.of(by));
  }

  /** One policy: {@code {name, limit, window, by, environments, key_types, routes, sub_windows}}. */
  static RatePolicy policy(ConfigNode p, AccessModel model) {
    p.onlyKeys(Set.of("name", "limit", "window", "by", "environments", "key_types", "routes", "sub_windows"));
    String name = p.get("name").text(null);
    if (name == null) {
      throw new ConfigException(p.path() + ".name", "is required");
    }
    if (!RatePolicy.NAME.matcher(name).matches()) {
      throw new ConfigException(p.path() + ".name",
          "must be 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter, was \"" + name + "\"");
    }
    if (name.equals(FAILED_AUTH) || name.equals(MANAGEMENT)) {
      throw new ConfigException(p.path() + ".name", "\"" + name + "\" is reserved (rate_limits." 
          + (name.equals(FAILED_AUTH) ? "failed_auth" : "management") + " sets it)");
    }
    if (p.get("limit").isMissing()) {
      throw new ConfigException(p.path() + ".limit", "is required");
    }
    long limit = p.get("limit").longValue(0, 1, Long.MAX_VALUE / 4);
    if (p.get("window").isMissing()) {
      throw new ConfigException(p.path() + ".window", "is required (e.g. 1m, 10s, month)");
    }
    RateWindow window = window(p.get("window"), null);
    if (!p.get("sub_windows").isMissing()) {
      if (!(window instanceof RateWindow.Rolling r)) {
        throw new ConfigException(p.path() + ".sub_windows", "applies only to rolling windows");
      }
      window = RateWindow.rolling(r.length(), p.get("sub_windows").integer(RateWindow.DEFAULT_SUB_WINDOWS, 1, 1000));
    }
    Set<Dimension> by = EnumSet.noneOf(Dimension.class);
    List<String> byNames = p.get("by").strings(List.of());
    for (int i = 0; i < byNames.size(); i++) {
      Dimension d = Dimension.fromWire(byNames.get(i));
      if (d == null) {
        throw new ConfigException(p.path() + ".by[" + i + "]", "must be one of key, user, project, workspace, "
            + "client_ip, environment, route_group, was \"" + byNames.get(i) + "\"");
      }
      by.add(d);
    }
    List<String> envs = p.get("environments").strings(List.of());
    for (int i = 0; i < envs.size(); i++) {
      if (!model.environments().contains(envs.get(i))) {
        throw new ConfigException(p.path() + ".environments[" + i + "]",
            "is not one of access.environments " + model.environments());
      }
    }
    Set<KeyType> types = EnumSet.noneOf(KeyType.class);
    List<String> typeNames = p.get("key_types").strings(List.of());
    for (int i = 0; i < typeNames.size(); i++) {
      try {
        types.add(KeyType.valueOf(typeNames.get(i).toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(p.path() + ".key_types[" + i + "]", "must be secret or publishable");
      }
    }
    Set<String> routes = new LinkedHashSet<>(p.get("routes").strings(List.of()));
    try {
      return new RatePolicy(name, limit, window, by, new Applicability(types, Set.copyOf(envs), routes));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p.path(), e.getMessage());
    }
  }

  /**
   * Parses a plan's policies as the plans API receives them: a JSON list of policies written as
   * in {@code rate_limits.plans.NAME} ({@code name, limit, window, by, environments, key_types,
   * routes, sub_windows}), checked by the same rules as the configuration file (a name may not be
   * a common policy's or appear twice). Errors are {@link ConfigException}s naming the entry, e.g.
   * {@code policies[0].window}.
   */
  public static List<RatePolicy> planPolicies(com.fasterxml.jackson.databind.JsonNode list,
      String path, AccessModel model, RatePlans plans) {
    ConfigNode n = new ConfigNode(list, path);
    if (n.isMissing()) {
      throw new ConfigException(path, "is required (a list of policies, possibly empty)");
    }
    Set<String> common = new HashSet<>();
    plans.common().forEach(p -> common.add(p.name()));
    Set<String> seen = new HashSet<>();
    List<RatePolicy> out = new ArrayList<>();
    for (ConfigNode p : n.elements()) {
      RatePolicy policy = policy(p, model);
      if (common.contains(policy.name())) {
        throw new ConfigException(p.path() + ".name",
            "\"" + policy.name() + "\" is already a common policy (rate_limits.policies)");
      }
      if (!seen.add(policy.name())) {
        throw new ConfigException(p.path() + ".name", "\"" + policy.name() + "\" is defined twice in this plan");
      }
      out.add(policy);
    }
    return out;
  }

  @Override
  public List<RatePolicy> readPlanPolicies(com.fasterxml.jackson.databind.JsonNode policies, String path,
      AccessModel model, RatePlans configured) {
    return planPolicies(policies, path, model, configured);
  }

  /** Policies in the form {@link #planPolicies} reads (and the configuration file uses). */
  public static com.fasterxml.jackson.databind.node.ArrayNode policiesJson(List<RatePolicy> policies) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var list = mapper.createArrayNode();
    for (RatePolicy p : policies) {
      var o = list.addObject();
      o.put("name", p.name());
      o.put("limit", p.limit());
      o.put("window", windowText(p.window()));
      if (p.window() instanceof RateWindow.Rolling r && r.subWindows() != RateWindow.DEFAULT_SUB_WINDOWS) {
        o.put("sub_windows", r.subWindows());
      }
      var by = o.putArray("by");
      p.countedBy().forEach(d -> by.add(d.wireName()));
      Applicability a = p.appliesTo();
      if (!a.environments().isEmpty()) {
        var e = o.putArray("environments");
        new java.util.TreeSet<>(a.environments()).forEach(e::add);
      }
      if (!a.keyTypes().isEmpty()) {
        var t = o.putArray("key_types");
        a.keyTypes().forEach(k -> t.add(k.name().toLowerCase(Locale.ROOT)));
      }
      if (!a.routeGroups().isEmpty()) {
        var g = o.putArray("routes");
        a.routeGroups().forEach(g::add);
      }
    }
    return list;
  }

  /** The text {@link RateWindow#parse} reads for a window: {@code month}, or the largest whole unit. */
  static String windowText(RateWindow w) {
    if (w instanceof RateWindow.Rolling r) {
      long ms = r.length().toMillis();
      if (ms % 86_400_000L == 0) {
        return ms / 86_400_000L + "d";
      }
      if (ms % 3_600_000L == 0) {
        return ms / 3_600_000L + "h";
      }
      if (ms % 60_000L == 0) {
        return ms / 60_000L + "m";
      }
      if (ms % 1000L == 0) {
        return ms / 1000L + "s";
      }
      return ms + "ms";
    }
    return "month";
  }

  /** This configuration with the Redis backend on {@code url}. */
  public RateLimitConfig withRedis(String url) {
    return new RateLimitConfig(Backend.REDIS, url, redisTimeout, onFailure, headers, failedAuth, management,
        plans, maxCounters);
  }

  /** {@code 500ms}, {@code 10s}, {@code 1m}, {@code 10m}, {@code 1h}, {@code 1d}, or {@code month}. */
  static RateWindow window(ConfigNode n, Duration def) {
    if (n.isMissing()) {
      return RateWindow.of(def);
    }
    try {
      return RateWindow.parse(n.text("").replaceAll("\\s+", "").toLowerCase(Locale.ROOT)); // "5 m" reads as "5m"
    } catch (IllegalArgumentException e) {
      throw new ConfigException(n.path(), e.getMessage());
    }
  }
}
