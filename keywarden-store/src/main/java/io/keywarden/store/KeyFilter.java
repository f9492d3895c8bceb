package io.keywarden.store;

import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;

/**
 * Which keys to list; {@code null} fields do not filter. {@code state} is evaluated at the
 * store's clock: active, expired, revoked or disabled.
 */
public record KeyFilter(
    String workspaceId, String userId, String projectId, KeyKind kind, KeyState state) {
  public static final KeyFilter ALL = new KeyFilter(null, null, null, null, null);
}
