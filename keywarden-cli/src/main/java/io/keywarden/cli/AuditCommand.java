package io.keywarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.cli.client.KeywardenClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keywarden audit list|tail}: the audit trail through {@code /v1/audit-events}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and follow the audit trail.")
final class AuditCommand {
  private static final String ROW = "%-16s  %-22s  %-27s  %s%n";

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List audit events, newest first.")
  int list(@Mixin Remote remote, @Mixin ListOptions page, @Mixin Filters filters) {
    return page.print(remote, "/v1/audit-events", filters.query(), Views.AUDIT);
  }

  @Command(name = "tail", mixinStandardHelpOptions = true,
      description = {"Print the latest events, oldest first, then follow new ones as they come (Ctrl-C ends).",
          "It asks for the newest page every --interval and prints the events after the last one shown.",
          "With --json, one event per line as the API gives it."})
  int tail(@Mixin Remote remote, @Mixin Filters filters,
      @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
          description = "How many past events to print first, 0 to 100 (default: ${DEFAULT-VALUE}).") int lines,
      @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
          description = "Seconds between two polls (default: ${DEFAULT-VALUE}).") double interval)
      throws InterruptedException {
    Bodies usage = new Bodies(remote.spec);
    if (lines < 0 || lines > KeywardenClient.MAX_PAGE) {
      throw usage.usage("--lines must be between 0 and " + KeywardenClient.MAX_PAGE);
    }
    if (!(interval >= 0.05 && interval <= 3600)) {
      throw usage.usage("--interval must be between 0.05 and 3600 seconds");
    }
    KeywardenClient client = remote.client();
    Map<String, String> query = filters.query();
    List<JsonNode> first = new ArrayList<>();
    client.pages("/v1/audit-events", query, Math.max(lines, 1), page -> {
      page.data().forEach(first::add);
      return false;
    });
    if (!remote.json) {
      remote.out().printf(ROW, "AT", "ACTION", "TARGET", "ACTOR");
    }
    String newest = first.isEmpty() ? null : first.getFirst().path("id").asText();
    print(remote, first.subList(0, Math.min(lines, first.size())));
    long pause = (long) (interval * 1000);
    while (true) {
      TimeUnit.MILLISECONDS.sleep(pause);
      List<JsonNode> fresh = newerThan(client, query, newest);
      if (!fresh.isEmpty()) {
        newest = fresh.getFirst().path("id").asText();
        print(remote, fresh);
      }
    }
  }

  /**
   * Events after {@code newest}, newest first: pages are followed until one reaches an id that
   * does not sort after it (ids are time-ordered strings).
   */
  private static List<JsonNode> newerThan(KeywardenClient client, Map<String, String> query, String newest) {
    List<JsonNode> fresh = new ArrayList<>();
    client.pages("/v1/audit-events", query, KeywardenClient.MAX_PAGE, page -> {
      for (JsonNode e : page.data()) {
        if (newest != null && e.path("id").asText().compareTo(newest) <= 0) {
          return false;
        }
        fresh.add(e);
      }
      return newest != null;
    });
    return fresh;
  }

  /** Prints events given newest first in the order they happened. */
  private static void print(Remote remote, List<JsonNode> newestFirst) {
    PrintWriter out = remote.out();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      JsonNode e = newestFirst.get(i);
      if (remote.json) {
        out.println(e.toString());
      } else {
        out.printf(ROW, Views.shortTime(Views.text(e.path("at"))), Views.text(e.path("action")),
            Views.text(e.path("target").path("id")), Views.text(e.path("actor")));
      }
    }
    out.flush();
  }

  /** The filters of {@code GET /v1/audit-events}. */
  static final class Filters {
    @Option(names = "--workspace", paramLabel = "WS_ID", description = "Only this workspace's events.") String workspace;
    @Option(names = "--target", paramLabel = "ID", description = "Only events about this object (a key, user, …).")
    String target;
    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. key.revoked.") String action;
    @Option(names = "--from", paramLabel = "TIME", description = "From this time on (RFC 3339, inclusive).") String from;
    @Option(names = "--to", paramLabel = "TIME", description = "Before this time (RFC 3339, exclusive).") String to;

    Map<String, String> query() {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("workspace_id", workspace);
      q.put("target", target);
      q.put("action", action);
      q.put("from", from);
      q.put("to", to);
      return q;
    }
  }
}
