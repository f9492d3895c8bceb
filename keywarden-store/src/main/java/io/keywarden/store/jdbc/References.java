package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reference checks run inside a mutation's transaction. Each failure is an {@code
 * invalid_request} naming the input field; a project of another workspace reads exactly like an
 * unknown one. On PostgreSQL the rows read are locked ({@code FOR SHARE}) until the commit, so a
 * concurrent delete cannot slip between the check and the write.
 */
final class References {
  private References() {}

  static void requireWorkspace(Tx tx, String workspaceId) throws SQLException {
    if (!tx.exists("SELECT id FROM workspaces WHERE id = ?" + tx.dialect().forShare(), workspaceId)) {
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
  }

  static void requireUser(Tx tx, String userId) throws SQLException {
    if (!tx.exists("SELECT id FROM users WHERE id = ?" + tx.dialect().forShare(), userId)) {
      throw KeywardenException.invalid("user_id", "user_id does not name a user.");
    }
  }

  static void requireMember(Tx tx, String workspaceId, String userId) throws SQLException {
    String sql = "SELECT user_id FROM memberships WHERE workspace_id = ? AND user_id = ?"
        + tx.dialect().forShare();
    if (!tx.exists(sql, workspaceId, userId)) {
      throw KeywardenException.invalid("user_id", "user_id is not a member of the workspace.");
    }
  }

  /** Checks that {@code projectId}, given in {@code field}, is a project of the workspace. */
  static void requireProject(Tx tx, String workspaceId, String projectId, String field)
      throws SQLException {
    String sql = "SELECT id FROM projects WHERE id = ? AND workspace_id = ?" + tx.dialect().forShare();
    if (!tx.exists(sql, projectId, workspaceId)) {
      throw KeywardenException.invalid(field, field + " is not a project of the workspace.");
    }
  }

  /** Checks that every id of the list given in {@code field} is a project of the workspace. */
  static void requireProjects(Tx tx, String workspaceId, List<String> projectIds, String field)
      throws SQLException {
    if (projectIds.isEmpty()) {
      return;
    }
    Set<String> wanted = new LinkedHashSet<>(projectIds);
    if (workspaceId == null) {
      throw KeywardenException.invalid(field, "Only keys of a workspace can have " + field + ".");
    }
    String marks = String.join(", ", Collections.nCopies(wanted.size(), "?"));
    Object[] args = new Object[wanted.size() + 1];
    args[0] = workspaceId;
    int i = 1;
    for (String id : wanted) {
      args[i++] = id;
    }
    String sql = "SELECT id FROM projects WHERE workspace_id = ? AND id IN (" + marks + ")"
        + tx.dialect().forShare();
    Set<String> found = new HashSet<>(tx.list(sql, rs -> rs.getString(1), args));
    for (String id : wanted) {
      if (!found.contains(id)) {
        throw KeywardenException.invalid(
            field, "\"" + id + "\" in " + field + " is not a project of the workspace.");
      }
    }
  }
}
