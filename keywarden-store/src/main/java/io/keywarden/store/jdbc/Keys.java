package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.tenancy.Project;
import io.keywarden.store.Actor;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code api_keys} table: everything about a key except the key itself, which never reaches
 * the store; only its HMAC ({@code hash}), prefix and display form do.
 */
final class Keys {
  private static final String COLUMNS = "id, name, kind, type, environment, workspace_id,"
      + " owner_user_id, owner_project_id, scopes, project_ids, allowed_ips, allowed_origins,"
      + " metadata, prefix, display, hash, hash_version, expires_at, created_at, created_by,"
      + " last_used_at, revoked_at, enabled, replaces_key_id, replaced_by_key_id, rate_limits";
  static final String SELECT = "SELECT " + COLUMNS + " FROM api_keys";
  private static final String INSERT =
      "INSERT INTO api_keys (" + COLUMNS + ") VALUES (" + "?, ".repeat(25) + "?)";

  /** A key's identity, as listeners need it when a key changes as a side effect. */
  record Ref(String id, KeyHash hash, String workspaceId) {}

  private final AuditLog audit;

  Keys(AuditLog audit) {
    this.audit = audit;
  }

  ApiKey insert(Tx tx, ApiKey key, Actor actor) throws SQLException {
    write(tx, key, key.replacesKeyId(), actor);
    audit.append(tx, actor, "key.created", "key", key.id(), key.workspaceId(), created(key, null));
    if (key.kind() == KeyKind.OPERATOR) {
      OperatorKeys.changed(tx);
    }
    tx.onCommit(l -> l.keyChanged(key.id(), key.hash()));
    return require(tx, key.id());
  }

  Optional<ApiKey> find(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?", Keys::map, id);
  }

  /** The hot lookup: one query on the unique index of {@code hash}. */
  Optional<ApiKey> findByHash(Tx tx, KeyHash hash) throws SQLException {
    return tx.one(SELECT + " WHERE hash = ?", Keys::map, hash.toHex());
  }

  Page<ApiKey> list(Tx tx, KeyFilter filter, PageRequest page) throws SQLException {
    var query = new Pager.Query<>(SELECT, "id", Keys::map, ApiKey::id)
        .whereEquals("workspace_id", filter.workspaceId())
        .whereEquals("owner_user_id", filter.userId())
        .whereEquals("owner_project_id", filter.projectId())
        .whereEquals("kind", filter.kind() == null ? null : filter.kind().wireName());
    // Each metadata condition is an index lookup in key_metadata (name, value, key_id).
    for (var e : new java.util.TreeMap<>(filter.metadata()).entrySet()) {
      query.where("id IN (SELECT key_id FROM key_metadata WHERE name = ? AND value = ?)",
          e.getKey(), e.getValue());
    }
    if (filter.accessKeysOnly()) {
      query.where("kind <> ?", KeyKind.OPERATOR.wireName());
    }
    if (filter.state() != null) {
      // The same rules as ApiKey.stateAt: revoked, then expired, then disabled.
      Instant now = tx.now();
      switch (filter.state()) {
        case REVOKED -> query.where("revoked_at IS NOT NULL");
        case EXPIRED -> query.where(
            "revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?", now);
        case DISABLED -> query.where(
            "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND enabled = ?", now, false);
        case ACTIVE -> query.where(
            "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND enabled = ?", now, true);
      }
    }
    return Pager.page(tx, query, page);
  }

