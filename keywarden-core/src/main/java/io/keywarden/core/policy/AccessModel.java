package io.keywarden.core.policy;

import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A deployment's access model: the scope vocabulary, environments, key prefixes, key lifetimes,
 * roles, plans and limits on key metadata.
 *
 * <p>Immutable; build one with {@link #builder()}, which starts from the documented defaults and
 * checks every setting as it is made, naming it in the error. {@link #defaults()} is what {@code
 * keywarden serve} uses with no configuration file.
 */
public final class AccessModel {
  /** Default largest size of a key's metadata JSON, in UTF-8 bytes. */
  public static final int DEFAULT_MAX_METADATA_BYTES = 4096;
  /** Default prefix of operator keys (Keywarden's own management API). */
  public static final String DEFAULT_OPERATOR_PREFIX = "kw_op";

  private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

  private final ScopeVocabulary scopes;
  private final List<String> environments;
  private final String defaultEnvironment;
  private final Map<String, String> prefixes; // "type/env" -> prefix
  private final TtlPolicy ttl;
  private final Map<String, Role> roles;
  private final List<String> plans;
  private final String defaultPlan;
  private final int maxMetadataBytes;
  private final String operatorPrefix;
  private final ScopeVocabulary operatorScopes;

  private AccessModel(Builder b) {
    this.scopes = b.scopes;
    this.environments = List.copyOf(b.environments);
    this.defaultEnvironment = b.defaultEnvironment;
    this.ttl = b.ttl;
    this.plans = List.copyOf(b.plans);
    this.defaultPlan = b.defaultPlan;
    this.maxMetadataBytes = b.maxMetadataBytes;
    this.operatorPrefix = b.operatorPrefix;
    this.operatorScopes = ScopeVocabulary.operatorScopes();
    if (!environments.contains(defaultEnvironment)) {
      throw new IllegalArgumentException(
          "environments.default \"" + defaultEnvironment + "\" is not one of " + environments);
    }
    if (!plans.contains(defaultPlan)) {
      throw new IllegalArgumentException(
          "plans.default \"" + defaultPlan + "\" is not one of " + plans);
    }
    Map<String, String> p = new LinkedHashMap<>();
    for (KeyType type : KeyType.values()) {
      for (String env : environments) {
        String prefix = b.prefixes.get(classKey(type, env));
        if (prefix == null) {
          prefix = "kw_" + type.shortName() + "_" + env.replace('-', '_');
        }
        if (!KeyFormat.isValidPrefix(prefix)) {
          throw new IllegalArgumentException(
              "key prefix \"" + prefix + "\" for " + type.wireName() + "/" + env
                  + " must be lower-case segments [a-z][a-z0-9]* joined by '_'");
        }
        p.put(classKey(type, env), prefix);
      }
    }
    for (String k : b.prefixes.keySet()) {
      if (!p.containsKey(k)) {
        throw new IllegalArgumentException("key prefix given for unknown key class " + k);
      }
    }
    if (p.containsValue(operatorPrefix)) {
      throw new IllegalArgumentException(
          "operator key prefix \"" + operatorPrefix + "\" must differ from access key prefixes");
    }
    this.prefixes = Map.copyOf(p);
    Map<String, Role> r = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : b.roles.entrySet()) {
      try {
        r.put(e.getKey(), new Role(e.getKey(), e.getValue(), scopes.grant(e.getValue(), "roles")));
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(
            "role \"" + e.getKey() + "\": " + ex.getMessage(), ex);
      }
    }
    if (r.isEmpty()) {
      throw new IllegalArgumentException("at least one role must be defined");
    }
    this.roles = java.util.Collections.unmodifiableMap(r);
  }

  private static String classKey(KeyType type, String env) {
    return type.wireName() + "/" + env;
  }

  /** The documented defaults (see PRODUCT.md, "Defaults"). */
  public static AccessModel defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  public ScopeVocabulary scopes() {
    return scopes;
  }

  /** Keywarden's own operator scope vocabulary. */
  public ScopeVocabulary operatorScopes() {
    return operatorScopes;
  }

  public List<String> environments() {
    return environments;
  }

  public String defaultEnvironment() {
    return defaultEnvironment;
  }

  /** The prefix of keys of this type and environment. */
  public String prefix(KeyType type, String environment) {
    String p = prefixes.get(classKey(type, environment));
    if (p == null) {
      throw new IllegalArgumentException("no key class " + classKey(type, environment));
    }
    return p;
  }

  public String operatorPrefix() {
    return operatorPrefix;
  }

  public TtlPolicy ttl() {
    return ttl;
  }

  /** Roles by name, in configured order. */
  public Map<String, Role> roles() {
    return roles;
  }

  /** The role of this name, or {@code null}. */
  public Role role(String name) {
    return roles.get(name);
  }

  public List<String> plans() {
    return plans;
  }

  public String defaultPlan() {
    return defaultPlan;
  }

  public int maxMetadataBytes() {
    return maxMetadataBytes;
  }

  /** Builds an {@link AccessModel}; every setter checks its argument. */
  public static final class Builder {
    private ScopeVocabulary scopes = ScopeVocabulary.defaults();
    private List<String> environments = List.of("live", "test");
    private String defaultEnvironment = "live";
    private final Map<String, String> prefixes = new LinkedHashMap<>();
    private TtlPolicy ttl = TtlPolicy.defaults();
    private Map<String, List<String>> roles = defaultRoles();
    private List<String> plans = List.of("default");
    private String defaultPlan = "default";
    private int maxMetadataBytes = DEFAULT_MAX_METADATA_BYTES;
    private String operatorPrefix = DEFAULT_OPERATOR_PREFIX;

    private Builder() {}

    private static Map<String, List<String>> defaultRoles() {
      Map<String, List<String>> m = new LinkedHashMap<>();
      m.put("owner", List.of("*"));
      m.put("admin", List.of("*"));
      m.put("member", List.of("read", "write"));
      m.put("viewer", List.of("read"));
      return m;
    }

    /** The scope vocabulary; roles are checked against it at {@link #build()}. */
    public Builder scopes(ScopeVocabulary scopes) {
      this.scopes = Objects.requireNonNull(scopes, "scopes");
      return this;
    }

    /** The environments, in order, and the default one. */
    public Builder environments(List<String> environments, String defaultEnvironment) {
      if (environments == null || environments.isEmpty()) {
        throw new IllegalArgumentException("environments must not be empty");
      }
      List<String> seen = new ArrayList<>();
      for (String e : environments) {
        if (e == null || !SIMPLE_NAME.matcher(e).matches()) {
          throw new IllegalArgumentException(
              "environment \"" + e + "\" must be lower-case letters, digits, '-' or '_'");
        }
        if (seen.contains(e)) {
          throw new IllegalArgumentException("environment \"" + e + "\" is listed twice");
        }
        seen.add(e);
      }
      this.environments = List.copyOf(environments);
      this.defaultEnvironment = Objects.requireNonNull(defaultEnvironment, "default environment");
      return this;
    }

    /** The prefix of keys of one type and environment; unset classes get {@code kw_<sk|pk>_<env>}. */
    public Builder prefix(KeyType type, String environment, String prefix) {
      Objects.requireNonNull(type, "type");
      if (!KeyFormat.isValidPrefix(prefix == null ? "" : prefix)) {
        throw new IllegalArgumentException(
            "key prefix \"" + prefix + "\" must be lower-case segments [a-z][a-z0-9]* joined by '_', at most "
                + KeyFormat.MAX_PREFIX_LENGTH + " characters");
      }
      prefixes.put(classKey(type, environment), prefix);
      return this;
    }

    public Builder ttl(TtlPolicy ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Replaces all roles: name to grant patterns. */
    public Builder roles(Map<String, List<String>> roles) {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      roles.forEach((name, grants) -> {
        if (!SIMPLE_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "role name \"" + name + "\" must be lower-case letters, digits, '-' or '_'");
        }
        copy.put(name, List.copyOf(grants));
      });
      this.roles = copy;
      return this;
    }

    /** The plan names, in tier order, and the plan new workspaces start on. */
    public Builder plans(List<String> plans, String defaultPlan) {
      if (plans == null || plans.isEmpty()) {
        throw new IllegalArgumentException("plans must not be empty");
      }
      for (String p : plans) {
        if (p == null || !SIMPLE_NAME.matcher(p).matches()) {
          throw new IllegalArgumentException(
              "plan name \"" + p + "\" must be lower-case letters, digits, '-' or '_'");
        }
      }
      this.plans = List.copyOf(plans);
      this.defaultPlan = Objects.requireNonNull(defaultPlan, "default plan");
      return this;
    }

    public Builder maxMetadataBytes(int bytes) {
      if (bytes < 2 || bytes > 65536) {
        throw new IllegalArgumentException("max metadata size must be between 2 and 65536 bytes");
      }
      this.maxMetadataBytes = bytes;
      return this;
    }

    public Builder operatorPrefix(String prefix) {
      if (!KeyFormat.isValidPrefix(prefix == null ? "" : prefix)) {
        throw new IllegalArgumentException("operator key prefix \"" + prefix + "\" is not a valid prefix");
      }
      this.operatorPrefix = prefix;
      return this;
    }

    public AccessModel build() {
      return new AccessModel(this);
    }
  }

  @Override
  public String toString() {
    return "AccessModel[scopes=" + scopes.names() + ", environments=" + environments
        + ", roles=" + roles.keySet() + ", plans=" + plans + "]";
  }
}
