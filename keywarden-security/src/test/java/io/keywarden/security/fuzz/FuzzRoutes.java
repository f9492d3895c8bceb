package io.keywarden.security.fuzz;

import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteTable;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.List;

/** A route table shaped like the reference systems': literals, parameters, catch-alls, hosts. */
final class FuzzRoutes {
  private static final ScopeVocabulary VOCABULARY = ScopeVocabulary.defaults();
  static final RouteTable TABLE = table();

  private static RouteTable table() {
    String[][] specs = {
      // id, host, path, methods (comma separated, empty: any)
      {"root", "", "/", "GET"},
      {"regions", "", "/v1/regions", "GET,HEAD"},
      {"item", "", "/v1/items/{id}", "GET,PUT,DELETE"},
      {"sub", "", "/v1/items/{id}/sub/{sub}", ""},
      {"mixed", "", "/v1/{kind}/x", "POST"},
      {"files", "", "/files/{rest*}", "GET"},
      {"api", "api.example.com", "/v1/regions", "GET"},
      {"wild", "*.tenant.example", "/t/{name}/{rest*}", ""},
      {"deploy", "", "/v1/applications/{id}/deployments", "POST"},
      {"entries", "", "/api/collections/{collection}/entries", "GET,POST"},
    };
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < specs.length; i++) {
      String[] s = specs[i];
      Route.Builder b = Route.builder("routes[" + i + "]", VOCABULARY).id(s[0]).path(s[2]);
      if (!s[1].isEmpty()) {
        b.host(s[1]);
      }
      if (!s[3].isEmpty()) {
        b.methods(s[3].split(","));
      }
      routes.add(b.build());
    }
    return RouteTable.of(routes);
  }


  private FuzzRoutes() {}
}
