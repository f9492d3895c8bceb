package io.keywarden.store.service;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.store.Actor;
import io.keywarden.store.Store;
import io.keywarden.store.ratelimit.RateLimitOverride;
import io.keywarden.core.tenancy.Labels;
import io.keywarden.store.LabelChange;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Creating and changing workspaces, projects, users and memberships: the input checks that need
 * the {@link AccessModel} (plans, roles) or are shared by every client (names, emails), then one
 * store transaction. Bad input is a {@link KeywardenException} naming the field.
 */
public final class TenantService {
  /** Longest name of a workspace, project or user. */
  public static final int MAX_NAME_LENGTH = 200;
  /** Longest email address. */
  public static final int MAX_EMAIL_LENGTH = 254;
  /** Largest per-workspace key lifetime cap, in days. */
  public static final int MAX_TTL_DAYS = 36500;
  /** Longest suspension reason. */
  public static final int MAX_REASON_LENGTH = 500;

  private static final String RATE_LIMITS = "rate_limits";
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private final Store store;
  private final AccessModel model;

  public TenantService(Store store, AccessModel model) {
    this.store = store;
    this.model = model;
  }

  public Workspace createWorkspace(String name, String plan, Integer maxTtlDays, Actor actor) {
    return createWorkspace(name, plan, maxTtlDays, null, actor);
  }

  /**
   * Creates a workspace with rate-limit overrides.
   *
   * @param rateLimits a JSON list of {@code {"name", "limit"[, "window", "by"]}} (see {@link
   *     RateLimitOverride}), or {@code null} for none; bad text is a 400 naming {@code rate_limits}
   */
  public Workspace createWorkspace(String name, String plan, Integer maxTtlDays, String rateLimits,
      Actor actor) {
    return store.createWorkspace(name(name, "name"), plan(plan == null ? model.defaultPlan() : plan),
        maxTtl(maxTtlDays), rateLimits == null ? null : RateLimitOverride.canonical(rateLimits, RATE_LIMITS),
        actor);
  }

