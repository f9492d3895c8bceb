package io.keywarden.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON text for list columns and audit details. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Json() {}

  /** A list of strings as a JSON array. */
  static String of(List<String> values) {
    return write(values);
  }

  /** A JSON array of strings as a list; {@code null} or blank text is the empty list. */
  static List<String> list(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return List.copyOf(MAPPER.readValue(json, STRINGS));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON list is malformed", e);
    }
  }

  private static final TypeReference<java.util.TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  /** A map of strings as a JSON object (sorted by name). */
  static String ofMap(Map<String, String> values) {
    return write(new java.util.TreeMap<>(values));
  }

  /** A stored JSON object of strings as a map; {@code null} or blank text is the empty map. */
  static Map<String, String> map(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return MAPPER.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON object is malformed", e);
    }
  }

  /** Stored JSON text as a tree for audit details, or {@code null} for {@code null} text. */
  static JsonNode tree(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is malformed", e);
    }
  }

  /**
   * A small JSON object from alternating names and values, in that order. Instants are written
   * as ISO-8601 text.
   */
  static String object(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object value = namesAndValues[i + 1];
      map.put((String) namesAndValues[i], value instanceof Instant t ? t.toString() : value);
    }
    return write(map);
  }

  /** A JSON object of a map built by the caller; instants must already be text. */
  static String object(Map<String, ?> map) {
    return write(map);
  }

  private static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
