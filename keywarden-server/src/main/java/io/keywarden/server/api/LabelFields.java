package io.keywarden.server.api;

import io.keywarden.server.http.JsonBody;
import io.keywarden.store.LabelChange;
import java.util.Map;

/**
 * {@code external_id} and {@code metadata} in a request body, as workspaces, projects and users
 * take them: at creation, or on {@code PATCH}, where {@code null} clears either.
 */
final class LabelFields {
  static final String EXTERNAL_ID = "external_id";
  static final String METADATA = "metadata";

  private LabelFields() {}

  /** The external id of a creation, or {@code null}. */
  static String externalId(JsonBody b) {
    return b.string(EXTERNAL_ID, false);
  }

  /** The metadata of a creation, or {@code null}. */
  static Map<String, String> metadata(JsonBody b) {
    return b.stringMap(METADATA);
  }

  /** The change a {@code PATCH} asks for: absent keeps, {@code null} clears. */
  static LabelChange change(JsonBody b) {
    boolean setExternalId = b.has(EXTERNAL_ID);
    String externalId = setExternalId ? b.string(EXTERNAL_ID, false) : null;
    Map<String, String> metadata = null;
    if (b.has(METADATA)) {
      metadata = b.isNull(METADATA) ? Map.of() : b.stringMap(METADATA);
    }
    return new LabelChange(setExternalId, externalId, metadata);
  }
}
