package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.Project;
import io.keywarden.store.Actor;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The {@code projects} table. Deleting a project deletes its project keys (a project key cannot
 * outlive its only project) and takes the project out of memberships.
 */
final class Projects {
  private static final String SELECT =
      "SELECT id, workspace_id, name, created_at, updated_at FROM projects";

  private final IdGenerator ids;
  private final AuditLog audit;
  private final Keys keys;
  private final Memberships memberships;

  Projects(IdGenerator ids, AuditLog audit, Keys keys, Memberships memberships) {
    this.ids = ids;
    this.audit = audit;
    this.keys = keys;
    this.memberships = memberships;
  }

  Project create(Tx tx, String workspaceId, String name, Actor actor) throws SQLException {
    References.requireWorkspace(tx, workspaceId);
    Project p = new Project(ids.next("proj"), workspaceId, name, tx.now(), tx.now());
    tx.update("INSERT INTO projects (id, workspace_id, name, created_at, updated_at)"
        + " VALUES (?, ?, ?, ?, ?)", p.id(), workspaceId, name, p.createdAt(), p.updatedAt());
    audit.append(tx, actor, "project.created", "project", p.id(), workspaceId,
        Json.object("name", name));
    tx.onCommit(l -> l.projectChanged(p.id()));
    return p;
  }

  Optional<Project> find(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?", Projects::map, id);
  }

  Page<Project> list(Tx tx, String workspaceId, PageRequest page) throws SQLException {
    var query = new Pager.Query<>(SELECT, "id", Projects::map, Project::id)
        .where("workspace_id = ?", workspaceId);
    return Pager.page(tx, query, page);
  }

  Project update(Tx tx, String id, String name, Actor actor) throws SQLException {
    Project old = lock(tx, id);
    Project p = new Project(id, old.workspaceId(), name != null ? name : old.name(),
        old.createdAt(), tx.now());
    tx.update("UPDATE projects SET name = ?, updated_at = ? WHERE id = ?", p.name(), p.updatedAt(), id);
    audit.append(tx, actor, "project.updated", "project", id, p.workspaceId(),
        Json.object("name", p.name()));
    tx.onCommit(l -> l.projectChanged(id));
    return p;
  }

  /**
   * Deletes the project, then its project keys ({@code key.deleted} each), then takes it out of
   * memberships ({@code membership.updated} each). The row goes first so that a concurrent
   * reference check on it waits for this transaction and then fails.
   */
  void delete(Tx tx, String id, Actor actor) throws SQLException {
    Project p = lock(tx, id);
    tx.update("DELETE FROM projects WHERE id = ?", id);
    int deletedKeys = keys.deleteProjectKeys(tx, p, actor);
    int changedMemberships = memberships.forgetProject(tx, p, actor);
    audit.append(tx, actor, "project.deleted", "project", id, p.workspaceId(), Json.object(
        "name", p.name(), "keys_deleted", deletedKeys, "memberships_updated", changedMemberships));
    tx.onCommit(l -> l.projectChanged(id));
  }

  private static Project lock(Tx tx, String id) throws SQLException {
    return tx.one(SELECT + " WHERE id = ?" + tx.dialect().forUpdate(), Projects::map, id)
        .orElseThrow(() -> KeywardenException.notFound("Project"));
  }

  private static Project map(ResultSet rs) throws SQLException {
    return new Project(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name"),
        Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"));
  }
}
