package io.keywarden.store;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage of tenants, keys and the audit trail.
 *
 * <p>Every mutation runs in one transaction that also appends its audit event(s), and tells the
 * registered {@link StoreListener}s after the commit. Reference errors (unknown workspace, a user
 * who is not a member, a project of another workspace) are {@code KeywardenException}s naming the
 * field; nothing partial is written. Reads of other tenants' objects are simply not found.
 *
 * <p>Methods block on the database: never call them on an event loop.
 */
public interface Store extends AutoCloseable {

  /** Registers a listener for committed changes. */
  void addListener(StoreListener listener);

  /** Whether the database answers a trivial query now. */
  boolean ping();

  /** {@code sqlite} or {@code postgresql}. */
  String dialect();

  @Override
  void close();

  // ---- workspaces ----

  /** Creates a workspace without rate-limit overrides. */
  default Workspace createWorkspace(String name, String plan, Integer maxTtlDays, Actor actor) {
    return createWorkspace(name, plan, maxTtlDays, null, actor);
  }

  /**
   * Creates a workspace.
   *
   * @param rateLimits canonical overrides JSON (checked by the caller), or {@code null} for none
   */
  default Workspace createWorkspace(String name, String plan, Integer maxTtlDays, String rateLimits,
      Actor actor) {
    return createWorkspace(name, plan, maxTtlDays, rateLimits, null, Map.of(), actor);
  }

  /**
   * Creates a workspace with the provider's own data.
   *
   * @param externalId unique among workspaces (else 409 {@code external_id_taken}), or {@code null}
   * @param metadata checked by the caller
   */
  Workspace createWorkspace(String name, String plan, Integer maxTtlDays, String rateLimits,
      String externalId, Map<String, String> metadata, Actor actor);

  Optional<Workspace> workspace(String id);

  /** The workspace with this external id. */
  Optional<Workspace> workspaceByExternalId(String externalId);

  /**
   * Suspends ({@code suspended}) or reinstates a workspace; audited as {@code
   * workspace.suspended} or {@code workspace.reinstated}, announced as a workspace change.
   */
  Workspace setWorkspaceSuspended(String id, boolean suspended, String reason, Actor actor);

  Page<Workspace> workspaces(PageRequest page);

