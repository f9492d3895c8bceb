package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code workspaces} table; deleting a workspace cascades to everything in it. */
final class Workspaces {
  private static final String SELECT =
      "SELECT id, name, plan, max_ttl_days, created_at, updated_at, rate_limits, external_id,"
          + " metadata, suspended, suspension_reason FROM workspaces";

  private final IdGenerator ids;
  private final AuditLog audit;

  Workspaces(IdGenerator ids, AuditLog audit) {
    this.ids = ids;
    this.audit = audit;
  }

  Workspace create(Tx tx, String name, String plan, Integer maxTtlDays, String rateLimits,
      String externalId, Map<String, String> metadata, Actor actor) throws SQLException {
    String overrides = overrides(rateLimits);
    requireFreeExternalId(tx, externalId, null);
    Workspace w = new Workspace(ids.next("ws"), name, plan, maxTtlDays, tx.now(), tx.now(),
        overrides, externalId, metadata, false, null);
    externalIdWrite(tx, () -> tx.update("INSERT INTO workspaces (id, name, plan, max_ttl_days,"
            + " created_at, updated_at, rate_limits, external_id, metadata, suspended)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        w.id(), w.name(), w.plan(), w.maxTtlDays(), w.createdAt(), w.updatedAt(), overrides,
        externalId, Json.ofMap(w.metadata()), false));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("plan", plan);
    details.put("max_ttl_days", maxTtlDays);
    if (externalId != null) {
      details.put("external_id", externalId);
    }
    if (!w.metadata().isEmpty()) {
      details.put("metadata", w.metadata());
    }
    if (overrides != null) {
      details.put("rate_limits", Json.tree(overrides));
    }
    audit.append(tx, actor, "workspace.created", "workspace", w.id(), w.id(), Json.object(details));
    tx.onCommit(l -> l.workspaceChanged(w.id()));
    return w;
  }

  Optional<Workspace> find(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?", Workspaces::map, id);
  }

  Optional<Workspace> findByExternalId(Tx tx, String externalId) throws SQLException {
    return tx.one(SELECT + " WHERE external_id = ?", Workspaces::map, externalId);
  }

  Page<Workspace> list(Tx tx, PageRequest page) throws SQLException {
    return Pager.page(tx, new Pager.Query<>(SELECT, "id", Workspaces::map, Workspace::id), page);
  }

