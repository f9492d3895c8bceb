package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.User;
import io.keywarden.store.Actor;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code users} table. Emails are unique ignoring case ({@code email_lower}). Deleting a user
 * removes their memberships and revokes, but keeps, their keys.
 */
final class Users {
  private static final String SELECT = "SELECT id, email, name, created_at, updated_at, external_id, metadata FROM users";

  private final IdGenerator ids;
  private final AuditLog audit;
  private final Keys keys;
  private final Memberships memberships;

  Users(IdGenerator ids, AuditLog audit, Keys keys, Memberships memberships) {
    this.ids = ids;
    this.audit = audit;
    this.keys = keys;
    this.memberships = memberships;
  }

  User create(Tx tx, String email, String name, String externalId, Map<String, String> metadata,
      Actor actor) throws SQLException {
    requireFreeEmail(tx, email, null);
    requireFreeExternalId(tx, externalId, null);
    User u = new User(ids.next("usr"), email, name, tx.now(), tx.now(), externalId, metadata);
    insertOrConflict(tx, "INSERT INTO users (id, email, email_lower, name, created_at, updated_at,"
        + " external_id, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", u.id(), email, lower(email),
        name, u.createdAt(), u.updatedAt(), externalId, Json.ofMap(u.metadata()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    if (externalId != null) {
      details.put("external_id", externalId);
    }
    if (!u.metadata().isEmpty()) {
      details.put("metadata", u.metadata());
    }
    audit.append(tx, actor, "user.created", "user", u.id(), null, Json.object(details));
    tx.onCommit(l -> l.userChanged(u.id()));
    return u;
  }

  Optional<User> find(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?", Users::map, id);
  }

  Page<User> list(Tx tx, PageRequest page) throws SQLException {
    return Pager.page(tx, new Pager.Query<>(SELECT, "id", Users::map, User::id), page);
  }

  Optional<User> findByExternalId(Tx tx, String externalId) throws SQLException {
    return tx.one(SELECT + " WHERE external_id = ?", Users::map, externalId);
  }

  User update(Tx tx, String id, String email, String name, io.keywarden.store.LabelChange labels,
      Actor actor) throws SQLException {
    User old = lock(tx, id);
    if (email != null) {
      requireFreeEmail(tx, email, id);
    }
    String externalId = labels.setExternalId() ? labels.externalId() : old.externalId();
    if (labels.setExternalId()) {
      requireFreeExternalId(tx, externalId, id);
    }
    Map<String, String> metadata = labels.metadata() != null ? labels.metadata() : old.metadata();
    User u = new User(id, email != null ? email : old.email(), name != null ? name : old.name(),
        old.createdAt(), tx.now(), externalId, metadata);
    insertOrConflict(tx, "UPDATE users SET email = ?, email_lower = ?, name = ?, updated_at = ?,"
        + " external_id = ?, metadata = ? WHERE id = ?", u.email(), lower(u.email()), u.name(),
        u.updatedAt(), externalId, Json.ofMap(u.metadata()), id);
    Map<String, Object> changed = new LinkedHashMap<>();
    AuditLog.noteChange(changed, "email", old.email(), u.email());
    AuditLog.noteChange(changed, "name", old.name(), u.name());
    AuditLog.noteChange(changed, "external_id", old.externalId(), u.externalId());
    AuditLog.noteChange(changed, "metadata", old.metadata(), u.metadata());
    audit.append(tx, actor, "user.updated", "user", id, null, Json.object(changed));
    tx.onCommit(l -> l.userChanged(id));
    return u;
  }

  /**
   * Deletes the user: their memberships go ({@code membership.removed} each, so every
   * workspace's trail shows it), their unrevoked keys are revoked ({@code key.revoked} each) and
   * kept, so that a presented key reads as revoked and the trail keeps its targets.
   */
  void delete(Tx tx, String id, Actor actor) throws SQLException {
    lock(tx, id);
    int removed = memberships.removeAllOf(tx, id, actor);
    int revoked = keys.revokeUserKeys(tx, id, actor);
    tx.update("DELETE FROM users WHERE id = ?", id);
    audit.append(tx, actor, "user.deleted", "user", id, null,
        Json.object("memberships_removed", removed, "keys_revoked", revoked));
    tx.onCommit(l -> l.userChanged(id));
  }

  private static void requireFreeEmail(Tx tx, String email, String exceptUserId) throws SQLException {
    String sql = "SELECT id FROM users WHERE email_lower = ?";
    Optional<String> holder = tx.one(sql, rs -> rs.getString(1), lower(email));
    if (holder.isPresent() && !holder.get().equals(exceptUserId)) {
      throw emailTaken();
    }
  }

  /** Runs a write whose unique violation can only be a concurrent taker of the same email. */
  private static void insertOrConflict(Tx tx, String sql, Object... args) throws SQLException {
    try {
      tx.update(sql, args);
    } catch (SQLException e) {
      if (tx.dialect().isUniqueViolation(e)) {
        if (String.valueOf(e.getMessage()).contains("external_id")) {
          throw Workspaces.externalIdTaken("user");
        }
        throw emailTaken();
      }
      throw e;
    }
  }

  private static void requireFreeExternalId(Tx tx, String externalId, String exceptId)
      throws SQLException {
    if (externalId == null) {
      return;
    }
    Optional<String> holder = tx.one("SELECT id FROM users WHERE external_id = ?",
        rs -> rs.getString(1), externalId);
    if (holder.isPresent() && !holder.get().equals(exceptId)) {
      throw Workspaces.externalIdTaken("user");
    }
  }

  private static KeywardenException emailTaken() {
    return KeywardenException.conflict("email", "A user with this email already exists.");
  }

  private static String lower(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  private static User lock(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Users::map, id)
        .orElseThrow(() -> KeywardenException.notFound("User"));
  }

  private static User map(ResultSet rs) throws SQLException {
    return new User(rs.getString("id"), rs.getString("email"), rs.getString("name"),
        Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"), rs.getString("external_id"),
        Json.map(rs.getString("metadata")));
  }
}