  /** Changes name, plan or max TTL; {@code null} keeps a value, {@code clearMaxTtl} removes the cap. */
  default Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, Actor actor) {
    return updateWorkspace(id, name, plan, maxTtlDays, clearMaxTtl, null, actor);
  }

  /**
   * Changes name, plan, max TTL or rate-limit overrides; {@code null} keeps a value, {@code
   * clearMaxTtl} removes the cap, {@code rateLimits} of {@code "[]"} removes every override.
   */
  default Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, Actor actor) {
    return updateWorkspace(id, name, plan, maxTtlDays, clearMaxTtl, rateLimits, LabelChange.NONE, actor);
  }

  /** As above, also changing the external id and metadata. */
  Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, LabelChange labels, Actor actor);

  /** Deletes the workspace with its projects, memberships and keys. */
  void deleteWorkspace(String id, Actor actor);

  // ---- projects ----

  default Project createProject(String workspaceId, String name, Actor actor) {
    return createProject(workspaceId, name, null, Map.of(), actor);
  }

  /** Creates a project; its external id is unique within the workspace (else 409). */
  Project createProject(String workspaceId, String name, String externalId,
      Map<String, String> metadata, Actor actor);

  Optional<Project> project(String id);

  Page<Project> projects(String workspaceId, PageRequest page);

  /** Projects with this external id, in every workspace or ({@code workspaceId}) in one. */
  Page<Project> projectsByExternalId(String externalId, String workspaceId, PageRequest page);

  default Project updateProject(String id, String name, Actor actor) {
    return updateProject(id, name, LabelChange.NONE, actor);
  }

  Project updateProject(String id, String name, LabelChange labels, Actor actor);

  /** Deletes the project and its project keys; memberships lose it as default project. */
  void deleteProject(String id, Actor actor);

  // ---- users and memberships ----

  /** Creates a user; a duplicate email (case-insensitive) is a 409 naming {@code email}. */
  default User createUser(String email, String name, Actor actor) {
    return createUser(email, name, null, Map.of(), actor);
  }

  /** Creates a user; the external id is unique among users (else 409). */
  User createUser(String email, String name, String externalId, Map<String, String> metadata,
      Actor actor);

  Optional<User> user(String id);

  /** The user with this external id. */
  Optional<User> userByExternalId(String externalId);

  Page<User> users(PageRequest page);

  default User updateUser(String id, String email, String name, Actor actor) {
    return updateUser(id, email, name, LabelChange.NONE, actor);
  }

  User updateUser(String id, String email, String name, LabelChange labels, Actor actor);

  /** Deletes the user, their memberships, and revokes their keys. */
  void deleteUser(String id, Actor actor);

  /**
   * Adds or changes a membership. {@code projectIds} and {@code defaultProjectId} must be projects
   * of the workspace (else 400 naming {@code projects} / {@code default_project_id}).
   */
  Membership putMembership(String workspaceId, String userId, String role, List<String> projectIds,
      String defaultProjectId, Actor actor);

  Optional<Membership> membership(String workspaceId, String userId);

  /** Memberships of a workspace, ordered by user id, newest user first. */
  Page<Membership> memberships(String workspaceId, PageRequest page);

  void removeMembership(String workspaceId, String userId, Actor actor);

  // ---- keys ----

  /**
   * Stores a new key. For user keys the owner must be a member of the workspace ({@code
   * user_id}); project keys' project must be in the workspace ({@code project_id}); every id of
   * the allow-list must be a project of the workspace ({@code projects}); the workspace must exist
   * ({@code workspace_id}).
   */
  ApiKey insertKey(ApiKey key, Actor actor);

  Optional<ApiKey> key(String id);

  Optional<ApiKey> keyByHash(KeyHash hash);

  Page<ApiKey> keys(KeyFilter filter, PageRequest page);

  ApiKey updateKey(String id, KeyPatch patch, Actor actor);

  /** Revokes the key at {@code at}; revoking a revoked key changes nothing and returns it. */
  ApiKey revokeKey(String id, Instant at, Actor actor);

  /**
   * Stores {@code successor} and links it with {@code oldId}: the old key's expiry becomes
   * {@code oldKeyExpiresAt} (if earlier than its own) and its {@code replaced_by} the successor.
   */
  ApiKey rotateKey(String oldId, ApiKey successor, Instant oldKeyExpiresAt, Actor actor);

  // ---- operator keys (stored in the same table; insertKey, updateKey, revokeKey and rotateKey
  // ---- work on them, and refuse to take away the last standing admin key with 409 last_admin_key)

  /** Operator keys matching {@code filter}, newest first. */
  Page<ApiKey> operatorKeys(OperatorKeyFilter filter, PageRequest page);

  /**
   * A counter that moves with every committed operator-key change, whichever process made it:
   * a node that sees it move drops its cached operator keys.
   */
  long operatorKeyGeneration();

  /** Whether this deployment ever had an admin key issued (by bootstrap, reset or the API). */
  boolean adminKeyIssued();

  /** Stores the first admin key of a deployment, remembered as issued by bootstrap. */
  ApiKey insertBootstrapAdminKey(ApiKey key, Actor actor);

  /**
   * Revokes at {@code at} every admin key that bootstrap or an earlier reset issued (and their
   * rotation successors), stores {@code fresh} as the new one, and writes the audit event, in one
   * transaction.
   *
   * @return the ids of the revoked keys
   */
  List<String> resetAdminKey(ApiKey fresh, Instant at, Actor actor);

  /** Records last use times in one batch; a time never moves a stored value backwards. */
  void recordLastUsed(Map<String, Instant> lastUsedByKeyId);

  // ---- quota usage ----

  /** The stored quota counts of every period that starts at or after {@code fromMicros}. */
  List<QuotaUsage> quotaUsageSince(long fromMicros);

  /**
   * Stores quota counts in one transaction, with no audit event: a count only ever grows, so a
   * row keeps the larger of its stored and new {@code used} (two nodes never lower each other's
   * count).
   */
  void recordQuotaUsage(Collection<QuotaUsage> usage);

  /** Deletes the quota counts of periods that start before {@code beforeMicros}; returns how many. */
  int pruneQuotaUsage(long beforeMicros);

  // ---- plans ----

  /** Every stored plan, by name. */
  List<StoredPlan> plans();

  /** A page of the stored plans, ordered by name (descending, with cursors as every list). */
  Page<StoredPlan> plans(PageRequest page);

  Optional<StoredPlan> plan(String name);

  /** Creates or replaces a plan ({@code plan.created} / {@code plan.updated}); announces it. */
  StoredPlan putPlan(String name, String policies, Actor actor);

  /** Deletes a plan: 404 if there is none, 409 naming {@code name} while a workspace is on it. */
  void deletePlan(String name, Actor actor);

  /**
   * Stores each of these plans that is not stored yet ({@code plan.created} by {@code actor});
   * stored plans are left as they are. Returns the names added.
   */
  List<String> seedPlans(Map<String, String> policiesByName, Actor actor);

  // ---- idempotency ----

  /**
   * Reserves {@code key} of {@code ownerId} for a request with {@code requestHash}, after
   * deleting every entry created before {@code expiredBefore}: empty when it is reserved now
   * (the caller makes the resource, then {@link #completeIdempotencyKey}), else the entry that
   * holds it (finished or still in progress). Concurrent callers reserve it once.
   */
  Optional<IdempotentAnswer> reserveIdempotencyKey(String ownerId, String key, String requestHash,
      Instant expiredBefore);

  /** Stores the first answer of a reserved key. */
  void completeIdempotencyKey(String ownerId, String key, int status, String body);

  /** Gives a reserved key up (the request failed), so that it can be retried. */
  void releaseIdempotencyKey(String ownerId, String key);

  // ---- audit ----

  Page<AuditEvent> auditEvents(AuditFilter filter, PageRequest page);
}
