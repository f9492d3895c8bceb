package io.keywarden.store.jdbc;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/** Builds {@link ApiKey} records for store tests, with a random hash and plain defaults. */
final class KeyBuilder {
  private static final SecureRandom RANDOM = new SecureRandom();

  private String id;
  private KeyKind kind = KeyKind.USER;
  private String workspaceId;
  private String userId;
  private String projectId;
  private List<String> scopes = List.of("read");
  private List<String> projectIds = List.of();
  private KeyHash hash = randomHash();
  private Instant expiresAt;
  private Instant createdAt;
  private boolean enabled = true;
  private String metadata = "{\"team\":\"core\"}";

  private KeyBuilder(String id, Instant createdAt) {
    this.id = id;
    this.createdAt = createdAt;
  }

  static KeyBuilder key(IdGenerator ids, Instant createdAt) {
    return new KeyBuilder(ids.next("key"), createdAt);
  }

  static KeyHash randomHash() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return KeyHash.of(bytes, 0);
  }

  KeyBuilder id(String id) {
    this.id = id;
    return this;
  }

  KeyBuilder user(String workspaceId, String userId) {
    this.kind = KeyKind.USER;
    this.workspaceId = workspaceId;
    this.userId = userId;
    this.projectId = null;
    return this;
  }

  KeyBuilder project(String workspaceId, String projectId) {
    this.kind = KeyKind.PROJECT;
    this.workspaceId = workspaceId;
    this.projectId = projectId;
    this.userId = null;
    this.scopes = List.of();
    return this;
  }

  KeyBuilder operator() {
    this.kind = KeyKind.OPERATOR;
    this.workspaceId = null;
    this.userId = null;
    this.projectId = null;
    this.scopes = List.of("admin");
    return this;
  }

  KeyBuilder projects(String... ids) {
    this.projectIds = List.of(ids);
    return this;
  }

  KeyBuilder hash(KeyHash hash) {
    this.hash = hash;
    return this;
  }

  KeyBuilder workspace(String workspaceId) {
    this.workspaceId = workspaceId;
    return this;
  }

  KeyBuilder scopes(String... scopes) {
    this.scopes = List.of(scopes);
    return this;
  }

  KeyBuilder expiresAt(Instant at) {
    this.expiresAt = at;
    return this;
  }

  KeyBuilder metadata(String json) {
    this.metadata = json;
    return this;
  }

  KeyBuilder enabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  ApiKey build() {
    return new ApiKey(id, "key " + id, kind, KeyType.SECRET, "live", workspaceId, userId,
        projectId, scopes, projectIds, List.of("10.0.0.0/8"), List.of(), metadata,
        "kw_sk_live", "kw_sk_live_abcd\u2026wxyz", hash, 1, expiresAt, createdAt, "user:usr_test",
        null, null, enabled, null, null);
  }
}
