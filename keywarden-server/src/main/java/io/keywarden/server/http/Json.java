package io.keywarden.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/** The JSON mapper and small helpers for building response bodies. */
public final class Json {
  /** Shared mapper; thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static ArrayNode strings(Collection<String> values) {
    ArrayNode a = array();
    values.forEach(a::add);
    return a;
  }

  /** RFC 3339 UTC with millisecond precision, e.g. {@code 2026-01-01T00:00:00.000Z}; null stays null. */
  public static String time(Instant t) {
    return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  /** Puts an RFC 3339 time or JSON null. */
  public static void putTime(ObjectNode o, String field, Instant t) {
    if (t == null) {
      o.putNull(field);
    } else {
      o.put(field, time(t));
    }
  }

  /** Parses stored JSON text into a node (metadata); invalid text becomes an empty object. */
  public static JsonNode parseOrEmpty(String text) {
    try {
      JsonNode n = MAPPER.readTree(text);
      return n == null ? object() : n;
    } catch (JsonProcessingException e) {
      return object();
    }
  }

  /** Appends {@code s} as a JSON string (or {@code null}), escaping what JSON requires. */
  public static void appendString(io.vertx.core.buffer.Buffer out, String s) {
    if (s == null) {
      out.appendString("null");
      return;
    }
    out.appendByte((byte) '"');
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        if (i > start) {
          out.appendString(s.substring(start, i));
        }
        switch (c) {
          case '"' -> out.appendString("\\\"");
          case '\\' -> out.appendString("\\\\");
          case '\n' -> out.appendString("\\n");
          case '\r' -> out.appendString("\\r");
          case '\t' -> out.appendString("\\t");
          default -> out.appendString(String.format("\\u%04x", (int) c));
        }
        start = i + 1;
      }
    }
    out.appendString(start == 0 ? s : s.substring(start));
    out.appendByte((byte) '"');
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
