package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.server.http.Json;

/** The answer to a delete: {@code {"id", "object", "deleted": true}}. */
final class Deleted {
  private Deleted() {}

  static ObjectNode of(String id, String object) {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", object);
    o.put("deleted", true);
    return o;
  }
}