  /**
   * Suspends or reinstates the workspace ({@code workspace.suspended} / {@code
   * workspace.reinstated}); a call that changes nothing writes no event.
   */
  Workspace setSuspended(Tx tx, String id, boolean suspended, String reason, Actor actor)
      throws SQLException {
    Workspace old = tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Workspaces::map, id)
        .orElseThrow(() -> KeywardenException.notFound("Workspace"));
    String newReason = suspended ? reason : null;
    if (old.suspended() == suspended && java.util.Objects.equals(old.suspensionReason(), newReason)) {
      return old;
    }
    tx.update("UPDATE workspaces SET suspended = ?, suspension_reason = ?, updated_at = ? WHERE id = ?",
        suspended, newReason, tx.now(), id);
    Map<String, Object> details = new LinkedHashMap<>();
    if (suspended) {
      details.put("reason", newReason);
    }
    audit.append(tx, actor, suspended ? "workspace.suspended" : "workspace.reinstated", "workspace",
        id, id, Json.object(details));
    tx.onCommit(l -> l.workspaceChanged(id));
    return find(tx, id).orElseThrow();
  }

  /** Whether any workspace is on {@code plan} (an indexed lookup). */
  static boolean planInUse(Tx tx, String plan) throws SQLException {
    return tx.exists("SELECT id FROM workspaces WHERE plan = ? LIMIT 1", plan);
  }

  Workspace update(Tx tx, String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, io.keywarden.store.LabelChange labels, Actor actor)
      throws SQLException {
    if (clearMaxTtl && maxTtlDays != null) {
      throw KeywardenException.invalid("max_ttl_days", "Give max_ttl_days or clear it, not both.");
    }
    Workspace old = tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Workspaces::map, id)
        .orElseThrow(() -> KeywardenException.notFound("Workspace"));
    Integer ttl = clearMaxTtl ? null : maxTtlDays != null ? maxTtlDays : old.maxTtlDays();
    String overrides = rateLimits != null ? overrides(rateLimits) : old.rateLimits();
    String externalId = labels.setExternalId() ? labels.externalId() : old.externalId();
    if (labels.setExternalId()) {
      requireFreeExternalId(tx, externalId, id);
    }
    Map<String, String> metadata = labels.metadata() != null ? labels.metadata() : old.metadata();
    Workspace w = new Workspace(id, name != null ? name : old.name(),
        plan != null ? plan : old.plan(), ttl, old.createdAt(), tx.now(), overrides, externalId,
        metadata, old.suspended(), old.suspensionReason());
    externalIdWrite(tx, () -> tx.update("UPDATE workspaces SET name = ?, plan = ?, max_ttl_days = ?,"
        + " updated_at = ?, rate_limits = ?, external_id = ?, metadata = ? WHERE id = ?", w.name(),
        w.plan(), w.maxTtlDays(), w.updatedAt(), overrides, externalId, Json.ofMap(w.metadata()), id));
    Map<String, Object> changed = new LinkedHashMap<>();
    AuditLog.noteChange(changed, "name", old.name(), w.name());
    AuditLog.noteChange(changed, "plan", old.plan(), w.plan());
    AuditLog.noteChange(changed, "max_ttl_days", old.maxTtlDays(), w.maxTtlDays());
    AuditLog.noteChange(changed, "rate_limits", Json.tree(old.rateLimits()), Json.tree(overrides));
    AuditLog.noteChange(changed, "external_id", old.externalId(), w.externalId());
    AuditLog.noteChange(changed, "metadata", old.metadata(), w.metadata());
    audit.append(tx, actor, "workspace.updated", "workspace", id, id, Json.object(changed));
    tx.onCommit(l -> l.workspaceChanged(id));
    return w;
  }

  /** Deletes the workspace; the schema cascades to its projects, memberships and keys. */
  void delete(Tx tx, String id, Actor actor) throws SQLException {
    if (!tx.exists("SELECT id FROM workspaces WHERE id = ?" + tx.dialect().forUpdate(), id)) {
      throw KeywardenException.notFound("Workspace");
    }
    List<Keys.Ref> keys = Keys.refs(tx, "workspace_id = ?", id);
    List<String> projects = tx.list("SELECT id FROM projects WHERE workspace_id = ?",
        rs -> rs.getString(1), id);
    List<String> members = tx.list("SELECT user_id FROM memberships WHERE workspace_id = ?",
        rs -> rs.getString(1), id);
    tx.update("DELETE FROM workspaces WHERE id = ?", id);
    audit.append(tx, actor, "workspace.deleted", "workspace", id, id, Json.object(
        "projects", projects.size(), "memberships", members.size(), "keys", keys.size()));
    for (Keys.Ref k : keys) {
      tx.onCommit(l -> l.keyChanged(k.id(), k.hash()));
    }
    for (String p : projects) {
      tx.onCommit(l -> l.projectChanged(p));
    }
    for (String u : members) {
      tx.onCommit(l -> l.membershipChanged(id, u));
    }
    tx.onCommit(l -> l.workspaceChanged(id));
  }

  /** Overrides as stored: {@code "[]"} (none) is {@code null}. */
  static String overrides(String rateLimits) {
    return rateLimits == null || rateLimits.isBlank() || rateLimits.equals("[]") ? null : rateLimits;
  }

  private static void requireFreeExternalId(Tx tx, String externalId, String exceptId)
      throws SQLException {
    if (externalId == null) {
      return;
    }
    Optional<String> holder = tx.one("SELECT id FROM workspaces WHERE external_id = ?",
        rs -> rs.getString(1), externalId);
    if (holder.isPresent() && !holder.get().equals(exceptId)) {
      throw externalIdTaken("workspace");
    }
  }

  /** A 409 {@code external_id_taken} naming the field. */
  static KeywardenException externalIdTaken(String kind) {
    return new KeywardenException(io.keywarden.core.errors.ErrorCode.EXTERNAL_ID_TAKEN,
        "external_id", "Another " + kind + " already has this external_id.");
  }

  /** A write whose unique violation on an external id index (a concurrent taker) is a 409. */
  interface Write {
    void run() throws SQLException;
  }

  static void externalIdWrite(Tx tx, Write write) throws SQLException {
    externalIdWrite(tx, "workspace", write);
  }

  static void externalIdWrite(Tx tx, String kind, Write write) throws SQLException {
    try {
      write.run();
    } catch (SQLException e) {
      if (tx.dialect().isUniqueViolation(e) && String.valueOf(e.getMessage()).contains("external_id")) {
        throw externalIdTaken(kind);
      }
      throw e;
    }
  }

  private static Workspace map(ResultSet rs) throws SQLException {
    return new Workspace(rs.getString("id"), rs.getString("name"), rs.getString("plan"),
        Tx.integer(rs, "max_ttl_days"), Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"),
        rs.getString("rate_limits"), rs.getString("external_id"), Json.map(rs.getString("metadata")),
        rs.getBoolean("suspended"), rs.getString("suspension_reason"));
  }
}
