package io.keywarden.security.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Keywarden must answer, written from the product rules (PRODUCT.md) and the order of checks
 * in docs/keys.md, with no code shared with Keywarden: the first failing check decides.
 *
 * <ol>
 *   <li>grammar and checksum, then lookup (malformed, bad_checksum, not_found);
 *   <li>state: revoked, expired (at or past the expiry), disabled;
 *   <li>network: a key with an IP list refuses other client addresses (ip_not_allowed);
 *   <li>a publishable key only on public routes (publishable_not_allowed);
 *   <li>a user key's owner must still be a member of the key's workspace (owner_not_member);
 *   <li>a project named in the path must exist in the key's workspace, and a project key reaches
 *       only its own project (project_not_found, indistinguishable from unknown);
 *   <li>the membership's project reach and the key's allow-list (project_not_allowed);
 *   <li>scopes: a project key has full access to its project; a user key has its scopes
 *       intersected with its owner's role (insufficient_scope).
 * </ol>
 */
final class ReferenceModel {
  /** Role grants: admin implies every scope. */
  static final Map<String, Set<String>> ROLES = Map.of(
      "admin", Set.of("read", "write", "admin"),
      "member", Set.of("read", "write"),
      "viewer", Set.of("read"));

  /** A project of the world. */
  record Project(String id, String workspace) {}

  /** A membership: role and project reach (empty: every project). */
  record Member(String role, List<String> reach) {}

  /** A key as the world created it. */
  record Key(String secret, boolean projectKey, String workspace, String owner, String project,
      boolean publishable, Set<String> scopes, List<String> allowList, boolean ipList,
      Instant expiresAt, boolean disabled, boolean revoked) {}

  /** A request: which route, which project in the path (or none), which client address. */
  record Request(String route, boolean publicRoute, String requiredScope, String pathProject,
      boolean clientInIpList) {}

  /** The expected reason code ({@code valid} when allowed) and the gateway's HTTP status. */
  record Expected(String reason, int status) {}

  interface World {
    Key key(String secret);

    Project project(String id);

    /** The membership of a user in a workspace, or null. */
    Member member(String workspace, String user);
  }

  static Expected decide(World w, String presented, Request r, Instant now) {
    if (presented.isEmpty()) {
      return new Expected("missing", 401);
    }
    if (!presented.matches("[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*_[0-9A-Za-z]{36}")) {
      return new Expected("malformed", 401);
    }
    Key k = w.key(presented);
    if (k == null) {
      return new Expected(Checksums.ok(presented) ? "not_found" : "bad_checksum", 401);
    }
    if (k.revoked()) {
      return new Expected("revoked", 401);
    }
    if (k.expiresAt() != null && !now.isBefore(k.expiresAt())) {
      return new Expected("expired", 401);
    }
    if (k.disabled()) {
      return new Expected("disabled", 401);
    }
    if (k.ipList() && !r.clientInIpList()) {
      return new Expected("ip_not_allowed", 403);
    }
    if (k.publishable() && !r.publicRoute()) {
      return new Expected("publishable_not_allowed", 403);
    }
    Member m = k.projectKey() ? null : w.member(k.workspace(), k.owner());
    if (!k.projectKey() && m == null) {
      return new Expected("owner_not_member", 403);
    }
    if (r.pathProject() != null) {
      Project p = w.project(r.pathProject());
      if (p == null || !p.workspace().equals(k.workspace())
          || (k.projectKey() && !p.id().equals(k.project()))) {
        return new Expected("project_not_found", 404);
      }
      if (!k.projectKey()) {
        if (!m.reach().isEmpty() && !m.reach().contains(p.id())) {
          return new Expected("project_not_allowed", 403);
        }
        if (!k.allowList().isEmpty() && !k.allowList().contains(p.id())) {
          return new Expected("project_not_allowed", 403);
        }
      }
    }
    if (!k.projectKey()) {
      Set<String> role = ROLES.get(m.role());
      boolean granted = k.scopes().contains(r.requiredScope()) || k.scopes().contains("admin");
      boolean allowed = role.contains(r.requiredScope());
      if (!granted || !allowed) {
        return new Expected("insufficient_scope", 403);
      }
    }
    return new Expected("valid", 200);
  }

  private ReferenceModel() {}
}
