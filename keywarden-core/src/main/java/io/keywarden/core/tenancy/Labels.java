package io.keywarden.core.tenancy;

import io.keywarden.core.errors.KeywardenException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The provider's own data on workspaces, projects and users: an {@code external_id} (the id the
 * provider's systems use, so that no mapping table is needed) and {@code metadata} (labels,
 * string to string). The limits are checked here, once for every client, with errors naming the
 * field.
 */
public final class Labels {
  /** Longest external id. */
  public static final int MAX_EXTERNAL_ID_LENGTH = 255;
  /** Most metadata entries. */
  public static final int MAX_ENTRIES = 50;
  /** Longest metadata value. */
  public static final int MAX_VALUE_LENGTH = 512;
  /** Largest metadata object, as compact JSON, in bytes (about). */
  public static final int MAX_TOTAL_BYTES = 8192;
  /** Metadata names: what {@code ?metadata.NAME=} can carry unescaped. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}");

  private Labels() {}

  /** An unmodifiable copy sorted by name; {@code null} is empty. */
  public static Map<String, String> copy(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  /** Checks an external id: 1 to 255 characters, no control characters; {@code null} stays. */
  public static String externalId(String externalId) {
    if (externalId == null) {
      return null;
    }
    if (externalId.isEmpty() || externalId.length() > MAX_EXTERNAL_ID_LENGTH) {
      throw KeywardenException.invalid("external_id",
          "external_id must be 1 to " + MAX_EXTERNAL_ID_LENGTH + " characters.");
    }
    if (externalId.chars().anyMatch(Character::isISOControl)) {
      throw KeywardenException.invalid("external_id", "external_id must not contain control characters.");
    }
    return externalId;
  }

  /** Checks metadata against the limits; {@code null} stays. */
  public static Map<String, String> metadata(Map<String, String> metadata) {
    if (metadata == null) {
      return null;
    }
    if (metadata.size() > MAX_ENTRIES) {
      throw KeywardenException.invalid("metadata",
          "metadata may have at most " + MAX_ENTRIES + " entries, not " + metadata.size() + ".");
    }
    long total = 2;
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String name = e.getKey();
      if (!NAME.matcher(name).matches()) {
        throw KeywardenException.invalid("metadata", "metadata name \"" + clip(name)
            + "\" must be 1 to 64 letters, digits, '_', '.', ':' or '-', not starting with '.', ':' or '-'.");
      }
      String value = e.getValue();
      if (value == null) {
        throw KeywardenException.invalid("metadata", "metadata." + name + " must be a string.");
      }
      if (value.length() > MAX_VALUE_LENGTH) {
        throw KeywardenException.invalid("metadata",
            "metadata." + name + " must be at most " + MAX_VALUE_LENGTH + " characters.");
      }
      total += name.length() + value.length() + 6;
    }
    if (total > MAX_TOTAL_BYTES) {
      throw KeywardenException.invalid("metadata",
          "metadata must be at most " + MAX_TOTAL_BYTES + " bytes as JSON.");
    }
    return copy(metadata);
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
