package io.keywarden.core.policy;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.net.CidrBlock;
import io.keywarden.core.net.OriginPattern;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Validates a {@link NewKeyRequest} against the {@link AccessModel} and makes the key.
 *
 * <p>Checks here are the ones that need no storage: names, kinds, types, environments, scopes,
 * lifetimes, CIDR blocks, origins and metadata size. Each failure is a {@code invalid_request}
 * naming the field. The store checks references (workspace, user membership, projects) in the
 * same transaction that writes the key.
 */
public final class KeyIssuer {
  /** Longest key name. */
  public static final int MAX_NAME_LENGTH = 200;
  /** Most entries in {@code allowed_ips}. */
  public static final int MAX_ALLOWED_IPS = 100;
  /** Most entries in {@code allowed_origins}. */
  public static final int MAX_ALLOWED_ORIGINS = 50;
  /** Most entries in {@code projects} and {@code scopes}. */
  public static final int MAX_LIST = 1000;

  private final AccessModel model;
  private final KeyHasher hasher;
  private final IdGenerator ids;
  private final Clock clock;

  public KeyIssuer(AccessModel model, KeyHasher hasher, IdGenerator ids, Clock clock) {
    this.model = model;
    this.hasher = hasher;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Validates the request and makes the key.
   *
   * @param maxTtlDays the workspace's own cap on lifetimes, or {@code null}
   * @param createdBy the actor, recorded on the key
   * @throws KeywardenException {@code invalid_request} naming the first field at fault
   */
  public IssuedKey issue(NewKeyRequest r, Integer maxTtlDays, String createdBy) {
    if (r.kind() == null) {
      throw KeywardenException.invalid("kind", "kind must be \"user\" or \"project\".");
    }
    if (r.kind() == KeyKind.OPERATOR) {
      throw KeywardenException.invalid("kind", "kind must be \"user\" or \"project\".");
    }
    requireText(r.workspaceId(), "workspace_id");
    String name = validName(r.name());
    KeyType type = r.type() == null ? KeyType.SECRET : r.type();
    String env = r.environment() == null ? model.defaultEnvironment() : r.environment();
    if (!model.environments().contains(env)) {
      throw KeywardenException.invalid(
          "environment", "environment must be one of " + String.join(", ", model.environments()) + ".");
    }
    List<String> scopes = dedupe(r.scopes(), "scopes");
    List<String> projects = dedupe(r.projectIds(), "projects");
    if (r.kind() == KeyKind.USER) {
      requireText(r.userId(), "user_id");
      if (r.projectId() != null) {
        throw KeywardenException.invalid("project_id", "project_id is only for project keys; use projects for an allow-list.");
      }
      model.scopes().grant(scopes, "scopes");
    } else {
      requireText(r.projectId(), "project_id");
      if (r.userId() != null) {
        throw KeywardenException.invalid("user_id", "user_id is only for user keys.");
      }
      if (!scopes.isEmpty()) {
        throw KeywardenException.invalid("scopes", "Project keys have full access to their project and take no scopes.");
      }
      if (!projects.isEmpty()) {
        throw KeywardenException.invalid("projects", "Project keys are bound to project_id and take no projects allow-list.");
      }
    }
    List<String> ips = validIps(r.allowedIps());
    List<String> origins = validOrigins(r.allowedOrigins(), type);
    String metadata = validMetadata(r.metadata());
    Instant now = clock.instant();
    Instant expiresAt = expiry(r, maxTtlDays, now);

    String prefix = model.prefix(type, env);
    String secret = KeyFormat.generate(prefix);
    ApiKey key = new ApiKey(
        ids.next("key"), name, r.kind(), type, env, r.workspaceId(),
        r.kind() == KeyKind.USER ? r.userId() : null,
        r.kind() == KeyKind.PROJECT ? r.projectId() : null,
        scopes, projects, ips, origins, metadata, prefix, KeyFormat.displayForm(secret),
        hasher.hash(secret), hasher.currentVersion(), expiresAt, now, createdBy, null, null, true,
        null, null);
    return new IssuedKey(key, secret);
  }

  /**
   * Makes an operator key for Keywarden's own management API.
   *
   * @param scopes operator scopes, e.g. {@code admin}
   * @param expiresAt {@code null} for never
   */
  public IssuedKey issueOperator(String name, List<String> scopes, Instant expiresAt, String createdBy) {
    return issueOperator(name, scopes, expiresAt, createdBy, null);
  }

  /**
   * Makes an operator key bound to one workspace: it may act on that workspace's objects only
   * (the store checks that the workspace exists).
   *
   * @param workspaceId the workspace, or {@code null} for a deployment-wide key
   */
  public IssuedKey issueOperator(String name, List<String> scopes, Instant expiresAt, String createdBy,
      String workspaceId) {
    return issueOperator(name, scopes, expiresAt, createdBy, workspaceId, List.of());
  }

  /**
   * Makes an operator key, optionally bound to one workspace and limited to client addresses.
   *
   * @param allowedIps CIDR blocks the key may be used from; empty means anywhere
   */
  public IssuedKey issueOperator(String name, List<String> scopes, Instant expiresAt, String createdBy,
      String workspaceId, List<String> allowedIps) {
    List<String> ips = validIps(allowedIps);
    if (workspaceId != null && workspaceId.isBlank()) {
      throw KeywardenException.invalid("workspace_id", "workspace_id must not be empty.");
    }
    String n = validName(name);
    List<String> s = dedupe(scopes, "scopes");
    if (s.isEmpty()) {
      throw KeywardenException.invalid("scopes", "An operator key needs at least one scope.");
    }
    model.operatorScopes().grant(s, "scopes");
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw KeywardenException.invalid("expires_at", "expires_at must be in the future.");
    }
    String secret = KeyFormat.generate(model.operatorPrefix());
    ApiKey key = new ApiKey(ids.next("key"), n, KeyKind.OPERATOR, KeyType.SECRET,
        model.defaultEnvironment(), workspaceId, null, null, s, List.of(), ips, List.of(), "{}",
        model.operatorPrefix(), KeyFormat.displayForm(secret), hasher.hash(secret),
        hasher.currentVersion(), expiresAt, now, createdBy, null, null, true, null, null);
    return new IssuedKey(key, secret);
  }

