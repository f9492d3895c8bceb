package io.keywarden.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.keys.ApiKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes keys in batches with plain JDBC: the same two rows the store writes for a created key
 * (the {@code api_keys} row and its {@code key.created} audit event), with the same encodings
 * (instants as epoch milliseconds, lists as JSON text, booleans as the driver binds them), but
 * thousands per transaction and without the per-key reference checks. {@link ScaleBench} reads
 * a sample back through the store and compares it with what was written.
 */
final class BulkKeys implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_COLUMNS = "id, name, kind, type, environment, workspace_id,"
      + " owner_user_id, owner_project_id, scopes, project_ids, allowed_ips, allowed_origins,"
      + " metadata, prefix, display, hash, hash_version, expires_at, created_at, created_by,"
      + " last_used_at, revoked_at, enabled, replaces_key_id, replaced_by_key_id";
  private static final String INSERT_KEY =
      "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (" + "?, ".repeat(24) + "?)";
  private static final String INSERT_EVENT = "INSERT INTO audit_events (id, at, actor, action,"
      + " target_type, target_id, workspace_id, client_ip, user_agent, details)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Connection c;
  private final PreparedStatement keys;
  private final PreparedStatement events;
  private final Map<List<String>, String> lists = new java.util.IdentityHashMap<>();
  private int pending;

  BulkKeys(String jdbcUrl, String user, String password) throws SQLException {
    c = DriverManager.getConnection(jdbcUrl, user, password);
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      // A large page cache for this connection only, so inserting a million random hashes into
      // the unique index does not re-read its pages from disk; what is written is unchanged.
      try (var st = c.createStatement()) {
        st.execute("PRAGMA cache_size = -262144");
      }
    }
    c.setAutoCommit(false);
    keys = c.prepareStatement(INSERT_KEY);
    events = c.prepareStatement(INSERT_EVENT);
  }

  /** Queues a key and its audit event; commits every {@code batch} keys. */
  void add(ApiKey k, String eventId, String actorId, Instant at, int batch) throws Exception {
    int p = 1;
    keys.setString(p++, k.id());
    keys.setString(p++, k.name());
    keys.setString(p++, k.kind().wireName());
    keys.setString(p++, k.type().wireName());
    keys.setString(p++, k.environment());
    keys.setString(p++, k.workspaceId());
    string(keys, p++, k.ownerUserId());
    string(keys, p++, k.ownerProjectId());
    keys.setString(p++, json(k.scopes()));
    keys.setString(p++, json(k.projectIds()));
    keys.setString(p++, json(k.allowedIps()));
    keys.setString(p++, json(k.allowedOrigins()));
    keys.setString(p++, k.metadata());
    keys.setString(p++, k.prefix());
    keys.setString(p++, k.display());
    keys.setString(p++, k.hash().toHex());
    keys.setInt(p++, k.hashVersion());
    instant(keys, p++, k.expiresAt());
    instant(keys, p++, k.createdAt());
    keys.setString(p++, k.createdBy() != null ? k.createdBy() : actorId);
    instant(keys, p++, k.lastUsedAt());
    instant(keys, p++, k.revokedAt());
    keys.setBoolean(p++, k.enabled());
    string(keys, p++, k.replacesKeyId());
    string(keys, p, k.replacedByKeyId());
    keys.addBatch();

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
    d.put("expires_at", k.expiresAt() == null ? null : Instant.ofEpochMilli(k.expiresAt().toEpochMilli()).toString());
    events.setString(1, eventId);
    events.setLong(2, at.toEpochMilli());
    events.setString(3, actorId);
    events.setString(4, "key.created");
    events.setString(5, "key");
    events.setString(6, k.id());
    events.setString(7, k.workspaceId());
    events.setNull(8, Types.VARCHAR);
    events.setNull(9, Types.VARCHAR);
    events.setString(10, JSON.writeValueAsString(d));
    events.addBatch();
    if (++pending >= batch) {
      flush();
    }
  }

  /** The JSON text of a list, remembered per list instance (the bench reuses a few). */
  private String json(List<String> list) throws Exception {
    String j = lists.get(list);
    if (j == null) {
      j = JSON.writeValueAsString(list);
      lists.put(list, j);
    }
    return j;
  }

  void flush() throws SQLException {
    if (pending > 0) {
      keys.executeBatch();
      events.executeBatch();
      c.commit();
      pending = 0;
    }
  }

  private static void string(PreparedStatement ps, int p, String v) throws SQLException {
    if (v == null) {
      ps.setNull(p, Types.VARCHAR);
    } else {
      ps.setString(p, v);
    }
  }

  private static void instant(PreparedStatement ps, int p, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(p, Types.BIGINT);
    } else {
      ps.setLong(p, t.toEpochMilli());
    }
  }

  @Override
  public void close() throws SQLException {
    flush();
    keys.close();
    events.close();
    c.close();
  }

}
