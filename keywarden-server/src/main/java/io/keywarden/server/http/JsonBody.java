package io.keywarden.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body read strictly: it must be {@code application/json} (else 415), exactly one
 * well-formed value (else 400 {@code malformed_json} saying where), valid Unicode (else 400 {@code
 * invalid_unicode}), an object, free of unknown fields (else 400 naming them) and of the
 * right types (else 400 naming the field).
 */
public final class JsonBody {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final ObjectNode node;

  private JsonBody(ObjectNode node) {
    this.node = node;
  }

  /**
   * Reads the body of a request.
   *
   * @param required whether an empty body is an error (else it reads as {@code {}})
   */
  public static JsonBody of(RoutingContext ctx, boolean required) {
    var body = ctx.body();
    // length() is -1 when the body handler saw no bytes at all (its buffer stays null).
    boolean empty = body == null || !body.available() || body.buffer() == null || body.length() <= 0;
    if (empty) {
      if (required) {
        throw KeywardenException.invalid("body", "A JSON object body is required.");
      }
      return new JsonBody(Json.object());
    }
    String ct = ctx.request().getHeader("Content-Type");
    if (!isJson(ct)) {
      throw new KeywardenException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type",
          "The request body must be application/json" + (ct == null ? "; no Content-Type was given." : ", not " + ct + "."));
    }
    JsonNode n = parse(body.buffer().getBytes());
    if (n == null || !n.isObject()) {
      throw KeywardenException.invalid("body", "The body must be a JSON object.");
    }
    return new JsonBody((ObjectNode) n);
  }

  /**
   * Parses exactly one JSON value: trailing content after it ({@code {"a":1} {"a":2}}) is {@code
   * malformed_json}, like any other syntax error, and a string (value or name) holding a lone
   * surrogate ({@code "\ud800"}, or its UTF-8 encoding) is {@code invalid_unicode}: such text is
   * not Unicode, and readers downstream disagree about it.
   */
  static JsonNode parse(byte[] bytes) {
    // Jackson looks field names up in a symbol table shared by all parsers of the mapper before it
    // decodes them, by their raw bytes packed in 4-byte quads with the last one padded with 0xFF;
    // so a name with a stray 0xFF byte ("external\xff_id") matched a name seen before
    // ("external_id") and was never checked as UTF-8. The bytes are checked here first.
    int badByte = invalidUtf8At(bytes);
    if (badByte >= 0) {
      throw new KeywardenException(ErrorCode.MALFORMED_JSON, "body",
          "Malformed JSON: the body is not valid UTF-8 (at byte " + badByte + ").");
    }
    JsonNode n;
    try (JsonParser p = STRICT.createParser(bytes)) {
      n = STRICT.readTree(p);
      JsonToken after;
      try {
        after = p.nextToken();
      } catch (JsonParseException e) {
        after = JsonToken.NOT_AVAILABLE;
      }
      if (after != null) {
        var loc = p.currentTokenLocation();
        throw new KeywardenException(ErrorCode.MALFORMED_JSON, "body", "Malformed JSON at line "
            + loc.getLineNr() + ", column " + loc.getColumnNr()
            + ": content after the end of the JSON value.");
      }
    } catch (JsonParseException e) {
      var loc = e.getLocation();
      throw new KeywardenException(ErrorCode.MALFORMED_JSON, "body", "Malformed JSON at line "
          + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + e.getOriginalMessage() + ".");
    } catch (JsonProcessingException e) {
      throw new KeywardenException(ErrorCode.MALFORMED_JSON, "body",
          "Malformed JSON: " + e.getOriginalMessage() + ".");
    } catch (java.io.IOException e) {
      throw new KeywardenException(ErrorCode.MALFORMED_JSON, "body", "The body could not be read as JSON.");
    }
    String bad = loneSurrogateIn(n);
    if (bad != null) {
      throw new KeywardenException(ErrorCode.INVALID_UNICODE, bad,
          "The string " + (bad.equals("body") ? "" : "in \"" + bad + "\" ")
              + "holds a lone surrogate: text must be valid Unicode.");
    }
    return n;
  }

  /**
   * The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. Encoded
   * surrogates (ED A0..BF xx) pass here: {@link #loneSurrogateIn} answers those as {@code
   * invalid_unicode}. No allocation.
   */
  static int invalidUtf8At(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + need >= n) {
        return i;
      }
      int cp = c & (0x3f >> need);
      for (int k = 1; k <= need; k++) {
        int d = b[i + k] & 0xff;
        if ((d & 0xc0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (d & 0x3f);
      }
      if (cp < min || cp > 0x10ffff) {
        return i;
      }
      i += need + 1;
    }
    return -1;
  }

  /** The top-level field whose name or value holds a lone surrogate ("body" if not in a field), or null. */
  private static String loneSurrogateIn(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isObject()) {
      var fields = n.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        if (hasLoneSurrogate(e.getKey()) || loneSurrogateIn(e.getValue()) != null) {
          return hasLoneSurrogate(e.getKey()) ? "body" : e.getKey();
        }
      }
      return null;
    }
    if (n.isArray()) {
      for (JsonNode item : n) {
        if (loneSurrogateIn(item) != null) {
          return "body";
        }
      }
      return null;
    }
    return n.isTextual() && hasLoneSurrogate(n.textValue()) ? "body" : null;
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  /** Fails with 400 naming every field that is not in {@code allowed}. */
  public JsonBody only(Set<String> allowed) {
    Set<String> unknown = new TreeSet<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        unknown.add(n);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw KeywardenException.invalid(first, (unknown.size() == 1 ? "Unknown field " : "Unknown fields ")
          + String.join(", ", unknown.stream().map(u -> "\"" + u + "\"").toList()) + ".");
    }
    return this;
  }

  /** Whether the field is present (possibly null). */
  public boolean has(String field) {
    return node.has(field);
  }

  /** Whether the field is present and JSON null. */
  public boolean isNull(String field) {
    return node.has(field) && node.get(field).isNull();
  }

  /** A string, or {@code null} when absent or null; {@code required} makes absence a 400. */
  public String string(String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw KeywardenException.invalid(field, field + " is required.");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw KeywardenException.invalid(field, field + " must be a string.");
    }
    return v.textValue();
  }

  /** A whole number, or {@code null} when absent or null. */
  public Integer integer(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw KeywardenException.invalid(field, field + " must be a whole number.");
    }
    return v.intValue();
  }

  /** A whole number (64-bit), or {@code null} when absent or null. */
  public Long longValue(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw KeywardenException.invalid(field, field + " must be a whole number.");
    }
    return v.longValue();
  }

  /** A boolean, or {@code null} when absent or null. */
  public Boolean bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw KeywardenException.invalid(field, field + " must be true or false.");
    }
    return v.booleanValue();
  }

  /** A list of strings, or {@code null} when absent or null. */
  public List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw KeywardenException.invalid(field, field + " must be a list of strings.");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw KeywardenException.invalid(field, field + " must be a list of strings.");
      }
      out.add(e.textValue());
    }
    return out;
  }

  /** An RFC 3339 time, or {@code null} when absent or null. */
  public Instant instant(String field) {
    String s = string(field, false);
    if (s == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw KeywardenException.invalid(field, field + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
    }
  }

  /**
   * Any JSON value as compact text, for a field checked elsewhere: {@code null} when absent;
   * {@code "null"} for JSON null.
   */
  public String raw(String field) {
    JsonNode v = node.get(field);
    return v == null ? null : v.toString();
  }

  /**
   * A JSON object of string values, or {@code null} when absent or null; any other value is a
   * 400 naming the field (and the entry).
   */
  public java.util.Map<String, String> stringMap(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw KeywardenException.invalid(field, field + " must be a JSON object of string values.");
    }
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    var it = v.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().isTextual()) {
        throw KeywardenException.invalid(field, field + "." + e.getKey() + " must be a string.");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** A JSON object as compact text, or {@code null} when absent or null. */
  public String object(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw KeywardenException.invalid(field, field + " must be a JSON object.");
    }
    return v.toString();
  }
}
