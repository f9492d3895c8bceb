package io.keywarden.server.config;

import io.keywarden.server.gateway.GatewayConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.TtlPolicy;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.store.cache.CacheSettings;
import io.keywarden.store.service.DeploymentSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the effective {@link KeywardenConfig}: defaults, then the YAML file, then environment
 * variables, then command-line flags, each overriding the one before. Every problem is a {@link
 * ConfigException} naming the setting where the bad value came from: the dotted path in the file
 * ({@code server.api_port}), the variable ({@code KEYWARDEN_API_PORT}) or the flag ({@code
 * --api-port}); start-up stops on it. A key given twice in the file is an error too.
 *
 * <p>Environment variables: {@code KEYWARDEN_BIND}, {@code KEYWARDEN_API_PORT}, {@code
 * KEYWARDEN_GATEWAY_PORT}, {@code KEYWARDEN_DATA_DIR}, {@code KEYWARDEN_DATABASE_URL}, {@code
 * KEYWARDEN_DATABASE_USER}, {@code KEYWARDEN_DATABASE_PASSWORD}, {@code KEYWARDEN_SECRETS}
 * (comma-separated {@code v1:…} entries), {@code KEYWARDEN_ADMIN_KEY_FILE}, {@code
 * KEYWARDEN_HEADER_TIMEOUT_MS}, {@code KEYWARDEN_IDLE_TIMEOUT_MS}, {@code KEYWARDEN_BODY_TIMEOUT_MS},
 * {@code KEYWARDEN_TLS_CERT_FILE}, {@code KEYWARDEN_TLS_KEY_FILE}.
 */
public final class ConfigLoader {
  /** Flags given on the command line; {@code null} means not given. */
  public record Flags(String bind, Integer apiPort, Integer gatewayPort, Path dataDir, Path adminKeyFile) {
    public static final Flags NONE = new Flags(null, null, null, null, null);
  }

  private static final Set<String> ROOT_KEYS = Set.of(
      "server", "data_dir", "database", "secrets", "admin_key_file", "access", "cache", "gateway",
      "rate_limits");

  /** A key given twice in one mapping is an error, not "the last one wins". */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private ConfigLoader() {}

