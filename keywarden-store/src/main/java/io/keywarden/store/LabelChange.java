package io.keywarden.store;

import java.util.Map;

/**
 * A change to an object's {@code external_id} and {@code metadata}.
 *
 * @param setExternalId whether {@code externalId} replaces the stored one ({@code null} clears it)
 * @param metadata the new metadata (empty clears it), or {@code null} to keep it
 */
public record LabelChange(boolean setExternalId, String externalId, Map<String, String> metadata) {
  /** Changes nothing. */
  public static final LabelChange NONE = new LabelChange(false, null, null);

  public LabelChange {
    if (!setExternalId && externalId != null) {
      throw new IllegalArgumentException("externalId given without setExternalId");
    }
    metadata = metadata == null ? null : Map.copyOf(metadata);
  }

  /** Whether this changes nothing. */
  public boolean isEmpty() {
    return !setExternalId && metadata == null;
  }
}