  public Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, Actor actor) {
    return updateWorkspace(id, name, plan, maxTtlDays, clearMaxTtl, null, actor);
  }

  /**
   * Changes a workspace; {@code null} keeps a value. The change is audited ({@code
   * workspace.updated}) and drops the workspace's cached keys on commit.
   *
   * @param rateLimits the new overrides as a JSON list ({@code []} or {@code null} JSON removes
   *     them all), or {@code null} to keep them
   */
  public Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, Actor actor) {
    String overrides = null;
    if (rateLimits != null) {
      String canonical = RateLimitOverride.canonical(rateLimits, RATE_LIMITS);
      overrides = canonical == null ? "[]" : canonical;
    }
    return store.updateWorkspace(id, name == null ? null : name(name, "name"),
        plan == null ? null : plan(plan), maxTtl(maxTtlDays), clearMaxTtl, overrides, actor);
  }

  /**
   * Moves a workspace to another of the access model's plans (400 naming {@code plan} for an
   * unknown one); audited as {@code workspace.updated} with the new plan.
   */
  public Workspace changePlan(String id, String plan, Actor actor) {
    if (plan == null || plan.isBlank()) {
      throw KeywardenException.invalid("plan", "plan is required.");
    }
    return store.updateWorkspace(id, null, plan(plan), null, false, null, actor);
  }

  /** Sets a workspace's rate-limit overrides (a JSON list; {@code []} removes them all). */
  public Workspace setRateLimits(String id, String rateLimits, Actor actor) {
    if (rateLimits == null) {
      throw KeywardenException.invalid(RATE_LIMITS, "rate_limits is required.");
    }
    return updateWorkspace(id, null, null, null, false, rateLimits, actor);
  }

  /**
   * Creates a workspace with the provider's own id and labels (checked here: see {@link Labels}).
   */
  public Workspace createWorkspace(String name, String plan, Integer maxTtlDays, String rateLimits,
      String externalId, Map<String, String> metadata, Actor actor) {
    return store.createWorkspace(name(name, "name"), plan(plan == null ? model.defaultPlan() : plan),
        maxTtl(maxTtlDays), rateLimits == null ? null : RateLimitOverride.canonical(rateLimits, RATE_LIMITS),
        Labels.externalId(externalId), labelsOrEmpty(metadata), actor);
  }

  /** Changes a workspace, its external id and metadata ({@link LabelChange#NONE} keeps them). */
  public Workspace updateWorkspace(String id, String name, String plan, Integer maxTtlDays,
      boolean clearMaxTtl, String rateLimits, LabelChange labels, Actor actor) {
    String overrides = null;
    if (rateLimits != null) {
      String canonical = RateLimitOverride.canonical(rateLimits, RATE_LIMITS);
      overrides = canonical == null ? "[]" : canonical;
    }
    return store.updateWorkspace(id, name == null ? null : name(name, "name"),
        plan == null ? null : plan(plan), maxTtl(maxTtlDays), clearMaxTtl, overrides, check(labels),
        actor);
  }

  /**
   * Suspends a workspace (its access keys are refused with {@code workspace_suspended} from the
   * next request on, on every node) or reinstates it; audited.
   *
   * @param reason why, at most {@value #MAX_REASON_LENGTH} characters, or {@code null}
   */
  public Workspace setSuspended(String id, boolean suspended, String reason, Actor actor) {
    String r = reason == null || reason.isBlank() ? null : reason.strip();
    if (r != null && r.length() > MAX_REASON_LENGTH) {
      throw KeywardenException.invalid("suspension_reason",
          "suspension_reason must be at most " + MAX_REASON_LENGTH + " characters.");
    }
    if (r != null && r.chars().anyMatch(Character::isISOControl)) {
      throw KeywardenException.invalid("suspension_reason",
          "suspension_reason must not contain control characters.");
    }
    if (!suspended && r != null) {
      throw KeywardenException.invalid("suspension_reason",
          "suspension_reason is only for suspended: true.");
    }
    return store.setWorkspaceSuspended(id, suspended, r, actor);
  }

  public Project createProject(String workspaceId, String name, Actor actor) {
    return createProject(workspaceId, name, null, null, actor);
  }

  /** Creates a project; its external id must be unique within the workspace. */
  public Project createProject(String workspaceId, String name, String externalId,
      Map<String, String> metadata, Actor actor) {
    return store.createProject(workspaceId, name(name, "name"), Labels.externalId(externalId),
        labelsOrEmpty(metadata), actor);
  }

  public Project updateProject(String id, String name, Actor actor) {
    return store.updateProject(id, name(name, "name"), actor);
  }

  /** Changes a project's name ({@code null} keeps it), external id and metadata. */
  public Project updateProject(String id, String name, LabelChange labels, Actor actor) {
    return store.updateProject(id, name == null ? null : name(name, "name"), check(labels), actor);
  }

  public User createUser(String email, String name, Actor actor) {
    return createUser(email, name, null, null, actor);
  }

  /** Creates a user; the external id must be unique among users. */
  public User createUser(String email, String name, String externalId,
      Map<String, String> metadata, Actor actor) {
    return store.createUser(email(email), name(name, "name"), Labels.externalId(externalId),
        labelsOrEmpty(metadata), actor);
  }

  public User updateUser(String id, String email, String name, Actor actor) {
    return updateUser(id, email, name, LabelChange.NONE, actor);
  }

  /** Changes a user's email, name ({@code null} keeps them), external id and metadata. */
  public User updateUser(String id, String email, String name, LabelChange labels, Actor actor) {
    return store.updateUser(id, email == null ? null : email(email),
        name == null ? null : name(name, "name"), check(labels), actor);
  }

  private static Map<String, String> labelsOrEmpty(Map<String, String> metadata) {
    Map<String, String> m = Labels.metadata(metadata);
    return m == null ? Map.of() : m;
  }

  private static LabelChange check(LabelChange labels) {
    if (labels == null) {
      return LabelChange.NONE;
    }
    return new LabelChange(labels.setExternalId(), Labels.externalId(labels.externalId()),
        Labels.metadata(labels.metadata()));
  }

  /**
   * Whether {@code plan} names a plan: one of the access model's or one stored through the plans
   * API.
   */
  public boolean isPlan(String plan) {
    return model.plans().contains(plan) || store.plan(plan).isPresent();
  }

  public Membership putMembership(String workspaceId, String userId, String role,
      List<String> projectIds, String defaultProjectId, Actor actor) {
    if (role == null || role.isBlank()) {
      throw KeywardenException.invalid("role", "role is required.");
    }
    if (model.role(role) == null) {
      throw KeywardenException.invalid("role", "role must be one of " + String.join(", ", model.roles().keySet()) + ".");
    }
    List<String> projects = projectIds == null ? List.of() : projectIds.stream().map(String::strip).distinct().toList();
    return store.putMembership(workspaceId, userId, role, projects, defaultProjectId, actor);
  }

  /** Checks a display name. */
  public static String name(String name, String field) {
    if (name == null || name.isBlank()) {
      throw KeywardenException.invalid(field, field + " is required.");
    }
    String n = name.strip();
    if (n.length() > MAX_NAME_LENGTH) {
      throw KeywardenException.invalid(field, field + " must be at most " + MAX_NAME_LENGTH + " characters.");
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw KeywardenException.invalid(field, field + " must not contain control characters.");
    }
    return n;
  }

  private String plan(String plan) {
    if (!isPlan(plan)) {
      java.util.Set<String> known = new java.util.TreeSet<>(model.plans());
      store.plans().forEach(p -> known.add(p.name()));
      throw KeywardenException.invalid("plan", "plan must be one of " + String.join(", ", known) + ".");
    }
    return plan;
  }

  private static Integer maxTtl(Integer days) {
    if (days != null && (days < 1 || days > MAX_TTL_DAYS)) {
      throw KeywardenException.invalid("max_ttl_days", "max_ttl_days must be between 1 and " + MAX_TTL_DAYS + ".");
    }
    return days;
  }

  private static String email(String email) {
    if (email == null || email.isBlank()) {
      throw KeywardenException.invalid("email", "email is required.");
    }
    String e = email.strip();
    if (e.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(e).matches()) {
      throw KeywardenException.invalid("email", "email must be an email address.");
    }
    return e;
  }
}
