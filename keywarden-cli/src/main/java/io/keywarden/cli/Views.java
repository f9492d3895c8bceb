package io.keywarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How the management commands show the API's objects to people: a table with the few columns that
 * matter per kind of object for lists, every field (but the secret) one per line for a single
 * object. {@code --json} bypasses all of this.
 */
final class Views {
  /** A column: its header and how to get its value from an object. */
  record Column(String header, Function<JsonNode, String> value) {
    static Column of(String header, String field) {
      return new Column(header, n -> text(n.path(field)));
    }

    static Column time(String header, String field) {
      return new Column(header, n -> shortTime(text(n.path(field))));
    }
  }

  /** The table columns of one kind of object, and its name for messages. */
  record Fields(String plural, List<Column> columns) {}

  static final Fields KEY = new Fields("keys", List.of(
      Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("KIND", "kind"), Column.of("ENV", "environment"),
      Column.of("STATE", "state"), Column.of("DISPLAY", "display"),
      new Column("OWNER", n -> n.hasNonNull("user_id") ? text(n.get("user_id")) : text(n.path("project_id"))),
      Column.of("SCOPES", "scopes"), Column.time("EXPIRES", "expires_at"), Column.time("LAST USED", "last_used_at")));

  static final Fields OPERATOR_KEY = new Fields("operator keys", List.of(
      Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("SCOPES", "scopes"),
      Column.of("WORKSPACE", "workspace_id"), Column.of("STATE", "state"), Column.of("DISPLAY", "display"),
      Column.time("EXPIRES", "expires_at"), Column.time("LAST USED", "last_used_at")));

  static final Fields WORKSPACE = new Fields("workspaces", List.of(
      Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("PLAN", "plan"),
      Column.of("MAX TTL DAYS", "max_ttl_days"), Column.time("CREATED", "created_at")));

  static final Fields PROJECT = new Fields("projects", List.of(
      Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("WORKSPACE", "workspace_id"),
      Column.time("CREATED", "created_at")));

  static final Fields USER = new Fields("users", List.of(
      Column.of("ID", "id"), Column.of("EMAIL", "email"), Column.of("NAME", "name"), Column.time("CREATED", "created_at")));

  static final Fields MEMBER = new Fields("members", List.of(
      Column.of("USER", "user_id"), Column.of("ROLE", "role"), Column.of("PROJECTS", "projects"),
      Column.of("DEFAULT PROJECT", "default_project_id"), Column.time("UPDATED", "updated_at")));

  static final Fields AUDIT = new Fields("audit events", List.of(
      Column.time("AT", "at"), Column.of("ACTION", "action"),
      new Column("TARGET", n -> text(n.path("target").path("id"))), Column.of("ACTOR", "actor"),
      Column.of("WORKSPACE", "workspace_id"), Column.of("ID", "id")));

  private Views() {}

  /** The rows of {@code items} under their headers, columns aligned; {@code (none)} for no rows. */
  static void printTable(PrintWriter out, Fields view, List<JsonNode> items) {
    List<String[]> rows = new ArrayList<>();
    rows.add(view.columns().stream().map(Column::header).toArray(String[]::new));
    for (JsonNode item : items) {
      rows.add(view.columns().stream().map(c -> c.value().apply(item)).toArray(String[]::new));
    }
    int[] width = new int[view.columns().size()];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    if (items.isEmpty()) {
      out.println("(no " + view.plural() + ")");
    }
  }

  /** Every field of one object but {@code object} and {@code secret}, one {@code name: value} per line. */
  static void printObject(PrintWriter out, JsonNode object) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    object.fields().forEachRemaining(fields::add);
    int width = fields.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
    for (Map.Entry<String, JsonNode> e : fields) {
      if (e.getKey().equals("object") || e.getKey().equals("secret")) {
        continue;
      }
      out.println(e.getKey() + ":" + " ".repeat(width - e.getKey().length() + 1) + text(e.getValue()));
    }
  }

  /** A value for people: strings bare, lists joined by commas, objects as JSON, null and empty as "-". */
  static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "-";
    }
    if (v.isArray()) {
      if (v.isEmpty()) {
        return "-";
      }
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
      return String.join(",", parts);
    }
    if (v.isObject()) {
      return v.isEmpty() ? "-" : v.toString();
    }
    String s = v.asText();
    return s.isEmpty() ? "-" : s;
  }

  /** {@code 2026-12-07T11:38:25.123Z} as {@code 2026-12-07 11:38}. */
  static String shortTime(String rfc3339) {
    if (rfc3339.length() >= 16 && rfc3339.charAt(10) == 'T') {
      return rfc3339.substring(0, 10) + " " + rfc3339.substring(11, 16);
    }
    return rfc3339;
  }
}
