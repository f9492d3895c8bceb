package io.keywarden.core.decision;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeSet;
import java.time.Clock;

/**
 * Decides whether a presented key may make a request. No I/O of its own: storage is reached
 * through an {@link AccessDirectory}.
 *
 * <p>The checks run in this fixed order, cheapest and least revealing first, and the first that
 * fails decides:
 *
 * <ol>
 *   <li>presence ({@code MISSING}), grammar ({@code MALFORMED}) and checksum ({@code
 *       BAD_CHECKSUM}), with no storage access;
 *   <li>lookup by HMAC ({@code NOT_FOUND}), then the realm ({@code WRONG_REALM});
 *   <li>state: {@code REVOKED}, {@code EXPIRED}, {@code DISABLED};
 *   <li>network: {@code IP_NOT_ALLOWED}, {@code ORIGIN_NOT_ALLOWED};
 *   <li>key type: {@code PUBLISHABLE_NOT_ALLOWED} on routes that are not public;
 *   <li>owner: a user key's owner must still be a member of its workspace ({@code
 *       OWNER_NOT_MEMBER});
 *   <li>project resolution: {@code PROJECT_REQUIRED}, {@code PROJECT_NOT_FOUND} (unknown, or of
 *       another workspace: the two are indistinguishable). A project key acts on its own project
 *       whatever a selecting header says; a project named as the request's resource ({@link
 *       ProjectSelection#RESOURCE}) binds it like any key, so another id is {@code
 *       PROJECT_NOT_FOUND};
 *   <li>allow-lists: the membership's project reach and the key's own list ({@code
 *       PROJECT_NOT_ALLOWED});
 *   <li>scopes: the key's grant intersected with the owner's role must satisfy the requirement
 *       ({@code INSUFFICIENT_SCOPE}).
 * </ol>
 *
 * Rate limits and quotas come after all of these, outside the engine, and are only counted when
 * every check passed.
 */
public final class DecisionEngine {
  private final KeyHasher hasher;
  private final Clock clock;
  private final Realm realm;
  private final int[] versions;

  public DecisionEngine(KeyHasher hasher, Clock clock, Realm realm) {
    this.hasher = hasher;
    this.clock = clock;
    this.realm = realm;
    this.versions = hasher.ring().versionsNewestFirst();
  }

  /** The realm of keys this engine accepts. */
  public Realm realm() {
    return realm;
  }

  /** Runs every check for {@code request}, looking up what it needs in {@code directory}. */
  public Decision verify(VerifyRequest request, AccessDirectory directory) {
    Decision early = precheck(request.key());
    if (early != null) {
      return early;
    }
    ResolvedKey key = lookup(request.key(), directory);
    if (key == null) {
      return Decision.NOT_FOUND;
    }
    return decide(request, key, directory);
  }

