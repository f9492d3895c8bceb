package io.keywarden.server.config;

import io.keywarden.server.gateway.GatewayConfig;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.store.cache.CacheSettings;
import java.nio.file.Path;

/**
 * The effective configuration of a Keywarden node, after the file, the environment and the
 * command-line flags were applied and checked.
 *
 * @param databaseUrl JDBC URL of PostgreSQL, or {@code null} for SQLite in the data directory
 * @param secrets deployment secrets from configuration, or {@code null} for {@code secret.key}
 * @param adminKeyFile where the first operator key is written instead of being printed, or
 *     {@code null}
 * @param gateway the gateway's upstreams and routes
 * @param configFile the file this came from (re-read when it changes), or {@code null}
 * @param rateLimits the rate-limit backend, headers and plans
 */
public record KeywardenConfig(
    ServerSettings server,
    Path dataDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    SecretRing secrets,
    AccessModel model,
    CacheSettings cache,
    Path adminKeyFile,
    GatewayConfig gateway,
    Path configFile,
    RateLimitConfig rateLimits) {

  /** Everything at its default: SQLite in {@code ./data}, ports 8081 and 8080 on 127.0.0.1. */
  public static KeywardenConfig defaults() {
    return new KeywardenConfig(ServerSettings.defaults(), Path.of("data"), null, null, null, null,
        AccessModel.defaults(), CacheSettings.DEFAULTS, null, GatewayConfig.empty(), null,
        RateLimitConfig.defaults(AccessModel.defaults()));
  }

  public KeywardenConfig withServer(ServerSettings s) {
    return new KeywardenConfig(s, dataDir, databaseUrl, databaseUser, databasePassword, secrets, model, cache, adminKeyFile, gateway, configFile, rateLimits);
  }

  public KeywardenConfig withDataDir(Path d) {
    return new KeywardenConfig(server, d, databaseUrl, databaseUser, databasePassword, secrets, model, cache, adminKeyFile, gateway, configFile, rateLimits);
  }

  public KeywardenConfig withDatabase(String url, String user, String password) {
    return new KeywardenConfig(server, dataDir, url, user, password, secrets, model, cache, adminKeyFile, gateway, configFile, rateLimits);
  }

  public KeywardenConfig withModel(AccessModel m) {
    return new KeywardenConfig(server, dataDir, databaseUrl, databaseUser, databasePassword, secrets, m, cache, adminKeyFile, gateway, configFile, rateLimits);
  }

  public KeywardenConfig withAdminKeyFile(Path f) {
    return new KeywardenConfig(server, dataDir, databaseUrl, databaseUser, databasePassword, secrets, model, cache, f, gateway, configFile, rateLimits);
  }

  public KeywardenConfig withGateway(GatewayConfig g) {
    return new KeywardenConfig(server, dataDir, databaseUrl, databaseUser, databasePassword, secrets, model, cache, adminKeyFile, g, configFile, rateLimits);
  }

  public KeywardenConfig withRateLimits(RateLimitConfig r) {
    return new KeywardenConfig(server, dataDir, databaseUrl, databaseUser, databasePassword, secrets, model, cache, adminKeyFile, gateway, configFile, r);
  }

  @Override
  public String toString() {
    return "KeywardenConfig[server=" + server + ", dataDir=" + dataDir + ", database="
        + (databaseUrl == null ? "sqlite" : "postgresql") + ", secrets="
        + (secrets == null ? "file" : "configured") + "]";
  }
}
