package io.keywarden.core.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored API key: everything about it except the key itself, which is never kept.
 *
 * @param id typed id, {@code key_…}
 * @param name human-readable name
 * @param kind user, project or operator key
 * @param type secret or publishable
 * @param environment one of the configured environments, e.g. {@code live}
 * @param workspaceId owning workspace; {@code null} only for operator keys
 * @param ownerUserId owner of a user key, else {@code null}
 * @param ownerProjectId project of a project key, else {@code null}
 * @param scopes granted scope patterns (user and operator keys); empty for project keys
 * @param projectIds project allow-list; empty means every present and future project the owner
 *     reaches
 * @param allowedIps CIDR blocks the key may be used from; empty means anywhere
 * @param allowedOrigins origins a publishable key may be used from; empty means any
 * @param metadata a small JSON object as canonical text, {@code "{}"} when none
 * @param prefix the key's prefix, e.g. {@code kw_sk_live}
 * @param display the display form, see {@link KeyFormat#displayForm}
 * @param hash HMAC-SHA256 of the key
 * @param hashVersion version of the deployment secret that made {@link #hash}
 * @param expiresAt when the key stops working, or {@code null} for never
 * @param createdAt creation time
 * @param createdBy actor that created the key
 * @param lastUsedAt last successful use (accurate to about a second), or {@code null}
 * @param revokedAt revocation time, or {@code null}
 * @param enabled {@code false} suspends the key without revoking it
 * @param replacesKeyId the key this one replaced by rotation, or {@code null}
 * @param replacedByKeyId the key that replaced this one by rotation, or {@code null}
 * @param rateLimits the key's rate-limit overrides as canonical JSON text (a list of {@code
 *     {"name", "limit"[, "window", "by"]}}), or {@code null} when it has none
 */
public record ApiKey(
    String id,
    String name,
    KeyKind kind,
    KeyType type,
    String environment,
    String workspaceId,
    String ownerUserId,
    String ownerProjectId,
    List<String> scopes,
    List<String> projectIds,
    List<String> allowedIps,
    List<String> allowedOrigins,
    String metadata,
    String prefix,
    String display,
    KeyHash hash,
    int hashVersion,
    Instant expiresAt,
    Instant createdAt,
    String createdBy,
    Instant lastUsedAt,
    Instant revokedAt,
    boolean enabled,
    String replacesKeyId,
    String replacedByKeyId,
    String rateLimits) {

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(createdAt, "createdAt");
    scopes = List.copyOf(scopes);
    projectIds = List.copyOf(projectIds);
    allowedIps = List.copyOf(allowedIps);
    allowedOrigins = List.copyOf(allowedOrigins);
    metadata = metadata == null ? "{}" : metadata;
    if (kind == KeyKind.USER && ownerUserId == null) {
      throw new IllegalArgumentException("a user key needs an owner user");
    }
    if (kind == KeyKind.PROJECT && ownerProjectId == null) {
      throw new IllegalArgumentException("a project key needs a project");
    }
    if (kind != KeyKind.OPERATOR && workspaceId == null) {
      throw new IllegalArgumentException("a " + kind.wireName() + " key needs a workspace");
    }
  }

  /** A key without rate-limit overrides. */
  public ApiKey(String id, String name, KeyKind kind, KeyType type, String environment,
      String workspaceId, String ownerUserId, String ownerProjectId, List<String> scopes,
      List<String> projectIds, List<String> allowedIps, List<String> allowedOrigins,
      String metadata, String prefix, String display, KeyHash hash, int hashVersion,
      Instant expiresAt, Instant createdAt, String createdBy, Instant lastUsedAt,
      Instant revokedAt, boolean enabled, String replacesKeyId, String replacedByKeyId) {
    this(id, name, kind, type, environment, workspaceId, ownerUserId, ownerProjectId, scopes,
        projectIds, allowedIps, allowedOrigins, metadata, prefix, display, hash, hashVersion,
        expiresAt, createdAt, createdBy, lastUsedAt, revokedAt, enabled, replacesKeyId,
        replacedByKeyId, null);
  }

  /** The lifecycle state at {@code now}: active, expired, revoked or disabled. */
  public KeyState stateAt(Instant now) {
    if (revokedAt != null) {
      return KeyState.REVOKED;
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return KeyState.EXPIRED;
    }
    if (!enabled) {
      return KeyState.DISABLED;
    }
    return KeyState.ACTIVE;
  }

  /** A copy with a new revocation time. */
  public ApiKey withRevokedAt(Instant at) {
    return new ApiKey(id, name, kind, type, environment, workspaceId, ownerUserId, ownerProjectId,
        scopes, projectIds, allowedIps, allowedOrigins, metadata, prefix, display, hash,
        hashVersion, expiresAt, createdAt, createdBy, lastUsedAt, at, enabled, replacesKeyId,
        replacedByKeyId, rateLimits);
  }

  /** A copy with other rate-limit overrides ({@code null} for none). */
  public ApiKey withRateLimits(String overrides) {
    return new ApiKey(id, name, kind, type, environment, workspaceId, ownerUserId, ownerProjectId,
        scopes, projectIds, allowedIps, allowedOrigins, metadata, prefix, display, hash,
        hashVersion, expiresAt, createdAt, createdBy, lastUsedAt, revokedAt, enabled,
        replacesKeyId, replacedByKeyId, overrides);
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + " " + display + " " + kind.wireName() + "/" + type.wireName() + "]";
  }
}
