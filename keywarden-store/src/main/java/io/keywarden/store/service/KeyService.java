package io.keywarden.store.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.Store;
import io.keywarden.store.ratelimit.RateLimitOverride;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Creating, changing, rotating and revoking keys: validation against the {@link AccessModel},
 * then one store transaction (which also writes the audit event and invalidates caches).
 *
 * <p>Bad input is a {@link KeywardenException} naming the field, and nothing is written.
 */
public final class KeyService {
  /** Longest grace period of a rotation. */
  public static final Duration MAX_GRACE = Duration.ofDays(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final AccessModel model;
  private final KeyIssuer issuer;
  private final Clock clock;

  public KeyService(Store store, AccessModel model, KeyIssuer issuer, Clock clock) {
    this.store = store;
    this.model = model;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** Validates and stores a new user or project key; the secret is in the result only. */
  public IssuedKey create(NewKeyRequest request, Actor actor) {
    return create(request, null, actor);
  }

  /**
   * Validates and stores a new user or project key with rate-limit overrides.
   *
   * @param rateLimits a JSON list of {@code {"name", "limit"[, "window", "by"]}} (see {@link
   *     RateLimitOverride}), or {@code null} for none; bad text is a 400 naming {@code rate_limits}
   *     and nothing is written
   */
  public IssuedKey create(NewKeyRequest request, String rateLimits, Actor actor) {
    String overrides = rateLimits == null ? null : RateLimitOverride.canonical(rateLimits, "rate_limits");
    if (request.workspaceId() == null || request.workspaceId().isBlank()) {
      throw KeywardenException.invalid("workspace_id", "workspace_id is required.");
    }
    Workspace ws = store.workspace(request.workspaceId()).orElseThrow(() ->
        KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace."));
    String metadata = normalizeMetadata(request.metadata());
    IssuedKey issued = issuer.issue(request.withMetadata(metadata), ws.maxTtlDays(), actor.id());
    ApiKey stored = store.insertKey(issued.key().withRateLimits(overrides), actor);
    return new IssuedKey(stored, issued.secret());
  }

  /** Validates and stores a new operator key for the management API. */
  public IssuedKey createOperatorKey(String name, List<String> scopes, Instant expiresAt, Actor actor) {
    return createOperatorKey(name, scopes, expiresAt, null, actor);
  }

  /**
   * Validates and stores a new operator key bound to one workspace: the management API lets it
   * see and change that workspace's objects only.
   *
   * @param workspaceId the workspace, or {@code null} for a deployment-wide key; an unknown one is
   *     a 400 naming {@code workspace_id}
   */
  public IssuedKey createOperatorKey(String name, List<String> scopes, Instant expiresAt,
      String workspaceId, Actor actor) {
    if (workspaceId != null && store.workspace(workspaceId).isEmpty()) {
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
    IssuedKey issued = issuer.issueOperator(name, scopes, expiresAt, actor.id(), workspaceId);
    ApiKey stored = store.insertKey(issued.key(), actor);
    return new IssuedKey(stored, issued.secret());
  }

  /** Validates and applies a change to a key. */
  public ApiKey update(String keyId, KeyUpdate u, Actor actor) {
    ApiKey key = store.key(keyId).orElseThrow(() -> KeywardenException.notFound("Key"));
    String name = u.name() == null ? null : KeyIssuer.validName(u.name());
    List<String> scopes = null;
    if (u.scopes() != null) {
      if (key.kind() == KeyKind.PROJECT && !u.scopes().isEmpty()) {
        throw KeywardenException.invalid("scopes", "Project keys have full access to their project and take no scopes.");
      }
      scopes = u.scopes().stream().map(String::strip).distinct().toList();
      (key.kind() == KeyKind.OPERATOR ? model.operatorScopes() : model.scopes()).grant(scopes, "scopes");
    }
    List<String> projects = null;
    if (u.projectIds() != null) {
      if (key.kind() != KeyKind.USER && !u.projectIds().isEmpty()) {
        throw KeywardenException.invalid("projects", "Only user keys take a projects allow-list.");
      }
      projects = u.projectIds().stream().map(String::strip).distinct().toList();
    }
    List<String> ips = u.allowedIps() == null ? null : KeyIssuer.validIps(u.allowedIps());
    List<String> origins = u.allowedOrigins() == null ? null : KeyIssuer.validOrigins(u.allowedOrigins(), key.type());
    String metadata = null;
    if (u.metadata() != null) {
      metadata = issuer.validMetadata(normalizeMetadata(u.metadata()));
    }
    if (u.clearExpiry() && u.expiresAt() != null) {
      throw KeywardenException.invalid("expires_at", "Give expires_at or ask for no expiry, not both.");
    }
    if (u.clearExpiry() || u.expiresAt() != null) {
      // The same check as at creation and rotation, with the workspace's cap as it is now.
      issuer.expiry(null, u.expiresAt(), u.clearExpiry(), "expires_at", maxTtlDays(key), clock.instant());
    }
    String rateLimits = null;
    if (u.rateLimits() != null) {
      if (key.kind() == KeyKind.OPERATOR) {
        throw KeywardenException.invalid("rate_limits", "Operator keys take no rate-limit overrides.");
      }
      String canonical = RateLimitOverride.canonical(u.rateLimits(), "rate_limits");
      rateLimits = canonical == null ? "[]" : canonical;
    }
    KeyPatch patch = new KeyPatch(name, u.enabled(), scopes, projects, ips, origins, metadata,
        u.expiresAt(), u.clearExpiry(), rateLimits);
    return store.updateKey(keyId, patch, actor);
  }

  /** Revokes a key; it is refused from the next request on, on every node that hears the event. */
  public ApiKey revoke(String keyId, Actor actor) {
    return store.revokeKey(keyId, clock.instant(), actor);
  }

  /**
   * Makes a successor with the same rights; the old key keeps working for {@code grace} and then
   * expires.
   */
  public IssuedKey rotate(String keyId, Duration grace, Actor actor) {
    if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      throw KeywardenException.invalid("grace_seconds",
          "grace_seconds must be between 0 and " + MAX_GRACE.toSeconds() + ".");
    }
    ApiKey old = store.key(keyId).orElseThrow(() -> KeywardenException.notFound("Key"));
    Instant now = clock.instant();
    if (old.stateAt(now) != KeyState.ACTIVE) {
      throw KeywardenException.conflict("id", "Only an active key can be rotated; this one is " + old.stateAt(now).wireName() + ".");
    }
    if (old.replacedByKeyId() != null) {
      throw KeywardenException.conflict("id", "This key has already been rotated.");
    }
    IssuedKey successor = issuer.successor(old, maxTtlDays(old), actor.id());
    ApiKey stored = store.rotateKey(keyId, successor.key(), now.plus(grace), actor);
    return new IssuedKey(stored, successor.secret());
  }

  /**
   * The lifetime cap of the workspace an access key belongs to, or {@code null}. Operator keys
   * answer to no workspace's key policy.
   */
  private Integer maxTtlDays(ApiKey key) {
    if (key.kind() == KeyKind.OPERATOR || key.workspaceId() == null) {
      return null;
    }
    return store.workspace(key.workspaceId()).map(Workspace::maxTtlDays).orElse(null);
  }

  /**
   * Checks that metadata is a JSON object and returns its compact form; {@code null} stays
   * {@code null}.
   */
  static String normalizeMetadata(String metadata) {
    if (metadata == null) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(metadata);
    } catch (JsonProcessingException e) {
      throw KeywardenException.invalid("metadata", "metadata must be a JSON object.");
    }
    if (node == null || !node.isObject()) {
      throw KeywardenException.invalid("metadata", "metadata must be a JSON object.");
    }
    return node.toString();
  }
}
