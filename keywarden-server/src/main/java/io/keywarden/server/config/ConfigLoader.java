package io.keywarden.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
 * ConfigException} naming the setting; start-up stops on it.
 *
 * <p>Environment variables: {@code KEYWARDEN_BIND}, {@code KEYWARDEN_API_PORT}, {@code
 * KEYWARDEN_GATEWAY_PORT}, {@code KEYWARDEN_DATA_DIR}, {@code KEYWARDEN_DATABASE_URL}, {@code
 * KEYWARDEN_DATABASE_USER}, {@code KEYWARDEN_DATABASE_PASSWORD}, {@code KEYWARDEN_SECRETS}
 * (comma-separated {@code v1:…} entries), {@code KEYWARDEN_ADMIN_KEY_FILE}.
 */
public final class ConfigLoader {
  /** Flags given on the command line; {@code null} means not given. */
  public record Flags(String bind, Integer apiPort, Integer gatewayPort, Path dataDir, Path adminKeyFile) {
    public static final Flags NONE = new Flags(null, null, null, null, null);
  }

  private static final Set<String> ROOT_KEYS = Set.of(
      "server", "data_dir", "database", "secrets", "admin_key_file", "access", "cache");

  private ConfigLoader() {}

  /** Loads the configuration; {@code file} may be {@code null} for none. */
  public static KeywardenConfig load(Path file, Map<String, String> env, Flags flags) {
    JsonNode tree = null;
    if (file != null) {
      tree = readYaml(file);
    }
    ConfigNode root = new ConfigNode(tree, "").onlyKeys(ROOT_KEYS);
    ConfigNode server = root.get("server").onlyKeys(Set.of(
        "bind", "api_port", "gateway_port", "max_body_bytes", "shutdown_grace_seconds", "event_loops"));
    ServerSettings d = ServerSettings.defaults();
    String bind = server.get("bind").text(d.bind());
    int apiPort = server.get("api_port").integer(d.apiPort(), 0, 65535);
    int gatewayPort = server.get("gateway_port").integer(d.gatewayPort(), 0, 65535);
    long maxBody = server.get("max_body_bytes").longValue(d.maxBodyBytes(), 1024, 1L << 30);
    int grace = server.get("shutdown_grace_seconds").integer((int) d.shutdownGrace().toSeconds(), 0, 3600);
    int loops = server.get("event_loops").integer(0, 0, 256);
    String dataDir = root.get("data_dir").text("data");
    ConfigNode db = root.get("database").onlyKeys(Set.of("url", "user", "password"));
    String dbUrl = db.get("url").text(null);
    String dbUser = db.get("user").text(null);
    String dbPassword = db.get("password").text(null);
    List<String> secrets = root.get("secrets").strings(null);
    String adminKeyFile = root.get("admin_key_file").text(null);

    // Environment.
    bind = env.getOrDefault("KEYWARDEN_BIND", bind);
    apiPort = envInt(env, "KEYWARDEN_API_PORT", apiPort);
    gatewayPort = envInt(env, "KEYWARDEN_GATEWAY_PORT", gatewayPort);
    dataDir = env.getOrDefault("KEYWARDEN_DATA_DIR", dataDir);
    dbUrl = env.getOrDefault("KEYWARDEN_DATABASE_URL", dbUrl);
    dbUser = env.getOrDefault("KEYWARDEN_DATABASE_USER", dbUser);
    dbPassword = env.getOrDefault("KEYWARDEN_DATABASE_PASSWORD", dbPassword);
    if (env.containsKey("KEYWARDEN_SECRETS")) {
      secrets = Arrays.stream(env.get("KEYWARDEN_SECRETS").split(",")).map(String::trim).toList();
    }
    adminKeyFile = env.getOrDefault("KEYWARDEN_ADMIN_KEY_FILE", adminKeyFile);

    // Flags.
    if (flags.bind() != null) {
      bind = flags.bind();
    }
    if (flags.apiPort() != null) {
      apiPort = checkPort("--api-port", flags.apiPort());
    }
    if (flags.gatewayPort() != null) {
      gatewayPort = checkPort("--gateway-port", flags.gatewayPort());
    }
    Path dataPath = flags.dataDir() != null ? flags.dataDir() : Path.of(dataDir);
    Path adminPath = flags.adminKeyFile() != null ? flags.adminKeyFile()
        : adminKeyFile == null ? null : Path.of(adminKeyFile);

    if (bind == null || bind.isBlank()) {
      throw new ConfigException("server.bind", "must not be empty");
    }
    if (apiPort != 0 && apiPort == gatewayPort) {
      throw new ConfigException("server.gateway_port", "must differ from server.api_port (" + apiPort + ")");
    }
    if (dbUrl != null && !(dbUrl.startsWith("jdbc:postgresql:") || dbUrl.startsWith("jdbc:sqlite:"))) {
      throw new ConfigException("database.url", "must be a jdbc:postgresql: or jdbc:sqlite: URL");
    }
    var ring = secrets == null ? null : parseSecrets(secrets);
    ServerSettings settings = new ServerSettings(bind, apiPort, gatewayPort, maxBody, Duration.ofSeconds(grace), loops);
    AccessModel model = accessModel(root.get("access"));
    CacheSettings cache = cache(root.get("cache"));
    return new KeywardenConfig(settings, dataPath, dbUrl, dbUser, dbPassword, ring, model, cache, adminPath);
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
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(text);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ConfigException("--config", file + " is not valid YAML"
          + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
          + ": " + e.getOriginalMessage());
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

  private static io.keywarden.core.keys.SecretRing parseSecrets(List<String> secrets) {
    try {
      return DeploymentSecrets.parse(secrets, "secrets");
    } catch (IllegalArgumentException e) {
      throw new ConfigException("secrets", e.getMessage());
    }
  }

  static AccessModel accessModel(ConfigNode access) {
    access.onlyKeys(Set.of("scopes", "environments", "default_environment", "prefixes",
        "operator_prefix", "ttl", "roles", "plans", "default_plan", "max_metadata_bytes"));
    AccessModel.Builder b = AccessModel.builder();
    AccessModel defaults = AccessModel.defaults();
    String at = "access";
    try {
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
        b.scopes(ScopeVocabulary.of(defs));
      }
      at = "access.environments";
      List<String> envs = access.get("environments").strings(defaults.environments());
      String defEnv = access.get("default_environment").text(envs.contains(defaults.defaultEnvironment()) ? defaults.defaultEnvironment() : envs.isEmpty() ? null : envs.get(0));
      b.environments(envs, defEnv);
      at = "access.prefixes";
      ConfigNode prefixes = access.get("prefixes").onlyKeys(Set.of("secret", "publishable"));
      for (KeyType type : KeyType.values()) {
        for (Map.Entry<String, ConfigNode> e : prefixes.get(type.wireName()).entries().entrySet()) {
          at = e.getValue().path();
          b.prefix(type, e.getKey(), e.getValue().text(null));
        }
      }
      at = "access.operator_prefix";
      String op = access.get("operator_prefix").text(null);
      if (op != null) {
        b.operatorPrefix(op);
      }
      at = "access.ttl";
      ConfigNode ttl = access.get("ttl").onlyKeys(Set.of("choices_days", "allow_none", "default_days"));
      if (!ttl.isMissing()) {
        TtlPolicy dt = defaults.ttl();
        List<Integer> choices = ttl.get("choices_days").integers(dt.choicesDays());
        boolean none = ttl.get("allow_none").bool(dt.allowNone());
        ConfigNode dd = ttl.get("default_days");
        Integer defDays = dd.isMissing() ? (choices.contains(dt.defaultDays()) ? dt.defaultDays() : null)
            : "none".equals(dd.text(null)) ? null : dd.integer(0, 1, 36500);
        b.ttl(new TtlPolicy(choices, none, defDays));
      }
      at = "access.roles";
      if (!access.get("roles").isMissing()) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : access.get("roles").entries().entrySet()) {
          roles.put(e.getKey(), e.getValue().strings(List.of()));
        }
        b.roles(roles);
      }
      at = "access.plans";
      List<String> plans = access.get("plans").strings(defaults.plans());
      b.plans(plans, access.get("default_plan").text(plans.contains(defaults.defaultPlan()) ? defaults.defaultPlan() : plans.isEmpty() ? null : plans.get(0)));
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