  /**
   * The storage-free checks: presence, grammar and checksum.
   *
   * @return the denial, or {@code null} when the key may be looked up
   */
  public Decision precheck(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Decision.MISSING;
    }
    return switch (KeyFormat.check(presented)) {
      case KeyFormat.OK -> null;
      case KeyFormat.BAD_CHECKSUM -> Decision.BAD_CHECKSUM;
      default -> Decision.MALFORMED;
    };
  }

  /** The hash a key is looked up by first (the current secret version). */
  public KeyHash primaryHash(String presented) {
    return hasher.hash(presented, versions[0]);
  }

  /**
   * Looks a prechecked key up by its hash under each secret version, newest first. With one
   * secret version (the usual case) this is one HMAC and one lookup.
   */
  public ResolvedKey lookup(String presented, AccessDirectory directory) {
    for (int v : versions) {
      ResolvedKey k = directory.findKey(hasher.hash(presented, v));
      if (k != null && k.key().hashVersion() == v) {
        return k;
      }
    }
    return null;
  }

  /** The checks after lookup, for a key already found. */
  public Decision decide(VerifyRequest request, ResolvedKey resolved, AccessDirectory directory) {
    ApiKey key = resolved.key();
    if (!realm.accepts(key.kind())) {
      return new Decision(DecisionStatus.WRONG_REALM, resolved, null, null);
    }
    long now = clock.millis();
    if (resolved.isRevoked()) {
      return new Decision(DecisionStatus.REVOKED, resolved, null, null);
    }
    if (resolved.isExpired(now)) {
      return new Decision(DecisionStatus.EXPIRED, resolved, null, null);
    }
    if (!key.enabled()) {
      return new Decision(DecisionStatus.DISABLED, resolved, null, null);
    }
    if (resolved.hasIpAllowList() && !resolved.ipAllowed(request.clientIp())) {
      return new Decision(DecisionStatus.IP_NOT_ALLOWED, resolved, null, null);
    }
    if (resolved.hasOriginAllowList() && !resolved.originAllowed(request.origin())) {
      return new Decision(DecisionStatus.ORIGIN_NOT_ALLOWED, resolved, null, null);
    }
    if (key.type() == KeyType.PUBLISHABLE && !request.publicRoute()) {
      return new Decision(DecisionStatus.PUBLISHABLE_NOT_ALLOWED, resolved, null, null);
    }
    if (key.kind() == KeyKind.OPERATOR) {
      return scopeCheck(request, resolved, null, resolved.grant(), null, now);
    }
    ResolvedMembership membership = null;
    if (key.kind() == KeyKind.USER) {
      membership = directory.findOwnerMembership(resolved);
      if (membership == null) {
        return new Decision(DecisionStatus.OWNER_NOT_MEMBER, resolved, null, null);
      }
    }

    // Project resolution.
    String projectId;
    ProjectSelection selection = request.projectSelection();
    if (key.kind() == KeyKind.PROJECT) {
      projectId = key.ownerProjectId();
      if (selection == ProjectSelection.RESOURCE) {
        // A project named as the resource binds project keys too (a selecting header does not).
        String named = blankToNull(request.projectId());
        if (named == null) {
          return new Decision(DecisionStatus.PROJECT_REQUIRED, resolved, null, null);
        }
        if (!named.equals(projectId)) {
          return new Decision(DecisionStatus.PROJECT_NOT_FOUND, resolved, null, null);
        }
      }
      ProjectRef p = directory.findProject(projectId);
      if (p == null || !p.workspaceId().equals(key.workspaceId())) {
        return new Decision(DecisionStatus.PROJECT_NOT_FOUND, resolved, null, null);
      }
      return scopeCheck(request, resolved, projectId, resolved.grant(), null, now);
    }
    projectId = selection == ProjectSelection.NONE ? null : blankToNull(request.projectId());
    if (projectId == null) {
      if (selection == ProjectSelection.REQUIRED || selection == ProjectSelection.RESOURCE) {
        return new Decision(DecisionStatus.PROJECT_REQUIRED, resolved, null, null);
      }
      if (selection == ProjectSelection.DEFAULT_FALLBACK) {
        projectId = membership.membership().defaultProjectId();
        if (projectId == null) {
          return new Decision(DecisionStatus.PROJECT_REQUIRED, resolved, null, null);
        }
      }
    }
    if (projectId != null) {
      ProjectRef p = directory.findProject(projectId);
      if (p == null || !p.workspaceId().equals(key.workspaceId())) {
        return new Decision(DecisionStatus.PROJECT_NOT_FOUND, resolved, null, null);
      }
      // Allow-lists: the member's reach, then the key's own list (empty = all the owner reaches).
      if (!membership.membership().reaches(projectId)
          || !(key.projectIds().isEmpty() || key.projectIds().contains(projectId))) {
        return new Decision(DecisionStatus.PROJECT_NOT_ALLOWED, resolved, projectId, null);
      }
    }
    return scopeCheck(request, resolved, projectId, resolved.grant(), membership.roleGrant(), now,
        membership.membership().projectIds());
  }

  /** The scope check: the requirement against {@code grant ∩ cap} ({@code cap} null: no cap). */
  private static Decision scopeCheck(VerifyRequest request, ResolvedKey resolved, String projectId,
      ScopeSet grant, ScopeSet cap, long now) {
    return scopeCheck(request, resolved, projectId, grant, cap, now, java.util.List.of());
  }

  private static Decision scopeCheck(VerifyRequest request, ResolvedKey resolved, String projectId,
      ScopeSet grant, ScopeSet cap, long now, java.util.List<String> memberReach) {
    boolean ok = cap == null
        ? request.requirement().isSatisfiedBy(grant)
        : request.requirement().isSatisfiedByBoth(grant, cap);
    DecisionStatus status = ok ? DecisionStatus.VALID : DecisionStatus.INSUFFICIENT_SCOPE;
    return new Decision(status, resolved, projectId, grant, cap, now, memberReach);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
