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
      "SELECT id, name, plan, max_ttl_days, created_at, updated_at, rate_limits FROM workspaces";

  private final IdGenerator ids;
  private final AuditLog audit;

  Workspaces(IdGenerator ids, AuditLog audit) {
    this.ids = ids;
    this.audit = audit;
  }

  Workspace create(Tx tx, String name, String plan, Integer maxTtlDays, String rateLimits,
      Actor actor) throws SQLException {
    String overrides = overrides(rateLimits);
    Workspace w = new Workspace(ids.next("ws"), name, plan, maxTtlDays, tx.now(), tx.now(),
        overrides);
    tx.update("INSERT INTO workspaces (id, name, plan, max_ttl_days, created_at, updated_at,"
            + " rate_limits) VALUES (?, ?, ?, ?, ?, ?, ?)",
        w.id(), w.name(), w.plan(), w.maxTtlDays(), w.createdAt(), w.updatedAt(), overrides);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("plan", plan);
    details.put("max_ttl_days", maxTtlDays);
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

  Page<Workspace> list(Tx tx, PageRequest page) throws SQLException {
    return Pager.page(tx, new Pager.Query<>(SELECT, "id", Workspaces::map, Workspace::id), page);
  }

  Workspace update(Tx tx, String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, Actor actor) throws SQLException {
    if (clearMaxTtl && maxTtlDays != null) {
      throw KeywardenException.invalid("max_ttl_days", "Give max_ttl_days or clear it, not both.");
    }
    Workspace old = tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Workspaces::map, id)
        .orElseThrow(() -> KeywardenException.notFound("Workspace"));
    Integer ttl = clearMaxTtl ? null : maxTtlDays != null ? maxTtlDays : old.maxTtlDays();
    String overrides = rateLimits != null ? overrides(rateLimits) : old.rateLimits();
    Workspace w = new Workspace(id, name != null ? name : old.name(),
        plan != null ? plan : old.plan(), ttl, old.createdAt(), tx.now(), overrides);
    tx.update("UPDATE workspaces SET name = ?, plan = ?, max_ttl_days = ?, updated_at = ?,"
        + " rate_limits = ? WHERE id = ?", w.name(), w.plan(), w.maxTtlDays(), w.updatedAt(),
        overrides, id);
    Map<String, Object> changed = new LinkedHashMap<>();
    AuditLog.noteChange(changed, "name", old.name(), w.name());
    AuditLog.noteChange(changed, "plan", old.plan(), w.plan());
    AuditLog.noteChange(changed, "max_ttl_days", old.maxTtlDays(), w.maxTtlDays());
    AuditLog.noteChange(changed, "rate_limits", Json.tree(old.rateLimits()), Json.tree(overrides));
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

  private static Workspace map(ResultSet rs) throws SQLException {
    return new Workspace(rs.getString("id"), rs.getString("name"), rs.getString("plan"),
        Tx.integer(rs, "max_ttl_days"), Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"),
        rs.getString("rate_limits"));
  }
}
