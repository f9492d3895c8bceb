package io.keywarden.store.service;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.scopes.ScopeSet;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.store.Actor;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Operator keys (the keys of Keywarden's own API) as first-class records: issuing, changing,
 * rotating and revoking them under one rule, <b>no escalation</b>: an acting key can issue or
 * change only keys whose scopes it holds itself (403 {@code scope_escalation}, naming the scopes
 * it lacks), and a key bound to a workspace only keys bound to the same workspace. With no acting
 * key ({@code null}: bootstrap, {@code keywarden admin reset-key}) access to the store is the
 * authority. The store refuses to take away the last standing admin key (409
 * {@code last_admin_key}).
 */
public final class OperatorKeyService {
  /** Longest lifetime an operator key can be given in days. */
  public static final int MAX_TTL_DAYS = 3650;
  /** Name of the admin key the first start issues. */
  public static final String BOOTSTRAP_NAME = "bootstrap admin";
  /** Name of the admin key {@code keywarden admin reset-key} issues. */
  public static final String RESET_NAME = "admin (reset-key)";

  /** What a new operator key is asked to be; {@code null} lists are empty. */
  public record NewOperatorKey(String name, List<String> scopes, String workspaceId,
      Instant expiresAt, List<String> allowedIps) {
    public NewOperatorKey {
      allowedIps = allowedIps == null ? List.of() : allowedIps;
    }
  }

  /**
   * A change; {@code null} fields are left as they are.
   *
   * @param clearExpiry remove the expiry ({@code expires_at: null})
   */
  public record Change(String name, Boolean enabled, List<String> scopes, List<String> allowedIps,
      Instant expiresAt, boolean clearExpiry) {}

  private final Store store;
  private final KeyService keys;
  private final KeyIssuer issuer;
  private final ScopeVocabulary vocabulary;
  private final Clock clock;

  OperatorKeyService(Store store, KeyService keys, KeyIssuer issuer, ScopeVocabulary vocabulary, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.issuer = issuer;
    this.vocabulary = vocabulary;
    this.clock = clock;
  }

  /**
   * Issues a key; the secret is in the result only.
   *
   * @param actingKey the key asking, or {@code null} for the store's own authority
   */
  public IssuedKey create(NewOperatorKey r, ApiKey actingKey, Actor actor) {
    if (r.workspaceId() != null && store.workspace(r.workspaceId()).isEmpty()) {
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
    if (r.scopes() == null) {
      throw KeywardenException.invalid("scopes", "scopes is required.");
    }
    IssuedKey issued = issuer.issueOperator(r.name(), r.scopes(), expiry(r.expiresAt()), actor.id(),
        r.workspaceId(), r.allowedIps());
    requireCovers(actingKey, issued.key().scopes());
    requireWithinBinding(actingKey, issued.key().workspaceId());
    ApiKey stored = store.insertKey(issued.key(), actor);
    return new IssuedKey(stored, issued.secret());
  }

  /** Changes a key the acting key covers. */
  public ApiKey update(ApiKey target, Change c, ApiKey actingKey, Actor actor) {
    requireOperator(target);
    requireCovers(actingKey, target.scopes());
    List<String> scopes = null;
    if (c.scopes() != null) {
      scopes = c.scopes().stream().map(String::strip).distinct().toList();
      if (scopes.isEmpty()) {
        throw KeywardenException.invalid("scopes", "An operator key needs at least one scope.");
      }
      vocabulary.grant(scopes, "scopes");
      requireCovers(actingKey, scopes);
    }
    String name = c.name() == null ? null : KeyIssuer.validName(c.name());
    List<String> ips = c.allowedIps() == null ? null : KeyIssuer.validIps(c.allowedIps());
    if (c.clearExpiry() && c.expiresAt() != null) {
      throw KeywardenException.invalid("expires_at", "Give expires_at or ask for no expiry, not both.");
    }
    KeyPatch patch = new KeyPatch(name, c.enabled(), scopes, null, ips, null, null,
        expiry(c.expiresAt()), c.clearExpiry(), null);
    return store.updateKey(target.id(), patch, actor);
  }

  /** Revokes a key the acting key covers; refused for the last standing admin key. */
  public ApiKey revoke(ApiKey target, ApiKey actingKey, Actor actor) {
    requireOperator(target);
    requireCovers(actingKey, target.scopes());
    return keys.revoke(target.id(), actor);
  }

  /**
   * Makes a successor with the same scopes, binding and address list; the old key keeps working
   * for {@code grace}. The acting key must cover the key's scopes: a rotation hands out a secret
   * with them.
   */
  public IssuedKey rotate(ApiKey target, Duration grace, ApiKey actingKey, Actor actor) {
    requireOperator(target);
    requireCovers(actingKey, target.scopes());
    return keys.rotate(target.id(), grace, actor);
  }

  /**
   * Issues the first admin key of a deployment (bootstrap), unbound and without expiry. The key
   * is given to {@code handOver} (to be shown) before it is stored: if that fails, nothing is
   * stored and a later start issues one again.
   */
  public IssuedKey issueBootstrapKey(java.util.function.Consumer<IssuedKey> handOver) {
    IssuedKey issued = issuer.issueOperator(BOOTSTRAP_NAME, List.of("admin"), null, Actor.SYSTEM.id());
    handOver.accept(issued);
    return new IssuedKey(store.insertBootstrapAdminKey(issued.key(), Actor.SYSTEM), issued.secret());
  }

  /** The outcome of a reset: the new key (with its secret) and the ids of the revoked ones. */
  public record Reset(IssuedKey issued, List<String> revokedKeyIds) {}

  /**
   * Revokes the admin keys that bootstrap or an earlier reset issued (and their rotation
   * successors) and issues a new unbound admin key, in one transaction with its audit event.
   * The new key is given to {@code handOver} (to be shown) before anything is stored.
   */
  public Reset resetAdminKey(Actor actor, java.util.function.Consumer<IssuedKey> handOver) {
    IssuedKey issued = issuer.issueOperator(RESET_NAME, List.of("admin"), null, actor.id());
    handOver.accept(issued);
    List<String> revoked = store.resetAdminKey(issued.key(), clock.instant(), actor);
    ApiKey stored = store.key(issued.key().id()).orElseThrow();
    return new Reset(new IssuedKey(stored, issued.secret()), revoked);
  }

  /**
   * 403 {@code scope_escalation} unless {@code actingKey} holds every scope of {@code scopes};
   * the message names the missing ones.
   */
  public void requireCovers(ApiKey actingKey, List<String> scopes) {
    if (actingKey == null) {
      return;
    }
    ScopeSet held = vocabulary.grant(actingKey.scopes());
    List<String> missing = scopes.stream()
        .filter(s -> !held.containsAll(vocabulary.grant(List.of(s))))
        .toList();
    if (!missing.isEmpty()) {
      throw new KeywardenException(ErrorCode.SCOPE_ESCALATION, "scopes",
          "The operator key making this request does not hold " + String.join(", ", missing)
              + "; it can only grant or manage keys within its own scopes (" + String.join(", ", actingKey.scopes()) + ").");
    }
  }

  private void requireWithinBinding(ApiKey actingKey, String workspaceId) {
    if (actingKey != null && actingKey.workspaceId() != null
        && !actingKey.workspaceId().equals(workspaceId)) {
      // Answered as for a workspace that does not exist: a bound key learns nothing of others.
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
  }

  private static void requireOperator(ApiKey target) {
    if (target.kind() != KeyKind.OPERATOR) {
      throw KeywardenException.notFound("Operator key");
    }
  }

  private Instant expiry(Instant expiresAt) {
    if (expiresAt == null) {
      return null;
    }
    Instant now = clock.instant();
    if (!expiresAt.isAfter(now)) {
      throw KeywardenException.invalid("expires_at", "expires_at must be in the future.");
    }
    if (expiresAt.isAfter(now.plus(Duration.ofDays(MAX_TTL_DAYS)))) {
      throw KeywardenException.invalid("expires_at", "expires_at must be at most " + MAX_TTL_DAYS + " days ahead.");
    }
    return expiresAt;
  }
}
