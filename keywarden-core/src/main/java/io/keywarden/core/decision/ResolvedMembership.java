package io.keywarden.core.decision;

import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.Role;
import io.keywarden.core.scopes.ScopeSet;
import io.keywarden.core.tenancy.Membership;

/**
 * A membership with its role compiled: what the member may do now, which caps their user keys.
 *
 * @param roleGrant the scopes the role grants; empty when the role is no longer configured
 */
public record ResolvedMembership(Membership membership, ScopeSet roleGrant) {

  /** Compiles a membership against the access model. */
  public static ResolvedMembership of(Membership m, AccessModel model) {
    Role role = model.role(m.role());
    return new ResolvedMembership(m, role == null ? model.scopes().none() : role.granted());
  }
}
