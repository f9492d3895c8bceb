package io.keywarden.core.testing;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import java.time.Instant;
import java.util.List;

/**
 * Copies of a stored key with one field changed, standing in for the edits the store makes
 * (disable, revoke, scopes that a later configuration no longer defines, and so on).
 */
public final class ApiKeyCopy {
  private String id;
  private String name;
  private KeyKind kind;
  private KeyType type;
  private String environment;
  private String workspaceId;
  private String ownerUserId;
  private String ownerProjectId;
  private List<String> scopes;
  private List<String> projectIds;
  private List<String> allowedIps;
  private List<String> allowedOrigins;
  private String metadata;
  private String prefix;
  private String display;
  private KeyHash hash;
  private int hashVersion;
  private Instant expiresAt;
  private Instant createdAt;
  private String createdBy;
  private Instant lastUsedAt;
  private Instant revokedAt;
  private boolean enabled;
  private String replacesKeyId;
  private String replacedByKeyId;

  private ApiKeyCopy(ApiKey k) {
    id = k.id();
    name = k.name();
    kind = k.kind();
    type = k.type();
    environment = k.environment();
    workspaceId = k.workspaceId();
    ownerUserId = k.ownerUserId();
    ownerProjectId = k.ownerProjectId();
    scopes = k.scopes();
    projectIds = k.projectIds();
    allowedIps = k.allowedIps();
    allowedOrigins = k.allowedOrigins();
    metadata = k.metadata();
    prefix = k.prefix();
    display = k.display();
    hash = k.hash();
    hashVersion = k.hashVersion();
    expiresAt = k.expiresAt();
    createdAt = k.createdAt();
    createdBy = k.createdBy();
    lastUsedAt = k.lastUsedAt();
    revokedAt = k.revokedAt();
    enabled = k.enabled();
    replacesKeyId = k.replacesKeyId();
    replacedByKeyId = k.replacedByKeyId();
  }

  public static ApiKeyCopy of(ApiKey key) {
    return new ApiKeyCopy(key);
  }

  public ApiKeyCopy enabled(boolean v) {
    enabled = v;
    return this;
  }

  public ApiKeyCopy revokedAt(Instant v) {
    revokedAt = v;
    return this;
  }

  public ApiKeyCopy lastUsedAt(Instant v) {
    lastUsedAt = v;
    return this;
  }

  public ApiKeyCopy hashVersion(int v) {
    hashVersion = v;
    return this;
  }

  public ApiKeyCopy scopes(List<String> v) {
    scopes = v;
    return this;
  }

  public ApiKeyCopy allowedIps(List<String> v) {
    allowedIps = v;
    return this;
  }

  public ApiKeyCopy allowedOrigins(List<String> v) {
    allowedOrigins = v;
    return this;
  }

  public ApiKey build() {
    return new ApiKey(id, name, kind, type, environment, workspaceId, ownerUserId, ownerProjectId,
        scopes, projectIds, allowedIps, allowedOrigins, metadata, prefix, display, hash,
        hashVersion, expiresAt, createdAt, createdBy, lastUsedAt, revokedAt, enabled,
        replacesKeyId, replacedByKeyId);
  }
}
