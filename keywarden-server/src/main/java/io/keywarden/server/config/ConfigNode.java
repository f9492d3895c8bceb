package io.keywarden.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A position in the configuration tree that reads typed values and names the setting (its dotted
 * path) in every error, so a bad file is reported as {@code server.api_port: must be ...}.
 */
final class ConfigNode {
  private final JsonNode node;
  private final String path;

  ConfigNode(JsonNode node, String path) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
  }

  String path() {
    return path;
  }

  boolean isList() {
    return node.isArray();
  }

  boolean isMissing() {
    return node.isMissingNode() || node.isNull();
  }

  private String child(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  ConfigNode get(String name) {
    if (!isMissing() && !node.isObject()) {
      throw new ConfigException(path, "must be a mapping");
    }
    return new ConfigNode(node.get(name), child(name));
  }

  /** Fails on any key not in {@code allowed}, naming it. */
  ConfigNode onlyKeys(Set<String> allowed) {
    if (isMissing()) {
      return this;
    }
    if (!node.isObject()) {
      throw new ConfigException(path.isEmpty() ? "(root)" : path, "must be a mapping");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new ConfigException(child(n), "unknown setting (known here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return this;
  }

  /** Whether this is the string {@code literal}. */
  boolean isText(String literal) {
    return node.isTextual() && node.textValue().equals(literal);
  }

  String text(String def) {
    if (isMissing()) {
      return def;
    }
    if (!node.isValueNode() || node.isBoolean()) {
      throw new ConfigException(path, "must be a string");
    }
    return node.asText();
  }

  int integer(int def, int min, int max) {
    if (isMissing()) {
      return def;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      if (node.isTextual()) {
        try {
          return check(Integer.parseInt(node.asText().trim()), min, max);
        } catch (NumberFormatException e) {
          throw new ConfigException(path, "must be a whole number between " + min + " and " + max);
        }
      }
      throw new ConfigException(path, "must be a whole number between " + min + " and " + max);
    }
    return check(node.intValue(), min, max);
  }

  private int check(int v, int min, int max) {
    if (v < min || v > max) {
      throw new ConfigException(path, "must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  long longValue(long def, long min, long max) {
    if (isMissing()) {
      return def;
    }
    long v;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      v = node.longValue();
    } else if (node.isTextual()) {
      try {
        v = Long.parseLong(node.asText().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(path, "must be a whole number between " + min + " and " + max);
      }
    } else {
      throw new ConfigException(path, "must be a whole number between " + min + " and " + max);
    }
    if (v < min || v > max) {
      throw new ConfigException(path, "must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  /** Whether the value is {@code true} or {@code false} (not a string). */
  boolean isBoolean() {
    return !isMissing() && node.isBoolean();
  }

  Boolean bool(Boolean def) {
    if (isMissing()) {
      return def;
    }
    if (!node.isBoolean()) {
      throw new ConfigException(path, "must be true or false");
    }
    return node.booleanValue();
  }

  List<String> strings(List<String> def) {
    if (isMissing()) {
      return def;
    }
    if (!node.isArray()) {
      throw new ConfigException(path, "must be a list");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode e = node.get(i);
      if (!e.isValueNode() || e.isNull()) {
        throw new ConfigException(path + "[" + i + "]", "must be a string");
      }
      out.add(e.asText());
    }
    return out;
  }

  List<Integer> integers(List<Integer> def) {
    if (isMissing()) {
      return def;
    }
    if (!node.isArray()) {
      throw new ConfigException(path, "must be a list of whole numbers");
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(new ConfigNode(node.get(i), path + "[" + i + "]").integer(0, 1, 36500));
    }
    return out;
  }

  List<ConfigNode> elements() {
    if (isMissing()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ConfigException(path, "must be a list");
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(new ConfigNode(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  Map<String, ConfigNode> entries() {
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    if (isMissing()) {
      return out;
    }
    if (!node.isObject()) {
      throw new ConfigException(path, "must be a mapping");
    }
    node.fields().forEachRemaining(e -> out.put(e.getKey(), new ConfigNode(e.getValue(), child(e.getKey()))));
    return out;
  }
}