  ApiKey update(Tx tx, String id, KeyPatch patch, Actor actor) throws SQLException {
    if (patch.clearExpiry() && patch.expiresAt() != null) {
      throw KeywardenException.invalid("expires_at", "Give expires_at or clear the expiry, not both.");
    }
    OperatorKeys.AdminCounts admins = OperatorKeys.beforeChange(tx, id);
    ApiKey old = lock(tx, id);
    if (patch.projectIds() != null) {
      References.requireProjects(tx, old.workspaceId(), patch.projectIds(), "projects");
    }
    String name = patch.name() != null ? patch.name() : old.name();
    boolean enabled = patch.enabled() != null ? patch.enabled() : old.enabled();
    List<String> scopes = patch.scopes() != null ? List.copyOf(patch.scopes()) : old.scopes();
    List<String> projects = patch.projectIds() != null ? List.copyOf(patch.projectIds()) : old.projectIds();
    List<String> ips = patch.allowedIps() != null ? List.copyOf(patch.allowedIps()) : old.allowedIps();
    List<String> origins =
        patch.allowedOrigins() != null ? List.copyOf(patch.allowedOrigins()) : old.allowedOrigins();
    String metadata = patch.metadata() != null ? patch.metadata() : old.metadata();
    Instant expiresAt = patch.clearExpiry() ? null
        : patch.expiresAt() != null ? patch.expiresAt() : old.expiresAt();
    String overrides = patch.rateLimits() != null
        ? Workspaces.overrides(patch.rateLimits()) : old.rateLimits();
    tx.update("UPDATE api_keys SET name = ?, enabled = ?, scopes = ?, project_ids = ?,"
            + " allowed_ips = ?, allowed_origins = ?, metadata = ?, expires_at = ?,"
            + " rate_limits = ? WHERE id = ?",
        name, enabled, Json.of(scopes), Json.of(projects), Json.of(ips), Json.of(origins),
        metadata, expiresAt, overrides, id);
    if (!metadata.equals(old.metadata())) {
      tx.update("DELETE FROM key_metadata WHERE key_id = ?", id);
      indexMetadata(tx, id, metadata);
    }
    ApiKey key = require(tx, id);
    Map<String, Object> changed = new LinkedHashMap<>();
    AuditLog.noteChange(changed, "name", old.name(), key.name());
    AuditLog.noteChange(changed, "enabled", old.enabled(), key.enabled());
    AuditLog.noteChange(changed, "scopes", old.scopes(), key.scopes());
    AuditLog.noteChange(changed, "projects", old.projectIds(), key.projectIds());
    AuditLog.noteChange(changed, "allowed_ips", old.allowedIps(), key.allowedIps());
    AuditLog.noteChange(changed, "allowed_origins", old.allowedOrigins(), key.allowedOrigins());
    AuditLog.noteChange(changed, "expires_at", old.expiresAt(), key.expiresAt());
    AuditLog.noteChange(changed, "rate_limits", Json.tree(old.rateLimits()),
        Json.tree(key.rateLimits()));
    if (!old.metadata().equals(key.metadata())) {
      changed.put("metadata", "changed");
    }
    audit.append(tx, actor, "key.updated", "key", id, key.workspaceId(), Json.object(changed));
    OperatorKeys.afterChange(tx, admins);
    tx.onCommit(l -> l.keyChanged(id, key.hash()));
    return key;
  }

  /** Revokes the key; a revoked key is returned unchanged, with no event. */
  ApiKey revoke(Tx tx, String id, Instant at, Actor actor) throws SQLException {
    OperatorKeys.AdminCounts admins = OperatorKeys.beforeChange(tx, id);
    ApiKey old = lock(tx, id);
    if (old.revokedAt() != null) {
      return old;
    }
    Instant when = at != null ? at : tx.now();
    tx.update("UPDATE api_keys SET revoked_at = ? WHERE id = ?", when, id);
    audit.append(tx, actor, "key.revoked", "key", id, old.workspaceId(),
        Json.object("revoked_at", millis(when)));
    OperatorKeys.afterChange(tx, admins);
    tx.onCommit(l -> l.keyChanged(id, old.hash()));
    return require(tx, id);
  }

  /**
   * Stores the successor (its {@code replaces_key_id} is the old key), points the old key at it
   * and brings the old key's expiry forward to {@code oldKeyExpiresAt} if that is earlier.
   */
  ApiKey rotate(Tx tx, String oldId, ApiKey successor, Instant oldKeyExpiresAt, Actor actor)
      throws SQLException {
    ApiKey old = lock(tx, oldId);
    if (old.revokedAt() != null) {
      throw KeywardenException.conflict("key", "A revoked key cannot be rotated.");
    }
    if (old.replacedByKeyId() != null) {
      throw KeywardenException.conflict("key", "The key has already been rotated.");
    }
    write(tx, successor, oldId, actor);
    Instant expiresAt = earliest(old.expiresAt(), oldKeyExpiresAt);
    tx.update("UPDATE api_keys SET replaced_by_key_id = ?, expires_at = ? WHERE id = ?",
        successor.id(), expiresAt, oldId);
    audit.append(tx, actor, "key.rotated", "key", oldId, old.workspaceId(), Json.object(
        "replaced_by_key_id", successor.id(), "expires_at", expiresAt == null ? null : millis(expiresAt)));
    audit.append(tx, actor, "key.created", "key", successor.id(), successor.workspaceId(),
        created(successor, oldId));
    if (old.kind() == KeyKind.OPERATOR) {
      OperatorKeys.inheritOrigin(tx, oldId, successor.id());
      OperatorKeys.changed(tx);
    }
    tx.onCommit(l -> l.keyChanged(oldId, old.hash()));
    tx.onCommit(l -> l.keyChanged(successor.id(), successor.hash()));
    return require(tx, successor.id());
  }