  /**
   * Makes the successor of {@code old} for a rotation: same kind, type, environment, owner,
   * scopes, allow-lists, metadata and rate-limit overrides, and the same lifetime it was given,
   * counted from now, with no workspace cap.
   */
  public IssuedKey successor(ApiKey old, String createdBy) {
    return successor(old, null, createdBy);
  }

  /**
   * Makes the successor of {@code old} for a rotation, as {@link #successor(ApiKey, String)}, its
   * inherited lifetime going through {@link #expiry the one expiry check}: an access key's successor
   * never outlives what the workspace (and the TTL policy) allow now, whatever {@code old} had; it
   * is shortened to the cap rather than refused, so a rotation never fails for it.
   *
   * @param maxTtlDays the workspace's cap on lifetimes now, or {@code null}
   */
  public IssuedKey successor(ApiKey old, Integer maxTtlDays, String createdBy) {
    Instant now = clock.instant();
    Instant expiresAt = null;
    if (old.expiresAt() != null) {
      Duration life = Duration.between(old.createdAt(), old.expiresAt());
      expiresAt = now.plus(life.isNegative() ? Duration.ZERO : life);
    }
    if (old.kind() != KeyKind.OPERATOR) {
      expiresAt = capped(expiresAt, null, maxTtlDays, now);
    }
    String secret = KeyFormat.generate(old.prefix());
    ApiKey key = new ApiKey(ids.next("key"), old.name(), old.kind(), old.type(), old.environment(),
        old.workspaceId(), old.ownerUserId(), old.ownerProjectId(), old.scopes(), old.projectIds(),
        old.allowedIps(), old.allowedOrigins(), old.metadata(), old.prefix(),
        KeyFormat.displayForm(secret), hasher.hash(secret), hasher.currentVersion(), expiresAt, now,
        createdBy, null, null, true, old.id(), null, old.rateLimits());
    return new IssuedKey(key, secret);
  }

  /** Checks a key name. */
  public static String validName(String name) {
    if (name == null || name.isBlank()) {
      throw KeywardenException.invalid("name", "name is required.");
    }
    String n = name.strip();
    if (n.length() > MAX_NAME_LENGTH) {
      throw KeywardenException.invalid("name", "name must be at most " + MAX_NAME_LENGTH + " characters.");
    }
    for (int i = 0; i < n.length(); i++) {
      if (Character.isISOControl(n.charAt(i))) {
        throw KeywardenException.invalid("name", "name must not contain control characters.");
      }
    }
    if (!KeyFormat.redact(n).equals(n)) {
      // A key pasted into a name would be stored and shown in every answer and audit event.
      throw KeywardenException.invalid("name", "name must not contain an API key.");
    }
    return n;
  }

  /** Checks and normalises a CIDR allow-list. */
  public static List<String> validIps(List<String> cidrs) {
    if (cidrs.size() > MAX_ALLOWED_IPS) {
      throw KeywardenException.invalid("allowed_ips", "allowed_ips may hold at most " + MAX_ALLOWED_IPS + " entries.");
    }
    return cidrs.stream().map(c -> CidrBlock.parse(c, "allowed_ips").text()).distinct().toList();
  }

  /** Checks and normalises an origin allow-list; origins apply to publishable keys only. */
  public static List<String> validOrigins(List<String> origins, KeyType type) {
    if (origins.isEmpty()) {
      return List.of();
    }
    if (type != KeyType.PUBLISHABLE) {
      throw KeywardenException.invalid("allowed_origins", "allowed_origins applies to publishable keys only.");
    }
    if (origins.size() > MAX_ALLOWED_ORIGINS) {
      throw KeywardenException.invalid("allowed_origins", "allowed_origins may hold at most " + MAX_ALLOWED_ORIGINS + " entries.");
    }
    return origins.stream().map(o -> OriginPattern.parse(o, "allowed_origins").text()).distinct().toList();
  }

