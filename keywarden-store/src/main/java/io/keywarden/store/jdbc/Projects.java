package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.tenancy.Project;
import io.keywarden.store.Actor;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code projects} table. Deleting a project deletes its project keys (a project key cannot
 * outlive its only project) and takes the project out of memberships.
 */
final class Projects {
  private static final String SELECT =
      "SELECT id, workspace_id, name, created_at, updated_at, external_id, metadata FROM projects";

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

  Project create(Tx tx, String workspaceId, String name, String externalId,
      Map<String, String> metadata, Actor actor) throws SQLException {
    References.requireWorkspace(tx, workspaceId);
    requireFreeExternalId(tx, workspaceId, externalId, null);
    Project p = new Project(ids.next("proj"), workspaceId, name, tx.now(), tx.now(), externalId,
        metadata);
    Workspaces.externalIdWrite(tx, "project", () -> tx.update("INSERT INTO projects (id,"
        + " workspace_id, name, created_at, updated_at, external_id, metadata)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)", p.id(), workspaceId, name, p.createdAt(), p.updatedAt(),
        externalId, Json.ofMap(p.metadata())));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    if (externalId != null) {
      details.put("external_id", externalId);
    }
    if (!p.metadata().isEmpty()) {
      details.put("metadata", p.metadata());
    }
    audit.append(tx, actor, "project.created", "project", p.id(), workspaceId,
        Json.object(details));
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

  /**
   * Projects with this external id, across workspaces or in one ({@code workspaceId} non-null),
   * newest first.
   */
  Page<Project> listByExternalId(Tx tx, String externalId, String workspaceId, PageRequest page)
      throws SQLException {
    var query = new Pager.Query<>(SELECT, "id", Projects::map, Project::id)
        .where("external_id = ?", externalId)
        .whereEquals("workspace_id", workspaceId);
    return Pager.page(tx, query, page);
  }

  Project update(Tx tx, String id, String name, io.keywarden.store.LabelChange labels, Actor actor)
      throws SQLException {
    Project old = lock(tx, id);
    String externalId = labels.setExternalId() ? labels.externalId() : old.externalId();
    if (labels.setExternalId()) {
      requireFreeExternalId(tx, old.workspaceId(), externalId, id);
    }
    Map<String, String> metadata = labels.metadata() != null ? labels.metadata() : old.metadata();
    Project p = new Project(id, old.workspaceId(), name != null ? name : old.name(),
        old.createdAt(), tx.now(), externalId, metadata);
    Workspaces.externalIdWrite(tx, "project", () -> tx.update("UPDATE projects SET name = ?,"
        + " updated_at = ?, external_id = ?, metadata = ? WHERE id = ?", p.name(), p.updatedAt(),
        externalId, Json.ofMap(p.metadata()), id));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", p.name());
    AuditLog.noteChange(details, "external_id", old.externalId(), p.externalId());
    AuditLog.noteChange(details, "metadata", old.metadata(), p.metadata());
    audit.append(tx, actor, "project.updated", "project", id, p.workspaceId(),
        Json.object(details));
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

  private static void requireFreeExternalId(Tx tx, String workspaceId, String externalId,
      String exceptId) throws SQLException {
    if (externalId == null) {
      return;
    }
    Optional<String> holder = tx.one("SELECT id FROM projects WHERE workspace_id = ? AND external_id = ?",
        rs -> rs.getString(1), workspaceId, externalId);
    if (holder.isPresent() && !holder.get().equals(exceptId)) {
      throw Workspaces.externalIdTaken("project of this workspace");
    }
  }

  private static Project map(ResultSet rs) throws SQLException {
    return new Project(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name"),
        Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"), rs.getString("external_id"),
        Json.map(rs.getString("metadata")));
  }
}