  /** One batch; a time only ever moves a stored value forwards. Rows go in id order. */
  void recordLastUsed(Tx tx, Map<String, Instant> lastUsedByKeyId) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    new TreeMap<>(lastUsedByKeyId).forEach((id, at) -> {
      if (at != null) {
        rows.add(new Object[] {at, id, at});
      }
    });
    if (!rows.isEmpty()) {
      tx.batch("UPDATE api_keys SET last_used_at = ? WHERE id = ?"
          + " AND (last_used_at IS NULL OR last_used_at < ?)", rows);
    }
  }

  /** Revokes the unrevoked keys of a user who is being deleted; returns how many. */
  int revokeUserKeys(Tx tx, String userId, Actor actor) throws SQLException {
    List<Ref> keys = refs(tx, "owner_user_id = ? AND revoked_at IS NULL", userId);
    List<Object[]> rows = keys.stream().map(k -> new Object[] {tx.now(), k.id()}).toList();
    tx.batch("UPDATE api_keys SET revoked_at = ? WHERE id = ?", rows);
    for (Ref k : keys) {
      audit.append(tx, actor, "key.revoked", "key", k.id(), k.workspaceId(),
          Json.object("revoked_at", tx.now(), "reason", "user.deleted"));
      tx.onCommit(l -> l.keyChanged(k.id(), k.hash()));
    }
    return keys.size();
  }

  /** Deletes the project keys of a project that is being deleted; returns how many. */
  int deleteProjectKeys(Tx tx, Project project, Actor actor) throws SQLException {
    List<Ref> keys = refs(tx, "owner_project_id = ?", project.id());
    tx.batch("DELETE FROM key_metadata WHERE key_id = ?",
        keys.stream().map(k -> new Object[] {k.id()}).toList());
    tx.batch("DELETE FROM api_keys WHERE id = ?",
        keys.stream().map(k -> new Object[] {k.id()}).toList());
    for (Ref k : keys) {
      audit.append(tx, actor, "key.deleted", "key", k.id(), k.workspaceId(),
          Json.object("reason", "project.deleted"));
      tx.onCommit(l -> l.keyChanged(k.id(), k.hash()));
    }
    return keys.size();
  }

  /** Ids and hashes of the keys matching {@code condition}, locked for a change on PostgreSQL. */
  static List<Ref> refs(Tx tx, String condition, Object... args) throws SQLException {
    String sql = "SELECT id, hash, workspace_id FROM api_keys WHERE " + condition + " ORDER BY id"
        + tx.dialect().forUpdate();
    return tx.list(sql, rs -> new Ref(rs.getString(1), KeyHash.fromHex(rs.getString(2)),
        rs.getString(3)), args);
  }

  /** Checks references and uniqueness, then inserts the row. */
  private static void write(Tx tx, ApiKey key, String replacesKeyId, Actor actor)
      throws SQLException {
    Objects.requireNonNull(key.prefix(), "prefix");
    Objects.requireNonNull(key.display(), "display");
    checkReferences(tx, key);
    if (tx.exists("SELECT id FROM api_keys WHERE id = ?", key.id())) {
      throw KeywardenException.conflict("id", "A key with this id already exists.");
    }
    if (tx.exists("SELECT id FROM api_keys WHERE hash = ?", key.hash().toHex())) {
      throw KeywardenException.conflict("hash", "A key with the same hash already exists.");
    }
    tx.update(INSERT, key.id(), key.name(), key.kind().wireName(), key.type().wireName(),
        key.environment(), key.workspaceId(), key.ownerUserId(), key.ownerProjectId(),
        Json.of(key.scopes()), Json.of(key.projectIds()), Json.of(key.allowedIps()),
        Json.of(key.allowedOrigins()), key.metadata(), key.prefix(), key.display(),
        key.hash().toHex(), key.hashVersion(), key.expiresAt(), key.createdAt(),
        key.createdBy() != null ? key.createdBy() : actor.id(), key.lastUsedAt(),
        key.revokedAt(), key.enabled(), replacesKeyId, key.replacedByKeyId(),
        Workspaces.overrides(key.rateLimits()));
    indexMetadata(tx, key.id(), key.metadata());
  }

  /** Writes the string values of a key's metadata to {@code key_metadata}, for filtering. */
  private static void indexMetadata(Tx tx, String keyId, String metadata) throws SQLException {
    if (metadata == null || metadata.length() <= 2) {
      return;
    }
    com.fasterxml.jackson.databind.JsonNode tree = Json.tree(metadata);
    if (tree == null || !tree.isObject()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    tree.fields().forEachRemaining(e -> {
      if (e.getValue().isTextual()) {
        rows.add(new Object[] {keyId, e.getKey(), e.getValue().textValue()});
      }
    });
    if (!rows.isEmpty()) {
      tx.batch("INSERT INTO key_metadata (key_id, name, value) VALUES (?, ?, ?)", rows);
    }
  }

  /**
   * The workspace must exist; a user key's owner must be a member; a project key's project and
   * every allow-list entry must be projects of the workspace. Operator keys have no workspace.
   */
  private static void checkReferences(Tx tx, ApiKey key) throws SQLException {
    String workspace = key.workspaceId();
    if (workspace != null) {
      References.requireWorkspace(tx, workspace);
    }
    switch (key.kind()) {
      case USER -> References.requireMember(tx, workspace, key.ownerUserId());
      case PROJECT -> References.requireProject(tx, workspace, key.ownerProjectId(), "project_id");
      case OPERATOR -> { }
    }
    References.requireProjects(tx, workspace, key.projectIds(), "projects");
  }

  private static String created(ApiKey k, String replaces) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", k.name());
    d.put("kind", k.kind().wireName());
    d.put("type", k.type().wireName());
    d.put("environment", k.environment());
    if (k.ownerUserId() != null) {
      d.put("user_id", k.ownerUserId());
    }
    if (k.ownerProjectId() != null) {
      d.put("project_id", k.ownerProjectId());
    }
    d.put("display", k.display());
    d.put("scopes", k.scopes());
    d.put("projects", k.projectIds());
    d.put("expires_at", k.expiresAt() == null ? null : millis(k.expiresAt()).toString());
    if (Workspaces.overrides(k.rateLimits()) != null) {
      d.put("rate_limits", Json.tree(k.rateLimits()));
    }
    if (replaces != null) {
      d.put("replaces_key_id", replaces);
    }
    return Json.object(d);
  }

  /** The instant as stored: whole milliseconds. */
  private static Instant millis(Instant t) {
    return Instant.ofEpochMilli(t.toEpochMilli());
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  private static ApiKey lock(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Keys::map, id)
        .orElseThrow(() -> KeywardenException.notFound("Key"));
  }

  private static ApiKey require(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?", Keys::map, id).orElseThrow();
  }

  static ApiKey map(ResultSet rs) throws SQLException {
    return new ApiKey(rs.getString("id"), rs.getString("name"),
        KeyKind.fromWire(rs.getString("kind")), KeyType.fromWire(rs.getString("type")),
        rs.getString("environment"), rs.getString("workspace_id"), rs.getString("owner_user_id"),
        rs.getString("owner_project_id"), Json.list(rs.getString("scopes")),
        Json.list(rs.getString("project_ids")), Json.list(rs.getString("allowed_ips")),
        Json.list(rs.getString("allowed_origins")), rs.getString("metadata"),
        rs.getString("prefix"), rs.getString("display"), KeyHash.fromHex(rs.getString("hash")),
        rs.getInt("hash_version"), Tx.instant(rs, "expires_at"), Tx.instant(rs, "created_at"),
        rs.getString("created_by"), Tx.instant(rs, "last_used_at"), Tx.instant(rs, "revoked_at"),
        rs.getBoolean("enabled"), rs.getString("replaces_key_id"),
        rs.getString("replaced_by_key_id"), rs.getString("rate_limits"));
  }
}
