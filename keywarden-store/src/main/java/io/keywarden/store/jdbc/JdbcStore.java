package io.keywarden.store.jdbc;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.OwnerOnly;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.KeyPatch;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import io.keywarden.store.QuotaUsage;
import io.keywarden.store.Store;
import io.keywarden.store.StoreListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@link Store} on a JDBC database: SQLite, embedded and the default, or PostgreSQL, shared
 * by the nodes of a cluster.
 *
 * <p>Open it with {@link #openSqlite} or {@link #open}; the schema is migrated by Flyway on open.
 * Timestamps are stored as epoch milliseconds, so every instant read back is whole milliseconds;
 * lists are JSON text. The raw key is never stored: a key row holds its HMAC, prefix and display
 * form only.
 *
 * <h2>Durability and concurrency</h2>
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL}: the WAL is fsync'ed at every commit,
 * so a committed write survives a power cut or an OS crash, not only a crash of this process
 * (which {@code NORMAL} would already survive). A key that was shown to its owner once must not
 * vanish after a reboot; the price is one fsync per write, and writes are rare next to key
 * lookups, which never write. Writers are serialized in this process and begin with {@code BEGIN
 * IMMEDIATE}; readers run concurrently with them. PostgreSQL keeps its own durability settings.
 *
 * <h2>Deletes</h2>
 *
 * <ul>
 *   <li>A workspace takes everything in it along (one {@code workspace.deleted} event).
 *   <li>A user's memberships are removed and their keys <em>revoked</em>, not deleted: a
 *       presented key then reads as revoked, and the audit trail keeps its targets.
 *   <li>A project's project keys are <em>deleted</em>: a project key belongs to that project
 *       alone and has nothing left to reach ({@code key.deleted} each). Memberships stop using
 *       the project as default project and drop it from their project lists, except where it is
 *       the only entry: an empty list would mean every project, so the dangling id stays and
 *       reaches nothing. User keys' allow-lists keep the id, for the same reason.
 * </ul>
 *
 * <h2>Lists</h2>
 *
 * <p>Every list is newest first by id, compared as binary strings ({@code COLLATE "C"} on
 * PostgreSQL), with opaque two-way cursors; memberships are ordered by user id.
 */
public final class JdbcStore implements Store {
  /** The database file {@link #openSqlite} keeps in its data directory. */
  public static final String SQLITE_FILE = "keywarden.db";

  private final Database db;
  private final AuditLog audit;
  private final Workspaces workspaces;
  private final Projects projects;
  private final Users users;
  private final Memberships memberships;
  private final Keys keys;

  private JdbcStore(Database db, IdGenerator ids) {
    this.db = db;
    this.audit = new AuditLog(ids);
    this.keys = new Keys(audit);
    this.memberships = new Memberships(audit);
    this.workspaces = new Workspaces(ids, audit);
    this.projects = new Projects(ids, audit, keys, memberships);
    this.users = new Users(ids, audit, keys, memberships);
  }

