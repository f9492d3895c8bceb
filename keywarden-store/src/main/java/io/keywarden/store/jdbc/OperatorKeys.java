package io.keywarden.store.jdbc;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.store.Actor;
import io.keywarden.store.OperatorKeyFilter;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is particular to operator keys, which live in {@code api_keys} beside the access keys:
 * the admin keys issued by bootstrap and reset ({@code admin_key_origins}), the change counter
 * other processes watch ({@code operator_key_state}), and the rule that a deployment never loses
 * its last admin key. An admin key here is an operator key with the {@code admin} scope, bound to
 * no workspace, not revoked, enabled and not expired; a <em>standing</em> one also has no expiry.
 * A change that leaves no admin key where there was one, or no standing admin key where there was
 * one (a PATCH that gives the last one an expiry), is refused (409 {@code last_admin_key}) inside
 * its transaction; on PostgreSQL those keys are locked first, in id order, so two concurrent
 * revocations cannot both pass the check.
 */
final class OperatorKeys {
  /** Origin of an admin key made by the first start. */
  static final String BOOTSTRAP = "bootstrap";
  /** Origin of an admin key made by {@code keywarden admin reset-key}. */
  static final String RESET = "reset";

  private final Keys keys;
  private final AuditLog audit;

  OperatorKeys(Keys keys, AuditLog audit) {
    this.keys = keys;
    this.audit = audit;
  }

  Page<ApiKey> list(Tx tx, OperatorKeyFilter filter, PageRequest page) throws SQLException {
    var query = new Pager.Query<>(Keys.SELECT, "id", Keys::map, ApiKey::id)
        .where("kind = ?", KeyKind.OPERATOR.wireName())
        .whereEquals("workspace_id", filter.workspaceId());
    if (filter.unboundOnly()) {
      query.where("workspace_id IS NULL");
    }
    if (filter.revoked() != null) {
      query.where(filter.revoked() ? "revoked_at IS NOT NULL" : "revoked_at IS NULL");
    }
    if (filter.namePrefix() != null && !filter.namePrefix().isEmpty()) {
      query.where("substr(name, 1, " + filter.namePrefix().length() + ") = ?", filter.namePrefix());
    }
    return Pager.page(tx, query, page);
  }

  static long generation(Tx tx) throws SQLException {
    return tx.one("SELECT generation FROM operator_key_state WHERE id = 1", rs -> rs.getLong(1))
        .orElse(0L);
  }

  /** Moves the change counter; called in the transaction of every operator-key change. */
  static void changed(Tx tx) throws SQLException {
    tx.update("UPDATE operator_key_state SET generation = generation + 1 WHERE id = 1");
  }

  static boolean adminKeyIssued(Tx tx) throws SQLException {
    return tx.exists("SELECT key_id FROM admin_key_origins LIMIT 1")
        || tx.exists("SELECT id FROM api_keys WHERE kind = ? LIMIT 1", KeyKind.OPERATOR.wireName());
  }

  /**
   * Before a change to key {@code id}: when it is an operator key, locks the admin keys and
   * returns their counts; else {@code null} (nothing to guard).
   */
  static AdminCounts beforeChange(Tx tx, String id) throws SQLException {
    Optional<String> kind = tx.one("SELECT kind FROM api_keys WHERE id = ?", rs -> rs.getString(1), id);
    if (kind.isEmpty() || !KeyKind.OPERATOR.wireName().equals(kind.get())) {
      return null;
    }
    return counts(tx);
  }

  /** How many admin keys there are, and how many of them are standing (see the class comment). */
  record AdminCounts(int admins, int standing) {}

  /**
   * After a change guarded by {@link #beforeChange}: refuses it if it took away the last standing
   * admin key, and moves the change counter.
   */
  static void afterChange(Tx tx, AdminCounts before) throws SQLException {
    if (before == null) {
      return;
    }
    AdminCounts after = counts(tx);
    boolean lostLastAdmin = before.admins() > 0 && after.admins() == 0;
    boolean lostLastStanding = before.standing() > 0 && after.standing() == 0;
    if (lostLastAdmin || lostLastStanding) {
      throw new KeywardenException(ErrorCode.LAST_ADMIN_KEY, "id",
          "This is the last admin key bound to no workspace" + (lostLastAdmin ? "" : " that does not expire")
              + "; revoking, disabling, narrowing or expiring it would lock every operator out. Create"
              + " or rotate another admin key first, or use `keywarden admin reset-key` on the server.");
    }
    changed(tx);
  }

  /** A rotation's successor of a bootstrap or reset key is one too. */
  static void inheritOrigin(Tx tx, String oldId, String successorId) throws SQLException {
    tx.update("INSERT INTO admin_key_origins (key_id, origin, created_at)"
        + " SELECT ?, origin, ? FROM admin_key_origins WHERE key_id = ?", successorId, tx.now(), oldId);
  }

  /** Stores the first admin key of a deployment, remembered as issued by bootstrap. */
  ApiKey insertBootstrap(Tx tx, ApiKey key, Actor actor) throws SQLException {
    ApiKey stored = keys.insert(tx, key, actor);
    tx.update("INSERT INTO admin_key_origins (key_id, origin, created_at) VALUES (?, ?, ?)",
        key.id(), BOOTSTRAP, tx.now());
    return stored;
  }

  /**
   * Revokes every unrevoked admin key that bootstrap or an earlier reset issued (and their
   * rotation successors), stores {@code fresh} as the new one and records one audit event.
   *
   * @return the ids of the revoked keys
   */
  List<String> reset(Tx tx, ApiKey fresh, Instant at, Actor actor) throws SQLException {
    List<Keys.Ref> old = Keys.refs(tx, "revoked_at IS NULL AND id IN (SELECT key_id FROM admin_key_origins)");
    List<String> ids = new ArrayList<>();
    for (Keys.Ref k : old) {
      tx.update("UPDATE api_keys SET revoked_at = ? WHERE id = ?", at, k.id());
      audit.append(tx, actor, "key.revoked", "key", k.id(), null,
          Json.object("revoked_at", at.toEpochMilli(), "reason", "admin.reset-key"));
      tx.onCommit(l -> l.keyChanged(k.id(), k.hash()));
      ids.add(k.id());
    }
    keys.insert(tx, fresh, actor);
    tx.update("INSERT INTO admin_key_origins (key_id, origin, created_at) VALUES (?, ?, ?)",
        fresh.id(), RESET, tx.now());
    audit.append(tx, actor, "admin_key.reset", "key", fresh.id(), null,
        Json.object("revoked_key_ids", ids));
    changed(tx);
    return ids;
  }

  /** Counts the admin keys (see the class comment), locking them on PostgreSQL. */
  private static AdminCounts counts(Tx tx) throws SQLException {
    String sql = "SELECT scopes, expires_at FROM api_keys WHERE kind = ? AND workspace_id IS NULL"
        + " AND revoked_at IS NULL AND enabled = ? AND (expires_at IS NULL OR expires_at > ?)"
        + " ORDER BY id" + tx.dialect().forUpdate();
    List<Object[]> rows = tx.list(sql, rs -> new Object[] {rs.getString(1), rs.getObject(2)},
        KeyKind.OPERATOR.wireName(), true, tx.now());
    int admins = 0;
    int standing = 0;
    for (Object[] r : rows) {
      if (Json.list((String) r[0]).contains("admin")) {
        admins++;
        if (r[1] == null) {
          standing++;
        }
      }
    }
    return new AdminCounts(admins, standing);
  }
}
