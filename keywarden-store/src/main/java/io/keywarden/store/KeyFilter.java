package io.keywarden.store;

import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;

/**
 * Which keys to list; {@code null} fields do not filter. {@code state} is evaluated at the
 * store's clock: active, expired, revoked or disabled.
 *
 * @param accessKeysOnly leave out operator keys (the management API's keys)
 */
public record KeyFilter(
    String workspaceId, String userId, String projectId, KeyKind kind, KeyState state,
    boolean accessKeysOnly) {
  public static final KeyFilter ALL = new KeyFilter(null, null, null, null, null);

  /** A filter that includes operator keys. */
  public KeyFilter(String workspaceId, String userId, String projectId, KeyKind kind, KeyState state) {
    this(workspaceId, userId, projectId, kind, state, false);
  }

  /** The same filter, leaving out operator keys. */
  public KeyFilter withAccessKeysOnly() {
    return new KeyFilter(workspaceId, userId, projectId, kind, state, true);
  }
}
