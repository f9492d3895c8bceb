package io.keywarden.store;

import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;
import java.util.Map;

/**
 * Which keys to list; {@code null} fields do not filter. {@code state} is evaluated at the
 * store's clock: active, expired, revoked or disabled.
 *
 * @param accessKeysOnly leave out operator keys (the management API's keys)
 * @param metadata keys whose metadata has each of these names with exactly this string value
 *     (all of them); empty does not filter
 */
public record KeyFilter(
    String workspaceId, String userId, String projectId, KeyKind kind, KeyState state,
    boolean accessKeysOnly, Map<String, String> metadata) {
  public static final KeyFilter ALL = new KeyFilter(null, null, null, null, null);

  public KeyFilter {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A filter that includes operator keys. */
  public KeyFilter(String workspaceId, String userId, String projectId, KeyKind kind, KeyState state) {
    this(workspaceId, userId, projectId, kind, state, false);
  }

  /** A filter without metadata conditions. */
  public KeyFilter(String workspaceId, String userId, String projectId, KeyKind kind, KeyState state,
      boolean accessKeysOnly) {
    this(workspaceId, userId, projectId, kind, state, accessKeysOnly, Map.of());
  }

  /** The same filter, leaving out operator keys. */
  public KeyFilter withAccessKeysOnly() {
    return new KeyFilter(workspaceId, userId, projectId, kind, state, true, metadata);
  }

  /** The same filter, also requiring these metadata values. */
  public KeyFilter withMetadata(Map<String, String> values) {
    return new KeyFilter(workspaceId, userId, projectId, kind, state, accessKeysOnly, values);
  }
}