  /**
   * Opens (creating if needed) the SQLite store {@code dataDir/keywarden.db}.
   *
   * @param ids makes the ids of workspaces, projects, users and audit events
   */
  public static JdbcStore openSqlite(Path dataDir, Clock clock, IdGenerator ids) {
    Path file = dataDir.resolve(SQLITE_FILE);
    try {
      OwnerOnly.directory(dataDir);
      // SQLite gives its -wal and -shm files the database file's mode: a 0600 file keeps all three private.
      OwnerOnly.file(file);
      OwnerOnly.narrow(dataDir.resolve(SQLITE_FILE + "-wal"));
      OwnerOnly.narrow(dataDir.resolve(SQLITE_FILE + "-shm"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir + " or its database file", e);
    }
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    return open(url, null, null, clock, ids);
  }

  /**
   * Opens the store at a {@code jdbc:postgresql:} or {@code jdbc:sqlite:} URL.
   *
   * @param user the database user, or {@code null} to use the URL's
   * @param password the password, or {@code null}
   * @throws IllegalArgumentException for any other kind of URL
   */
  public static JdbcStore open(String jdbcUrl, String user, String password, Clock clock,
      IdGenerator ids) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ids, "ids");
    return new JdbcStore(Database.open(jdbcUrl, user, password, clock), ids);
  }

  /** The pool, for operational checks and tests. */
  DataSource dataSource() {
    return db.dataSource();
  }

  @Override
  public void addListener(StoreListener listener) {
    db.addListener(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public boolean ping() {
    try (Connection c = db.dataSource().getConnection()) {
      return c.isValid(2);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String dialect() {
    return db.dialect().id();
  }

  @Override
  public void close() {
    db.close();
  }

  // ---- workspaces ----

  @Override
  public Workspace createWorkspace(String name, String plan, Integer maxTtlDays,
      String rateLimits, Actor actor) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    return db.write(tx -> workspaces.create(tx, name, plan, maxTtlDays, rateLimits, actor));
  }

  @Override
  public Optional<Workspace> workspace(String id) {
    return id == null ? Optional.empty() : db.read(tx -> workspaces.find(tx, id));
  }

  @Override
  public Page<Workspace> workspaces(PageRequest page) {
    return db.read(tx -> workspaces.list(tx, page));
  }

  @Override
  public Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, Actor actor) {
    return db.write(tx ->
        workspaces.update(tx, id, name, plan, maxTtlDays, clearMaxTtl, rateLimits, actor));
  }

  @Override
  public void deleteWorkspace(String id, Actor actor) {
    db.write(tx -> {
      workspaces.delete(tx, id, actor);
      return null;
    });
  }

  // ---- projects ----

  @Override
  public Project createProject(String workspaceId, String name, Actor actor) {
    Objects.requireNonNull(name, "name");
    return db.write(tx -> projects.create(tx, workspaceId, name, actor));
  }

  @Override
  public Optional<Project> project(String id) {
    return id == null ? Optional.empty() : db.read(tx -> projects.find(tx, id));
  }

  @Override
  public Page<Project> projects(String workspaceId, PageRequest page) {
    return db.read(tx -> projects.list(tx, workspaceId, page));
  }

  @Override
  public Project updateProject(String id, String name, Actor actor) {
    return db.write(tx -> projects.update(tx, id, name, actor));
  }

  /** Deletes the project and its project keys; see the class comment. */
  @Override
  public void deleteProject(String id, Actor actor) {
    db.write(tx -> {
      projects.delete(tx, id, actor);
      return null;
    });
  }

  // ---- users and memberships ----

  @Override
  public User createUser(String email, String name, Actor actor) {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    return db.write(tx -> users.create(tx, email, name, actor));
  }

  @Override
  public Optional<User> user(String id) {
    return id == null ? Optional.empty() : db.read(tx -> users.find(tx, id));
  }

  @Override
  public Page<User> users(PageRequest page) {
    return db.read(tx -> users.list(tx, page));
  }

  @Override
  public User updateUser(String id, String email, String name, Actor actor) {
    return db.write(tx -> users.update(tx, id, email, name, actor));
  }

  /** Deletes the user and their memberships, and revokes (keeps) their keys. */
  @Override
  public void deleteUser(String id, Actor actor) {
    db.write(tx -> {
      users.delete(tx, id, actor);
      return null;
    });
  }

  @Override
  public Membership putMembership(String workspaceId, String userId, String role,
      List<String> projectIds, String defaultProjectId, Actor actor) {
    Objects.requireNonNull(role, "role");
    List<String> projectList = projectIds == null ? List.of() : projectIds;
    return db.write(tx ->
        memberships.put(tx, workspaceId, userId, role, projectList, defaultProjectId, actor));
  }

  @Override
  public Optional<Membership> membership(String workspaceId, String userId) {
    if (workspaceId == null || userId == null) {
      return Optional.empty();
    }
    return db.read(tx -> memberships.find(tx, workspaceId, userId));
  }

  @Override
  public Page<Membership> memberships(String workspaceId, PageRequest page) {
    return db.read(tx -> memberships.list(tx, workspaceId, page));
  }

  @Override
  public void removeMembership(String workspaceId, String userId, Actor actor) {
    db.write(tx -> {
      memberships.remove(tx, workspaceId, userId, actor);
      return null;
    });
  }

  // ---- keys ----

  @Override
  public ApiKey insertKey(ApiKey key, Actor actor) {
    Objects.requireNonNull(key, "key");
    return db.write(tx -> keys.insert(tx, key, actor));
  }

  @Override
  public Optional<ApiKey> key(String id) {
    return id == null ? Optional.empty() : db.read(tx -> keys.find(tx, id));
  }

  @Override
  public Optional<ApiKey> keyByHash(KeyHash hash) {
    return db.read(tx -> keys.findByHash(tx, hash));
  }

  @Override
  public Page<ApiKey> keys(KeyFilter filter, PageRequest page) {
    return db.read(tx -> keys.list(tx, filter, page));
  }

  @Override
  public ApiKey updateKey(String id, KeyPatch patch, Actor actor) {
    return db.write(tx -> keys.update(tx, id, patch, actor));
  }

  @Override
  public ApiKey revokeKey(String id, Instant at, Actor actor) {
    return db.write(tx -> keys.revoke(tx, id, at, actor));
  }

  @Override
  public ApiKey rotateKey(String oldId, ApiKey successor, Instant oldKeyExpiresAt, Actor actor) {
    Objects.requireNonNull(successor, "successor");
    return db.write(tx -> keys.rotate(tx, oldId, successor, oldKeyExpiresAt, actor));
  }

  /** Updates {@code last_used_at} in one batch, with no audit event and no listener call. */
  @Override
  public void recordLastUsed(Map<String, Instant> lastUsedByKeyId) {
    if (lastUsedByKeyId.isEmpty()) {
      return;
    }
    db.write(tx -> {
      keys.recordLastUsed(tx, lastUsedByKeyId);
      return null;
    });
  }

  // ---- quota usage ----

  @Override
  public List<QuotaUsage> quotaUsageSince(long fromMicros) {
    return db.read(tx -> QuotaRows.since(tx, fromMicros));
  }

  /** Upserts in one batch and transaction, keeping the larger count; no audit event, no listener call. */
  @Override
  public void recordQuotaUsage(Collection<QuotaUsage> usage) {
    if (usage.isEmpty()) {
      return;
    }
    db.write(tx -> {
      QuotaRows.record(tx, usage);
      return null;
    });
  }

  @Override
  public int pruneQuotaUsage(long beforeMicros) {
    return db.write(tx -> QuotaRows.prune(tx, beforeMicros));
  }

  // ---- audit ----

  @Override
  public Page<AuditEvent> auditEvents(AuditFilter filter, PageRequest page) {
    return db.read(tx -> audit.list(tx, filter, page));
  }
}
