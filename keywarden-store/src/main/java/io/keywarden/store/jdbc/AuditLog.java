package io.keywarden.store.jdbc;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code audit_events} table: appended to inside each mutation's transaction, never changed.
 *
 * <p>Events carry the workspace id without a foreign key: they outlive what they describe.
 */
final class AuditLog {
  private static final String COLUMNS =
      "id, at, actor, action, target_type, target_id, workspace_id, client_ip, user_agent, details";
  private static final String INSERT =
      "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final IdGenerator ids;

  AuditLog(IdGenerator ids) {
    this.ids = ids;
  }

  /**
   * Appends one event at the transaction's time.
   *
   * @param workspaceId the workspace the change belongs to, or {@code null}
   * @param details a small JSON object; never a key
   */
  void append(Tx tx, Actor actor, String action, String targetType, String targetId,
      String workspaceId, String details) throws SQLException {
    Objects.requireNonNull(actor, "actor");
    tx.update(INSERT, ids.next("evt"), tx.now(), actor.id(), action, targetType, targetId,
        workspaceId, actor.clientIp(), actor.userAgent(), details);
  }

  /** Puts {@code field: after} into {@code details} when the value changed. */
  static void noteChange(Map<String, Object> details, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      details.put(field, after instanceof Instant t ? t.toString() : after);
    }
  }

  Page<AuditEvent> list(Tx tx, AuditFilter filter, PageRequest page) throws SQLException {
    var query = new Pager.Query<>("SELECT " + COLUMNS + " FROM audit_events", "id",
        AuditLog::map, AuditEvent::id)
        .whereEquals("workspace_id", filter.workspaceId())
        .whereEquals("target_id", filter.target())
        .whereEquals("action", filter.action());
    if (filter.from() != null) {
      query.where("at >= ?", filter.from());
    }
    if (filter.to() != null) {
      query.where("at < ?", filter.to());
    }
    return Pager.page(tx, query, page);
  }

  private static AuditEvent map(ResultSet rs) throws SQLException {
    return new AuditEvent(rs.getString("id"), Tx.instant(rs, "at"), rs.getString("actor"),
        rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
        rs.getString("workspace_id"), rs.getString("client_ip"), rs.getString("user_agent"),
        rs.getString("details"));
  }
}