  /** Loads the configuration; {@code file} may be {@code null} for none. */
  public static KeywardenConfig load(Path file, Map<String, String> env, Flags flags) {
    JsonNode tree = null;
    if (file != null) {
      tree = readYaml(file);
    }
    ConfigNode root = new ConfigNode(tree, "").onlyKeys(ROOT_KEYS);
    ConfigNode server = root.get("server").onlyKeys(Set.of(
        "bind", "api_port", "gateway_port", "max_body_bytes", "shutdown_grace_seconds", "event_loops",
        "show_suspension_reason", "header_timeout_ms", "idle_timeout_ms", "body_timeout_ms", "tls"));
    ServerSettings d = ServerSettings.defaults();
    String bind = server.get("bind").text(d.bind());
    int apiPort = server.get("api_port").integer(d.apiPort(), 0, 65535);
    int gatewayPort = server.get("gateway_port").integer(d.gatewayPort(), 0, 65535);
    long maxBody = server.get("max_body_bytes").longValue(d.maxBodyBytes(), 1024, 1L << 30);
    int grace = server.get("shutdown_grace_seconds").integer((int) d.shutdownGrace().toSeconds(), 0, 3600);
    int loops = server.get("event_loops").integer(0, 0, 256);
    boolean showSuspensionReason = server.get("show_suspension_reason").bool(false);
    ServerSettings.Timeouts dt = ServerSettings.Timeouts.DEFAULTS;
    long headerMs = timeoutMs(server.get("header_timeout_ms"), env, "KEYWARDEN_HEADER_TIMEOUT_MS", dt.header());
    long idleMs = timeoutMs(server.get("idle_timeout_ms"), env, "KEYWARDEN_IDLE_TIMEOUT_MS", dt.idle());
    long bodyMs = timeoutMs(server.get("body_timeout_ms"), env, "KEYWARDEN_BODY_TIMEOUT_MS", dt.body());
    ServerSettings.Tls tls = tls(server.get("tls"), env);
    String dataDir = root.get("data_dir").text("data");
    ConfigNode db = root.get("database").onlyKeys(Set.of("url", "user", "password"));
    String dbUrl = db.get("url").text(null);
    String dbUser = db.get("user").text(null);
    String dbPassword = db.get("password").text(null);
    List<String> secrets = root.get("secrets").strings(null);
    String adminKeyFile = root.get("admin_key_file").text(null);

    // Environment. Each value remembers the setting it came from, so an error names that one.
    String bindSetting = "server.bind";
    String apiPortSetting = "server.api_port";
    String gatewayPortSetting = "server.gateway_port";
    String dataDirSetting = "data_dir";
    String dbUrlSetting = "database.url";
    if (env.containsKey("KEYWARDEN_BIND")) {
      bind = env.get("KEYWARDEN_BIND");
      bindSetting = "KEYWARDEN_BIND";
    }
    if (env.containsKey("KEYWARDEN_API_PORT")) {
      apiPort = envInt(env, "KEYWARDEN_API_PORT", apiPort);
      apiPortSetting = "KEYWARDEN_API_PORT";
    }
    if (env.containsKey("KEYWARDEN_GATEWAY_PORT")) {
      gatewayPort = envInt(env, "KEYWARDEN_GATEWAY_PORT", gatewayPort);
      gatewayPortSetting = "KEYWARDEN_GATEWAY_PORT";
    }
    if (env.containsKey("KEYWARDEN_DATA_DIR")) {
      dataDir = env.get("KEYWARDEN_DATA_DIR");
      dataDirSetting = "KEYWARDEN_DATA_DIR";
    }
    if (env.containsKey("KEYWARDEN_DATABASE_URL")) {
      dbUrl = env.get("KEYWARDEN_DATABASE_URL");
      dbUrlSetting = "KEYWARDEN_DATABASE_URL";
    }
    dbUser = env.getOrDefault("KEYWARDEN_DATABASE_USER", dbUser);
    dbPassword = env.getOrDefault("KEYWARDEN_DATABASE_PASSWORD", dbPassword);
    String secretsSetting = "secrets";
    if (env.containsKey("KEYWARDEN_SECRETS")) {
      secrets = Arrays.stream(env.get("KEYWARDEN_SECRETS").split(",")).map(String::trim).toList();
      secretsSetting = "KEYWARDEN_SECRETS";
    }
    adminKeyFile = env.getOrDefault("KEYWARDEN_ADMIN_KEY_FILE", adminKeyFile);

    // Flags.
    if (flags.bind() != null) {
      bind = flags.bind();
      bindSetting = "--bind";
    }
    if (flags.apiPort() != null) {
      apiPort = checkPort("--api-port", flags.apiPort());
      apiPortSetting = "--api-port";
    }
    if (flags.gatewayPort() != null) {
      gatewayPort = checkPort("--gateway-port", flags.gatewayPort());
      gatewayPortSetting = "--gateway-port";
    }
    if (flags.dataDir() == null && dataDir.isBlank()) {
      throw new ConfigException(dataDirSetting, "must not be empty");
    }
    Path dataPath = flags.dataDir() != null ? flags.dataDir() : path(dataDirSetting, dataDir);
    Path adminPath = flags.adminKeyFile() != null ? flags.adminKeyFile()
        : adminKeyFile == null || adminKeyFile.isBlank() ? null
        : path(env.containsKey("KEYWARDEN_ADMIN_KEY_FILE")
            ? "KEYWARDEN_ADMIN_KEY_FILE" : "admin_key_file", adminKeyFile);

    if (bind == null || bind.isBlank()) {
      throw new ConfigException(bindSetting, "must not be empty");
    }
    if (apiPort != 0 && apiPort == gatewayPort) {
      // Name the setting given last: it is the one most likely to be the mistake.
      String fault = precedence(gatewayPortSetting) >= precedence(apiPortSetting) ? gatewayPortSetting : apiPortSetting;
      String other = fault.equals(gatewayPortSetting) ? apiPortSetting : gatewayPortSetting;
      throw new ConfigException(fault, "must differ from " + other + " (both are " + apiPort + ")");
    }
    if (dbUrl != null && !(dbUrl.startsWith("jdbc:postgresql:") || dbUrl.startsWith("jdbc:sqlite:"))) {
      throw new ConfigException(dbUrlSetting, "must be a jdbc:postgresql: or jdbc:sqlite: URL");
    }
    var ring = secrets == null ? null : parseSecrets(secretsSetting, secrets);
    ServerSettings settings = new ServerSettings(bind, apiPort, gatewayPort, maxBody, Duration.ofSeconds(grace), loops,
        new ServerSettings.Timeouts(Duration.ofMillis(headerMs), Duration.ofMillis(idleMs), Duration.ofMillis(bodyMs)),
        tls, showSuspensionReason);
    AccessModel model = accessModel(root.get("access"));
    CacheSettings cache = cache(root.get("cache"));
    GatewayConfig gateway = GatewaySection.parse(root.get("gateway"), model.scopes());
    RateLimitConfig rateLimits = RateLimitConfig.parse(root.get("rate_limits"), model);
    String redisUrl = env.get("KEYWARDEN_REDIS_URL");
    if (redisUrl != null && !redisUrl.isBlank()) {
      rateLimits = rateLimits.withRedis(redisUrl.trim());
    }
    return new KeywardenConfig(settings, dataPath, dbUrl, dbUser, dbPassword, ring, model, cache, adminPath, gateway, file,
        rateLimits);
  }

