package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.store.Actor;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code memberships} table: a user's role in a workspace and the projects it reaches, as a
 * JSON array ({@code []} means every project of the workspace).
 *
 * <p>Because an empty list widens to every project, taking a deleted project out of a list never
 * empties it: a list that held only that project keeps the dangling id, which reaches nothing
 * (ids are never reused).
 */
final class Memberships {
  private static final String COLUMNS =
      "workspace_id, user_id, role, project_ids, default_project_id, created_at, updated_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM memberships";

  private final AuditLog audit;

  Memberships(AuditLog audit) {
    this.audit = audit;
  }

  Membership put(Tx tx, String workspaceId, String userId, String role, List<String> projectIds,
      String defaultProjectId, Actor actor) throws SQLException {
    References.requireWorkspace(tx, workspaceId);
    References.requireUser(tx, userId);
    List<String> projects = List.copyOf(new LinkedHashSet<>(projectIds));
    References.requireProjects(tx, workspaceId, projects, "projects");
    if (defaultProjectId != null) {
      References.requireProject(tx, workspaceId, defaultProjectId, "default_project_id");
      if (!projects.isEmpty() && !projects.contains(defaultProjectId)) {
        throw KeywardenException.invalid(
            "default_project_id", "default_project_id must be one of projects.");
      }
    }
    Optional<Membership> old = lock(tx, workspaceId, userId);
    Membership m = new Membership(workspaceId, userId, role, projects, defaultProjectId,
        old.map(Membership::createdAt).orElse(tx.now()), tx.now());
    if (old.isPresent()) {
      tx.update("UPDATE memberships SET role = ?, project_ids = ?, default_project_id = ?,"
              + " updated_at = ? WHERE workspace_id = ? AND user_id = ?",
          role, Json.of(projects), defaultProjectId, m.updatedAt(), workspaceId, userId);
    } else {
      tx.update("INSERT INTO memberships (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
          workspaceId, userId, role, Json.of(projects), defaultProjectId, m.createdAt(),
          m.updatedAt());
    }
    String action = old.isPresent() ? "membership.updated" : "membership.created";
    audit.append(tx, actor, action, "membership", targetId(m), workspaceId, details(m, null));
    tx.onCommit(l -> l.membershipChanged(workspaceId, userId));
    return m;
  }

  Optional<Membership> find(Tx tx, String workspaceId, String userId) throws SQLException {
    return tx.one(SELECT + " WHERE workspace_id = ? AND user_id = ?", Memberships::map,
        workspaceId, userId);
  }

  /** The workspace's memberships by user id, newest user first. */
  Page<Membership> list(Tx tx, String workspaceId, PageRequest page) throws SQLException {
    var query = new Pager.Query<>(SELECT, "user_id", Memberships::map, Membership::userId)
        .where("workspace_id = ?", workspaceId);
    return Pager.page(tx, query, page);
  }

  void remove(Tx tx, String workspaceId, String userId, Actor actor) throws SQLException {
    Membership m = lock(tx, workspaceId, userId)
        .orElseThrow(() -> KeywardenException.notFound("Membership"));
    delete(tx, m, actor, null);
  }

  /** Removes every membership of a user who is being deleted; returns how many. */
  int removeAllOf(Tx tx, String userId, Actor actor) throws SQLException {
    List<Membership> all = tx.list(SELECT + " WHERE user_id = ?" + tx.dialect().forUpdate(),
        Memberships::map, userId);
    for (Membership m : all) {
      delete(tx, m, actor, "user.deleted");
    }
    return all.size();
  }

  /**
   * Takes a deleted project out of the workspace's memberships: it stops being their default
   * project and leaves their project lists, unless it is a list's only entry (see the class
   * comment). Returns how many memberships changed.
   */
  int forgetProject(Tx tx, Project project, Actor actor) throws SQLException {
    String sql = SELECT + " WHERE workspace_id = ? AND (default_project_id = ?"
        + " OR project_ids LIKE ? ESCAPE '!')" + tx.dialect().forUpdate();
    List<Membership> touched = tx.list(sql, Memberships::map, project.workspaceId(), project.id(),
        "%\"" + likeEscape(project.id()) + "\"%");
    int changed = 0;
    for (Membership m : touched) {
      List<String> projects = new ArrayList<>(m.projectIds());
      if (projects.size() > 1) {
        projects.remove(project.id());
      }
      String defaultProject = project.id().equals(m.defaultProjectId()) ? null : m.defaultProjectId();
      if (projects.equals(m.projectIds()) && Objects.equals(defaultProject, m.defaultProjectId())) {
        continue;
      }
      tx.update("UPDATE memberships SET project_ids = ?, default_project_id = ?, updated_at = ?"
              + " WHERE workspace_id = ? AND user_id = ?",
          Json.of(projects), defaultProject, tx.now(), m.workspaceId(), m.userId());
      Membership updated = new Membership(m.workspaceId(), m.userId(), m.role(), projects,
          defaultProject, m.createdAt(), tx.now());
      audit.append(tx, actor, "membership.updated", "membership", targetId(m), m.workspaceId(),
          details(updated, "project.deleted"));
      tx.onCommit(l -> l.membershipChanged(m.workspaceId(), m.userId()));
      changed++;
    }
    return changed;
  }

  private void delete(Tx tx, Membership m, Actor actor, String reason) throws SQLException {
    tx.update("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?",
        m.workspaceId(), m.userId());
    audit.append(tx, actor, "membership.removed", "membership", targetId(m), m.workspaceId(),
        details(m, reason));
    tx.onCommit(l -> l.membershipChanged(m.workspaceId(), m.userId()));
  }

  private static Optional<Membership> lock(Tx tx, String workspaceId, String userId)
      throws SQLException {
    return tx.one(SELECT + " WHERE workspace_id = ? AND user_id = ?" + tx.dialect().forUpdate(),
        Memberships::map, workspaceId, userId);
  }

  private static String details(Membership m, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", m.role());
    details.put("projects", m.projectIds());
    details.put("default_project_id", m.defaultProjectId());
    if (reason != null) {
      details.put("reason", reason);
    }
    return Json.object(details);
  }

  /** The audit target of a membership: {@code ws_…/usr_…}. */
  private static String targetId(Membership m) {
    return m.workspaceId() + "/" + m.userId();
  }

  /** Escapes LIKE wildcards ({@code _} occurs in every id) with {@code !}. */
  private static String likeEscape(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static Membership map(ResultSet rs) throws SQLException {
    return new Membership(rs.getString("workspace_id"), rs.getString("user_id"),
        rs.getString("role"), Json.list(rs.getString("project_ids")),
        rs.getString("default_project_id"), Tx.instant(rs, "created_at"),
        Tx.instant(rs, "updated_at"));
  }
}
