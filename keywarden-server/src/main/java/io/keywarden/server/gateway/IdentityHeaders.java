package io.keywarden.server.gateway;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headers that tell the upstream who is calling, from an allowed decision: key id, kind,
 * type, environment, workspace, project, user (user keys), the projects a user key reaches when
 * that is not the whole workspace ({@code Allowed-Projects}: its allow-list intersected with its
 * owner's membership, space-separated) and the effective scopes (space-separated). All share one prefix ({@code X-Keywarden-} by default); the forwarder strips
 * every incoming header with that prefix first, so a client can never forge one. The prefix is
 * compared ignoring case and reading {@code _} as {@code -} ({@link #isIdentityName}): CGI and WSGI
 * servers fold {@code X_Keywarden_User_Id} into the same variable as {@code X-Keywarden-User-Id}.
 */
public final class IdentityHeaders {
  /** The default prefix of the family. */
  public static final String DEFAULT_PREFIX = "X-Keywarden-";

  private final String lowerPrefix;
  // The names, built once rather than on every request.
  private final String keyId;
  private final String keyKind;
  private final String keyType;
  private final String environment;
  private final String workspaceId;
  private final String projectId;
  private final String userId;
  private final String scopes;
  private final String allowedProjects;

  public IdentityHeaders(String prefix) {
    if (prefix == null || !prefix.matches("[A-Za-z][A-Za-z0-9-]*-")) {
      throw new IllegalArgumentException("identity header prefix must be letters, digits and '-', ending with '-'");
    }
    this.lowerPrefix = prefix.toLowerCase(Locale.ROOT);
    this.keyId = prefix + "Key-Id";
    this.keyKind = prefix + "Key-Kind";
    this.keyType = prefix + "Key-Type";
    this.environment = prefix + "Environment";
    this.workspaceId = prefix + "Workspace-Id";
    this.projectId = prefix + "Project-Id";
    this.userId = prefix + "User-Id";
    this.scopes = prefix + "Scopes";
    this.allowedProjects = prefix + "Allowed-Projects";
  }

  /** The prefix in lower case, for stripping incoming headers. */
  public String lowerPrefix() {
    return lowerPrefix;
  }

  /**
   * Whether header {@code name} belongs to the family of {@code lowerPrefix}: its first characters,
   * lower-cased and with {@code _} read as {@code -}, are the prefix. Allocates nothing.
   */
  public static boolean isIdentityName(String name, String lowerPrefix) {
    int n = lowerPrefix.length();
    if (name.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c == '_') {
        c = '-';
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerPrefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The headers for an allowed decision; none for anonymous requests ({@code decision} null). */
  public List<Map.Entry<String, String>> of(Decision decision) {
    if (decision == null || decision.key() == null) {
      return List.of();
    }
    ApiKey k = decision.key();
    List<Map.Entry<String, String>> h = new ArrayList<>(8);
    h.add(Map.entry(keyId, k.id()));
    h.add(Map.entry(keyKind, k.kind().wireName()));
    h.add(Map.entry(keyType, k.type().wireName()));
    h.add(Map.entry(environment, k.environment()));
    h.add(Map.entry(workspaceId, k.workspaceId()));
    if (decision.projectId() != null) {
      h.add(Map.entry(projectId, decision.projectId()));
    }
    if (k.kind() == KeyKind.USER) {
      h.add(Map.entry(userId, k.ownerUserId()));
      List<String> reach = decision.reachableProjects();
      if (reach != null) {
        // What the key reaches (allow-list ∩ membership), so that the upstream can narrow its
        // listings; present and empty when that is nothing.
        h.add(Map.entry(allowedProjects, String.join(" ", reach)));
      }
    }
    var effective = decision.effectiveScopes();
    if (effective != null) {
      h.add(Map.entry(scopes, String.join(" ", effective.names())));
    }
    return h;
  }
}
