package io.keywarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.cli.client.KeywardenClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Paging options of the list commands and the listing itself. Without {@code --all}, one page,
 * and a hint on stderr with the cursor of the next one; with {@code --all}, every page. With
 * {@code --json}, one page is the API's answer unchanged; {@code --all} gives the same shape with
 * every page's items in {@code data} and the last page's {@code pagination}.
 */
final class ListOptions {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--limit", paramLabel = "N",
      description = "Items per page, 1 to 100 (default: 20, or 100 with --all).")
  Integer limit;

  @Option(names = "--all", description = "Follow the cursors and list every item.")
  boolean all;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "Start at this cursor (from a previous page).")
  String cursor;

  int print(Remote remote, String path, Map<String, String> filters, Views.Fields view) {
    int size = limit != null ? limit : all ? KeywardenClient.MAX_PAGE : 20;
    Map<String, String> query = new LinkedHashMap<>(filters);
    query.put("cursor", cursor);
    List<JsonNode> items = new ArrayList<>();
    KeywardenClient.Answer[] last = new KeywardenClient.Answer[1];
    remote.client().pages(path, query, size, page -> {
      last[0] = page;
      page.data().forEach(items::add);
      return all;
    });
    JsonNode pagination = last[0].json().path("pagination");
    if (remote.json) {
      if (!all) {
        remote.out().println(last[0].body());
      } else {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        items.forEach(data::add);
        body.set("pagination", pagination);
        remote.out().println(body.toString());
      }
    } else {
      Views.printTable(remote.out(), view, items);
      if (!all && pagination.path("has_more").asBoolean(false)) {
        remote.err().println("More " + view.plural() + ": add --cursor " + pagination.path("next_cursor").asText()
            + ", or --all for every page.");
      }
    }
    remote.out().flush();
    remote.err().flush();
    return 0;
  }
}