  /** Checks the size of metadata JSON text; {@code null} becomes {@code "{}"}. */
  public String validMetadata(String json) {
    if (json == null) {
      return "{}";
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > model.maxMetadataBytes()) {
      throw KeywardenException.invalid("metadata",
          "metadata must be at most " + model.maxMetadataBytes() + " bytes of JSON; it is " + bytes + ".");
    }
    return json;
  }

  /** The expiry a request asks for, checked against the TTL policy and the workspace cap. */
  public Instant expiry(NewKeyRequest r, Integer maxTtlDays, Instant now) {
    return expiry(r.ttlDays(), r.expiresAt(), r.noExpiry(), "ttl_days", maxTtlDays, now);
  }

  /**
   * The one check of every expiry an access key is given, at creation ({@link #issue}), on a
   * change ({@code PATCH}) and at rotation ({@link #successor(ApiKey, Integer, String)}): the
   * TTL policy's choices and longest lifetime, then the workspace's {@code max_ttl_days}. An
   * explicit ask beyond them is refused naming its field; nothing asked (the default, or an
   * inherited lifetime) is shortened to the cap.
   *
   * @param ttlDays a lifetime in days, or {@code null}
   * @param expiresAt a date, or {@code null}
   * @param noExpiry whether the caller asks for no expiry at all
   * @param noneField the field that asked for no expiry, for the error
   * @param maxTtlDays the workspace's cap, or {@code null}
   * @return the expiry, or {@code null} for never
   */
  public Instant expiry(Integer ttlDays, Instant expiresAt, boolean noExpiry, String noneField,
      Integer maxTtlDays, Instant now) {
    TtlPolicy ttl = model.ttl();
    int given = (ttlDays != null ? 1 : 0) + (expiresAt != null ? 1 : 0) + (noExpiry ? 1 : 0);
    if (given > 1) {
      throw KeywardenException.invalid(ttlDays != null ? "ttl_days" : "expires_at",
          "Give at most one of ttl_days and expires_at.");
    }
    if (given == 0) {
      Instant byDefault = ttl.defaultDays() == null ? null : now.plus(Duration.ofDays(ttl.defaultDays()));
      return capped(byDefault, null, maxTtlDays, now);
    }
    Instant asked;
    String field;
    if (ttlDays != null) {
      field = "ttl_days";
      if (!ttl.choicesDays().contains(ttlDays)) {
        throw KeywardenException.invalid("ttl_days", "ttl_days must be one of " + ttl.describe() + ".");
      }
      asked = now.plus(Duration.ofDays(ttlDays));
    } else if (noExpiry) {
      field = noneField;
      if (!ttl.allowNone()) {
        throw KeywardenException.invalid(noneField, "Keys must expire; choose a lifetime of "
            + ttl.describe() + " days.");
      }
      asked = null;
    } else {
      field = "expires_at";
      if (!expiresAt.isAfter(now)) {
        throw KeywardenException.invalid("expires_at", "expires_at must be in the future.");
      }
      Integer longest = ttl.longestDays();
      if (longest != null && expiresAt.isAfter(now.plus(Duration.ofDays(longest)))) {
        throw KeywardenException.invalid("expires_at", "expires_at must be at most " + longest + " days ahead.");
      }
      asked = expiresAt;
    }
    return capped(asked, field, maxTtlDays, now);
  }

  /**
   * {@code expiresAt} held to the TTL policy's longest lifetime (when keys must expire) and the
   * workspace's cap: refused naming {@code field} when the caller asked for it, shortened when
   * not ({@code field} null).
   */
  private Instant capped(Instant expiresAt, String field, Integer maxTtlDays, Instant now) {
    TtlPolicy ttl = model.ttl();
    Integer longest = ttl.allowNone() ? null : ttl.longestDays();
    if (field == null && longest != null) {
      Instant policyCap = now.plus(Duration.ofDays(longest));
      if (expiresAt == null || expiresAt.isAfter(policyCap)) {
        expiresAt = policyCap;
      }
    }
    if (maxTtlDays == null) {
      return expiresAt;
    }
    Instant cap = now.plus(Duration.ofDays(maxTtlDays));
    if (expiresAt != null && !expiresAt.isAfter(cap)) {
      return expiresAt;
    }
    if (field == null) {
      return cap;
    }
    throw KeywardenException.invalid(field, expiresAt == null
        ? field + " must name a lifetime of at most " + maxTtlDays
            + " days: this workspace allows no longer-lived keys."
        : field + " must be at most " + maxTtlDays
            + " days ahead: this workspace allows no longer-lived keys.");
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw KeywardenException.invalid(field, field + " is required.");
    }
  }

  private static List<String> dedupe(List<String> values, String field) {
    if (values.size() > MAX_LIST) {
      throw KeywardenException.invalid(field, field + " may hold at most " + MAX_LIST + " entries.");
    }
    LinkedHashSet<String> set = new LinkedHashSet<>();
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw KeywardenException.invalid(field, field + " must not contain empty entries.");
      }
      set.add(v.strip());
    }
    return List.copyOf(set);
  }
}