  /**
   * Re-reads only the {@code gateway:} section of {@code file}, for a reload; the rest of the file
   * takes effect on the next start.
   */
  public static GatewayConfig loadGateway(Path file, io.keywarden.core.scopes.ScopeVocabulary vocabulary) {
    JsonNode tree = readYaml(file);
    return GatewaySection.parse(new ConfigNode(tree, "").get("gateway"), vocabulary);
  }

  private static JsonNode readYaml(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config", "file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
    }
    try {
      JsonNode tree = YAML.readTree(text);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ConfigException("--config", file + " is not valid YAML"
          + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
          + ": " + e.getOriginalMessage());
    }
  }

  /** Longest timeout a listener accepts: one hour. */
  private static final long MAX_TIMEOUT_MS = 3_600_000;

  /** A listener timeout in milliseconds from the file or its variable: 0 (off) or 10 ms to an hour. */
  private static long timeoutMs(ConfigNode node, Map<String, String> env, String variable, Duration def) {
    long ms = node.longValue(def.toMillis(), 0, MAX_TIMEOUT_MS);
    String setting = node.path();
    String v = env.get(variable);
    if (v != null) {
      setting = variable;
      try {
        ms = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(variable, "must be a whole number of milliseconds, was \"" + v + "\"");
      }
    }
    if (ms != 0 && (ms < 10 || ms > MAX_TIMEOUT_MS)) {
      throw new ConfigException(setting, "must be 0 (off) or between 10 and " + MAX_TIMEOUT_MS + " ms, was " + ms);
    }
    return ms;
  }

  /**
   * The {@code server.tls} section: a certificate chain and key in PEM for the listeners it names
   * ({@code listeners: [api, gateway]}, both by default), or {@code null} for plain HTTP. The
   * files themselves are read when the listeners start.
   */
  private static ServerSettings.Tls tls(ConfigNode node, Map<String, String> env) {
    node.onlyKeys(Set.of("cert_file", "key_file", "listeners"));
    String cert = node.get("cert_file").text(null);
    String key = node.get("key_file").text(null);
    String certSetting = node.get("cert_file").path();
    String keySetting = node.get("key_file").path();
    if (env.containsKey("KEYWARDEN_TLS_CERT_FILE")) {
      cert = env.get("KEYWARDEN_TLS_CERT_FILE");
      certSetting = "KEYWARDEN_TLS_CERT_FILE";
    }
    if (env.containsKey("KEYWARDEN_TLS_KEY_FILE")) {
      key = env.get("KEYWARDEN_TLS_KEY_FILE");
      keySetting = "KEYWARDEN_TLS_KEY_FILE";
    }
    cert = cert == null || cert.isBlank() ? null : cert.trim();
    key = key == null || key.isBlank() ? null : key.trim();
    List<String> listeners = node.get("listeners").strings(List.of("api", "gateway"));
    if (cert == null && key == null) {
      if (!node.get("listeners").isMissing()) {
        throw new ConfigException(certSetting, "is required when server.tls.listeners is given");
      }
      return null;
    }
    if (cert == null) {
      throw new ConfigException(certSetting, "is required with " + keySetting);
    }
    if (key == null) {
      throw new ConfigException(keySetting, "is required with " + certSetting);
    }
    for (int i = 0; i < listeners.size(); i++) {
      if (!listeners.get(i).equals("api") && !listeners.get(i).equals("gateway")) {
        throw new ConfigException("server.tls.listeners[" + i + "]", "must be api or gateway, was \""
            + listeners.get(i) + "\"");
      }
    }
    if (listeners.isEmpty()) {
      throw new ConfigException("server.tls.listeners", "must name api, gateway or both");
    }
    return new ServerSettings.Tls(Path.of(cert), Path.of(key), listeners.contains("api"), listeners.contains("gateway"));
  }

  /** A file system path from a setting; one the platform cannot represent (a NUL) is a config error. */
  private static Path path(String setting, String text) {
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(setting, "is not a usable path: " + e.getReason());
    }
  }

  private static int envInt(Map<String, String> env, String name, int current) {
    String v = env.get(name);
    if (v == null) {
      return current;
    }
    try {
      return checkPort(name, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be a port number, was \"" + v + "\"");
    }
  }

  private static int checkPort(String setting, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException(setting, "must be a port between 0 and 65535, was " + port);
    }
    return port;
  }

  private static io.keywarden.core.keys.SecretRing parseSecrets(String setting, List<String> secrets) {
    try {
      return DeploymentSecrets.parse(secrets, setting);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, e.getMessage());
    }
  }

  /** 0 for the file, 1 for the environment, 2 for a flag. */
  private static int precedence(String setting) {
    return setting.startsWith("--") ? 2 : setting.startsWith("KEYWARDEN_") ? 1 : 0;
  }

  /**
   * The access model of the {@code access} section. Whatever {@link AccessModel.Builder} would only
   * find at {@code build()} (a default that is not among its choices, a role granting an unknown
   * scope, a prefix for an unknown environment) is checked here first, so that the error names
   * the setting at fault rather than the whole section.
   */
  static AccessModel accessModel(ConfigNode access) {
    access.onlyKeys(Set.of("scopes", "environments", "default_environment", "prefixes",
        "operator_prefix", "ttl", "roles", "plans", "default_plan", "max_metadata_bytes"));
    AccessModel.Builder b = AccessModel.builder();
    AccessModel defaults = AccessModel.defaults();
    String at = "access";
    try {
      ScopeVocabulary vocabulary = defaults.scopes();
      if (!access.get("scopes").isMissing()) {
        at = "access.scopes";
        List<ScopeDefinition> defs = new ArrayList<>();
        for (ConfigNode s : access.get("scopes").elements()) {
          s.onlyKeys(Set.of("name", "implies", "description"));
          String name = s.get("name").text(null);
          if (name == null) {
            throw new ConfigException(s.path() + ".name", "is required");
          }
          defs.add(new ScopeDefinition(name, s.get("implies").strings(List.of()), s.get("description").text("")));
        }
        vocabulary = ScopeVocabulary.of(defs);
        b.scopes(vocabulary);
      }

      at = "access.environments";
      List<String> envs = access.get("environments").strings(defaults.environments());
      String defEnv = access.get("default_environment").text(envs.contains(defaults.defaultEnvironment())
          ? defaults.defaultEnvironment() : envs.isEmpty() ? null : envs.get(0));
      b.environments(envs, defEnv == null ? "" : defEnv);
      if (!envs.contains(defEnv)) {
        throw new ConfigException("access.default_environment",
            "must be one of the environments " + envs + ", was \"" + defEnv + "\"");
      }

      at = "access.prefixes";
      ConfigNode prefixes = access.get("prefixes").onlyKeys(Set.of("secret", "publishable"));
      Map<String, String> givenPrefixes = new LinkedHashMap<>();
      for (KeyType type : KeyType.values()) {
        for (Map.Entry<String, ConfigNode> e : prefixes.get(type.wireName()).entries().entrySet()) {
          at = e.getValue().path();
          if (!envs.contains(e.getKey())) {
            throw new ConfigException(at, "names no environment (environments: " + String.join(", ", envs) + ")");
          }
          String prefix = e.getValue().text(null);
          b.prefix(type, e.getKey(), prefix);
          String earlier = givenPrefixes.put(prefix, at);
          if (earlier != null) {
            throw new ConfigException(at, "prefix \"" + prefix + "\" is already used by " + earlier
                + "; every kind of key needs its own prefix");
          }
        }
      }

      at = "access.operator_prefix";
      String op = access.get("operator_prefix").text(null);
      if (op != null) {
        b.operatorPrefix(op);
        if (givenPrefixes.containsKey(op)) {
          throw new ConfigException(at, "must differ from the access key prefix of " + givenPrefixes.get(op));
        }
      }

      at = "access.ttl";
      ConfigNode ttl = access.get("ttl").onlyKeys(Set.of("choices_days", "allow_none", "default_days"));
      if (!ttl.isMissing()) {
        b.ttl(ttl(ttl, defaults.ttl()));
      }

      at = "access.roles";
      ConfigNode rolesNode = access.get("roles");
      if (!rolesNode.isMissing()) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : rolesNode.entries().entrySet()) {
          List<String> grants = e.getValue().strings(List.of());
          checkGrants(vocabulary, grants, e.getValue().path());
          roles.put(e.getKey(), grants);
        }
        if (roles.isEmpty()) {
          throw new ConfigException(at, "must define at least one role");
        }
        b.roles(roles);
      } else {
        for (var role : defaults.roles().values()) {
          try {
            vocabulary.grant(role.grants(), at);
          } catch (KeywardenException e) {
            throw new ConfigException(at, "the default role \"" + role.name() + "\" grants "
                + String.join(", ", role.grants()) + ", which access.scopes does not define; define access.roles too");
          }
        }
      }

      at = "access.plans";
      List<String> plans = access.get("plans").strings(defaults.plans());
      String defPlan = access.get("default_plan").text(plans.contains(defaults.defaultPlan())
          ? defaults.defaultPlan() : plans.isEmpty() ? null : plans.get(0));
      b.plans(plans, defPlan == null ? "" : defPlan);
      if (!plans.contains(defPlan)) {
        throw new ConfigException("access.default_plan", "must be one of the plans " + plans + ", was \"" + defPlan + "\"");
      }

      at = "access.max_metadata_bytes";
      b.maxMetadataBytes(access.get("max_metadata_bytes").integer(defaults.maxMetadataBytes(), 2, 65536));
      at = "access";
      return b.build();
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException(at, e.getMessage());
    }
  }

  /**
   * The {@code access.ttl} section. Without {@code default_days}, the default lifetime stays 90
   * days when that is a choice, else it is the longest choice: leaving the default out never makes
   * keys silently immortal.
   */
  private static TtlPolicy ttl(ConfigNode ttl, TtlPolicy dt) {
    List<Integer> choices = ttl.get("choices_days").integers(dt.choicesDays());
    boolean none = ttl.get("allow_none").bool(dt.allowNone());
    ConfigNode dd = ttl.get("default_days");
    Integer defDays;
    if (dd.isMissing()) {
      defDays = choices.contains(dt.defaultDays()) ? dt.defaultDays()
          : choices.stream().max(Integer::compare).orElse(null);
    } else if (dd.isText("none")) {
      defDays = null;
    } else {
      defDays = dd.integer(0, 1, 36500);
    }
    if (choices.isEmpty() && !none) {
      throw new ConfigException("access.ttl.choices_days", "must offer at least one lifetime when allow_none is false");
    }
    if (defDays == null && !none) {
      throw new ConfigException("access.ttl.default_days", "may be none only when allow_none is true");
    }
    if (defDays != null && !choices.contains(defDays)) {
      throw new ConfigException("access.ttl.default_days", "must be one of choices_days " + choices + ", was " + defDays);
    }
    return new TtlPolicy(choices, none, defDays);
  }

  private static void checkGrants(ScopeVocabulary vocabulary, List<String> grants, String setting) {
    try {
      vocabulary.grant(grants, setting);
    } catch (KeywardenException e) {
      throw new ConfigException(setting, e.getMessage());
    }
  }

  private static CacheSettings cache(ConfigNode c) {
    c.onlyKeys(Set.of("max_keys", "key_ttl_seconds", "negative_ttl_seconds", "max_negative", "tenancy_ttl_seconds"));
    CacheSettings d = CacheSettings.DEFAULTS;
    return new CacheSettings(
        c.get("max_keys").longValue(d.maximumKeys(), 1, 100_000_000),
        Duration.ofSeconds(c.get("key_ttl_seconds").integer((int) d.keyTtl().toSeconds(), 1, 86400)),
        Duration.ofSeconds(c.get("negative_ttl_seconds").integer((int) d.negativeTtl().toSeconds(), 1, 3600)),
        c.get("max_negative").longValue(d.maximumNegative(), 0, 10_000_000),
        Duration.ofSeconds(c.get("tenancy_ttl_seconds").integer((int) d.tenancyTtl().toSeconds(), 1, 86400)));
  }
}
