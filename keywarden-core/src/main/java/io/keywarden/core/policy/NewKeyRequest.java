package io.keywarden.core.policy;

import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a caller asks for when creating an access key, before validation.
 *
 * <p>Absent optional values are {@code null} or empty. For the lifetime, give at most one of
 * {@code ttlDays}, {@code expiresAt} and {@code noExpiry}; with none, the default applies.
 *
 * @param type {@code null} means secret
 * @param environment {@code null} means the default environment
 */
public record NewKeyRequest(
    String workspaceId,
    KeyKind kind,
    String userId,
    String projectId,
    String name,
    KeyType type,
    String environment,
    List<String> scopes,
    List<String> projectIds,
    Integer ttlDays,
    Instant expiresAt,
    boolean noExpiry,
    List<String> allowedIps,
    List<String> allowedOrigins,
    String metadata) {

  public NewKeyRequest {
    scopes = copy(scopes);
    projectIds = copy(projectIds);
    allowedIps = copy(allowedIps);
    allowedOrigins = copy(allowedOrigins);
  }

  /**
   * An unmodifiable copy that keeps null entries (unlike {@link List#copyOf}), so that {@link
   * KeyIssuer} rejects them as an invalid request naming the field rather than failing here.
   */
  private static List<String> copy(List<String> values) {
    return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** A user key request with defaults for everything optional. */
  public static NewKeyRequest userKey(String workspaceId, String userId, String name, List<String> scopes) {
    return new NewKeyRequest(workspaceId, KeyKind.USER, userId, null, name, null, null, scopes,
        List.of(), null, null, false, List.of(), List.of(), null);
  }

  /** A project key request with defaults for everything optional. */
  public static NewKeyRequest projectKey(String workspaceId, String projectId, String name) {
    return new NewKeyRequest(workspaceId, KeyKind.PROJECT, null, projectId, name, null, null,
        List.of(), List.of(), null, null, false, List.of(), List.of(), null);
  }

  public NewKeyRequest withType(KeyType t) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, t, environment, scopes,
        projectIds, ttlDays, expiresAt, noExpiry, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withEnvironment(String env) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, env, scopes,
        projectIds, ttlDays, expiresAt, noExpiry, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withProjects(List<String> ids) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        ids, ttlDays, expiresAt, noExpiry, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withTtlDays(Integer days) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, days, expiresAt, noExpiry, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withExpiresAt(Instant at) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, ttlDays, at, noExpiry, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withNoExpiry() {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, ttlDays, expiresAt, true, allowedIps, allowedOrigins, metadata);
  }

  public NewKeyRequest withAllowedIps(List<String> cidrs) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, ttlDays, expiresAt, noExpiry, cidrs, allowedOrigins, metadata);
  }

  public NewKeyRequest withAllowedOrigins(List<String> origins) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, ttlDays, expiresAt, noExpiry, allowedIps, origins, metadata);
  }

  public NewKeyRequest withMetadata(String json) {
    return new NewKeyRequest(workspaceId, kind, userId, projectId, name, type, environment, scopes,
        projectIds, ttlDays, expiresAt, noExpiry, allowedIps, allowedOrigins, json);
  }
}
