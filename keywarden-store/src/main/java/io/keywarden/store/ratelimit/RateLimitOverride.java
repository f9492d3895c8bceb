package io.keywarden.store.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateWindow;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One rate-limit override of a workspace or a key: {@code {"name": "minute", "limit": 60}}
 * replaces the limit of the plan's policy {@code minute}; with {@code "window"} and {@code "by"}
 * it defines a whole policy, which the plan need not have ({@code {"name": "burst", "limit": 10,
 * "window": "1s", "by": ["key"]}}).
 *
 * <p>Stored as canonical JSON text (a list of these objects, in the order given) in the {@code
 * rate_limits} column of workspaces and keys; {@link #parse} reads it back and {@link #canonical}
 * checks what a client sent.
 *
 * @param name a policy name ({@link RatePolicy#NAME})
 * @param limit at least 1
 * @param window {@code null}, or a window as in the configuration: a whole number followed by
 *     {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, or {@code month} (calendar month,
 *     UTC)
 * @param by the dimensions counted by, as wire names; empty exactly when {@code window} is null
 */
public record RateLimitOverride(String name, long limit, String window, List<String> by) {
  /** Most overrides one workspace or key may carry. */
  public static final int MAX_OVERRIDES = 32;
  /** The largest limit an override may set. */
  public static final long MAX_LIMIT = 1_000_000_000_000L;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("name", "limit", "window", "by");

  public RateLimitOverride {
    by = by == null ? List.of() : List.copyOf(by);
  }

  /** An override of the limit of a named policy. */
  public static RateLimitOverride limit(String name, long limit) {
    return new RateLimitOverride(name, limit, null, List.of());
  }

  /**
   * This override as a policy: a whole policy when it has a window; otherwise {@code planPolicy}
   * with this limit, or {@code null} when there is no policy of that name to override.
   */
  public RatePolicy toPolicy(RatePolicy planPolicy) {
    if (window != null) {
      EnumSet<Dimension> dims = EnumSet.noneOf(Dimension.class);
      for (String d : by) {
        dims.add(Dimension.fromWire(d));
      }
      return new RatePolicy(name, limit, rateWindow(window), dims);
    }
    return planPolicy == null ? null : planPolicy.withLimit(limit);
  }

  /**
   * Resolves overrides against the policies they may replace, e.g. those of the workspace's
   * plan and the common ones: the list {@code RatePlans.select} takes. An override of a limit
   * that names no known policy is dropped.
   */
  public static List<RatePolicy> toPolicies(List<RateLimitOverride> overrides,
      java.util.function.Function<String, RatePolicy> policyNamed) {
    List<RatePolicy> out = new ArrayList<>(overrides.size());
    for (RateLimitOverride o : overrides) {
      RatePolicy p = o.toPolicy(o.window == null ? policyNamed.apply(o.name) : null);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** The window text as a {@link RateWindow}; the text must be valid (see {@link #canonical}). */
  public static RateWindow rateWindow(String window) {
    return RateWindow.parse(window);
  }

  /**
   * Reads stored overrides; {@code null} or blank text is none. Stored text was checked when it
   * was written, so a failure here is a corrupt row.
   */
  public static List<RateLimitOverride> parse(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    return read(json, "rate_limits");
  }

  /**
   * Checks overrides sent by a client and returns their canonical JSON text, or {@code null} when
   * the list is empty (or the text is JSON {@code null}): no overrides.
   *
   * @param field the field to name in errors, e.g. {@code rate_limits}
   * @throws KeywardenException ({@code invalid_request}) naming {@code field} and the entry
   */
  public static String canonical(String json, String field) {
    Objects.requireNonNull(json, "json");
    List<RateLimitOverride> list = read(json, field);
    return list.isEmpty() ? null : toJson(list);
  }

  /** The canonical JSON text of {@code overrides}, or {@code null} for an empty list. */
  public static String toJson(List<RateLimitOverride> overrides) {
    if (overrides == null || overrides.isEmpty()) {
      return null;
    }
    ArrayNode array = JSON.createArrayNode();
    for (RateLimitOverride o : overrides) {
      ObjectNode n = array.addObject().put("name", o.name).put("limit", o.limit);
      if (o.window != null) {
        n.put("window", o.window);
        ArrayNode by = n.putArray("by");
        o.by.forEach(by::add);
      }
    }
    return array.toString();
  }

  private static List<RateLimitOverride> read(String json, String field) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid(field, field + " must be a JSON list of {\"name\", \"limit\"} objects.");
    }
    if (root == null || root.isNull()) {
      return List.of();
    }
    if (!root.isArray()) {
      throw invalid(field, field + " must be a JSON list of {\"name\", \"limit\"} objects.");
    }
    if (root.size() > MAX_OVERRIDES) {
      throw invalid(field, field + " must have at most " + MAX_OVERRIDES + " entries.");
    }
    List<RateLimitOverride> out = new ArrayList<>(root.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      RateLimitOverride o = entry(root.get(i), field + "[" + i + "]", field);
      if (!names.add(o.name)) {
        throw invalid(field, field + " names policy \"" + o.name + "\" twice.");
      }
      out.add(o);
    }
    return List.copyOf(out);
  }

  private static RateLimitOverride entry(JsonNode n, String at, String field) {
    if (!n.isObject()) {
      throw invalid(field, at + " must be an object with name and limit.");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw invalid(field, at + " has an unknown field \"" + f + "\"; allowed: name, limit, window, by.");
      }
    }
    JsonNode name = n.get("name");
    if (name == null || !name.isTextual() || !RatePolicy.NAME.matcher(name.asText()).matches()) {
      throw invalid(field, at + ".name must be 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter.");
    }
    JsonNode limit = n.get("limit");
    if (limit == null || !limit.isIntegralNumber() || !limit.canConvertToLong()
        || limit.asLong() < 1 || limit.asLong() > MAX_LIMIT) {
      throw invalid(field, at + ".limit must be a whole number between 1 and " + MAX_LIMIT + ".");
    }
    JsonNode window = n.get("window");
    JsonNode by = n.get("by");
    if (window == null && by == null) {
      return limit(name.asText(), limit.asLong());
    }
    if (window == null || by == null) {
      throw invalid(field, at + " must give window and by together (or neither, to change a plan policy's limit).");
    }
    if (!window.isTextual()) {
      throw invalid(field, at + ".window must be text such as \"1m\" or \"month\".");
    }
    if (!by.isArray() || by.isEmpty()) {
      throw invalid(field, at + ".by must be a non-empty list of key, user, project, workspace, client_ip, environment, route_group.");
    }
    List<String> dims = new ArrayList<>();
    for (JsonNode d : by) {
      if (!d.isTextual() || Dimension.fromWire(d.asText()) == null) {
        throw invalid(field, at + ".by must list only key, user, project, workspace, client_ip, environment, route_group.");
      }
      if (dims.contains(d.asText())) {
        throw invalid(field, at + ".by lists \"" + d.asText() + "\" twice.");
      }
      dims.add(d.asText());
    }
    RateLimitOverride o = new RateLimitOverride(name.asText(), limit.asLong(), window.asText(), dims);
    try {
      o.toPolicy(null);
    } catch (IllegalArgumentException e) {
      throw invalid(field, at + ": " + e.getMessage() + ".");
    }
    return o;
  }

  private static KeywardenException invalid(String field, String message) {
    return KeywardenException.invalid(field, message);
  }
}
