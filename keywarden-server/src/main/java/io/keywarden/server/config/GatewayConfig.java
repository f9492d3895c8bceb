package io.keywarden.server.config;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.net.CidrBlock;
import io.keywarden.core.routes.Authentication;
import io.keywarden.core.routes.CredentialSource;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteConfigException;
import io.keywarden.core.routes.RouteTable;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.server.gateway.ErrorStyle;
import io.keywarden.server.gateway.IdentityHeaders;
import io.keywarden.server.gateway.PathRewrite;
import io.keywarden.server.gateway.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code gateway:} section of the configuration: upstreams, routes, error styles, the
 * identity header prefix and the trusted proxies. Parsed on start and again on every reload, each
 * problem a {@link ConfigException} naming the setting as the file spells it.
 *
 * <pre>
 * gateway:
 *   identity_header_prefix: X-Keywarden-
 *   trusted_proxies: [10.0.0.0/8]
 *   error_style: envelope                 # the default style of routes that name none
 *   error_styles:                         # named text styles
 *     nomacms: {bodies: {400: "Project header missing.", 403: "Forbidden", 404: "Project not found."}}
 *   upstreams:
 *     default: {url: "http://127.0.0.1:9000", connect_timeout_ms: 2000, response_timeout_ms: 30000, pool_size: 64}
 *   routes:
 *     - {path: /v1/reports, methods: [GET], response_timeout_ms: 120000}   # overrides the upstream's
 *     - path: /v1/applications/{id}/deployments
 *       methods: [POST]
 *       scopes: [deploy]                  # all of; or a list of lists for alternatives
 *       project: {header: X-Nodion-Project, selection: default_fallback}
 * </pre>
 */
public record GatewayConfig(
    List<Upstream> upstreams,
    RouteTable routes,
    Map<String, ErrorStyle> errorStyles,
    String defaultErrorStyle,
    IdentityHeaders identity,
    List<CidrBlock> trustedProxies,
    Map<Route, Upstream.Timeouts> routeTimeouts,
    Map<Route, PathRewrite> rewrites) {

  /** No routes: the gateway answers 404 to everything. */
  public static GatewayConfig empty() {
    return new GatewayConfig(List.of(), RouteTable.EMPTY, builtInStyles(), Route.ERROR_STYLE_ENVELOPE,
        new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX), List.of(), Map.of(), Map.of());
  }

  /** The timeouts {@code route} overrides (each filled from its upstream); {@code null} when none. */
  public Upstream.Timeouts timeouts(Route route) {
    return routeTimeouts.isEmpty() ? null : routeTimeouts.get(route);
  }

  /** How {@code route} rewrites the path it forwards ({@link PathRewrite#NONE} when it does not). */
  public PathRewrite rewrite(Route route) {
    PathRewrite r = rewrites.isEmpty() ? null : rewrites.get(route);
    return r == null ? PathRewrite.NONE : r;
  }

  /** The style of this name (routes are checked at load, so it exists). */
  public ErrorStyle style(String name) {
    ErrorStyle s = errorStyles.get(name == null ? defaultErrorStyle : name);
    return s == null ? ErrorStyle.ENVELOPE : s;
  }

  private static Map<String, ErrorStyle> builtInStyles() {
    Map<String, ErrorStyle> m = new HashMap<>();
    m.put(Route.ERROR_STYLE_ENVELOPE, ErrorStyle.ENVELOPE);
    m.put(Route.ERROR_STYLE_PROBLEM, ErrorStyle.PROBLEM);
    m.put(Route.ERROR_STYLE_TEXT, ErrorStyle.text(Map.of()));
    return m;
  }

  static GatewayConfig parse(ConfigNode g, ScopeVocabulary vocabulary) {
    if (g.isMissing()) {
      return empty();
    }
    g.onlyKeys(Set.of("identity_header_prefix", "trusted_proxies", "error_style", "error_styles", "upstreams", "routes"));
    IdentityHeaders identity;
    try {
      identity = new IdentityHeaders(g.get("identity_header_prefix").text(IdentityHeaders.DEFAULT_PREFIX));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("gateway.identity_header_prefix", e.getMessage());
    }
    List<CidrBlock> proxies = new ArrayList<>();
    for (ConfigNode p : g.get("trusted_proxies").elements()) {
      try {
        proxies.add(CidrBlock.parse(p.text(null), p.path()));
      } catch (RuntimeException e) {
        throw new ConfigException(p.path(), "is not an IP address or CIDR block");
      }
    }
    Map<String, ErrorStyle> styles = builtInStyles();
    for (Map.Entry<String, ConfigNode> e : g.get("error_styles").entries().entrySet()) {
      ConfigNode s = e.getValue().onlyKeys(Set.of("bodies"));
      Map<Integer, String> bodies = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigNode> b : s.get("bodies").entries().entrySet()) {
        int status;
        try {
          status = Integer.parseInt(b.getKey());
        } catch (NumberFormatException ex) {
          throw new ConfigException(b.getValue().path(), "must be keyed by an HTTP status such as 404");
        }
        if (status < 400 || status > 599) {
          throw new ConfigException(b.getValue().path(), "must be an error status between 400 and 599");
        }
        bodies.put(status, b.getValue().text(""));
      }
      styles.put(e.getKey(), ErrorStyle.text(bodies));
    }
    String defaultStyle = g.get("error_style").text(Route.ERROR_STYLE_ENVELOPE);
    if (!styles.containsKey(defaultStyle)) {
      throw new ConfigException("gateway.error_style", "names no style (known: " + String.join(", ", styles.keySet()) + ")");
    }
    List<Upstream> upstreams = new ArrayList<>();
    for (Map.Entry<String, ConfigNode> e : g.get("upstreams").entries().entrySet()) {
      ConfigNode u = e.getValue().onlyKeys(Set.of("url", "connect_timeout_ms", "response_timeout_ms", "pool_size"));
      String url = u.get("url").text(null);
      if (url == null) {
        throw new ConfigException(u.path() + ".url", "is required");
      }
      try {
        upstreams.add(new Upstream(e.getKey(), URI.create(url),
            Duration.ofMillis(u.get("connect_timeout_ms").integer((int) Upstream.DEFAULT_CONNECT_TIMEOUT.toMillis(), 1, 600_000)),
            Duration.ofMillis(u.get("response_timeout_ms").integer((int) Upstream.DEFAULT_RESPONSE_TIMEOUT.toMillis(), 1, 3_600_000)),
            u.get("pool_size").integer(Upstream.DEFAULT_POOL_SIZE, 1, 10_000)));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(u.path() + ".url", ex.getMessage());
      }
    }
    Map<String, Upstream> upstreamsByName = new HashMap<>();
    upstreams.forEach(u -> upstreamsByName.put(u.name(), u));
    Set<String> upstreamNames = upstreamsByName.keySet();
    Map<Route, Upstream.Timeouts> timeouts = new java.util.IdentityHashMap<>();
    Map<Route, PathRewrite> rewrites = new java.util.IdentityHashMap<>();
    List<Route> routes = new ArrayList<>();
    List<ConfigNode> routeNodes = g.get("routes").elements();
    for (int i = 0; i < routeNodes.size(); i++) {
      Route r = route(routeNodes.get(i), "gateway.routes[" + i + "]", vocabulary);
      String up = r.upstream();
      if (!upstreamNames.contains(up)) {
        throw new ConfigException("gateway.routes[" + i + "].upstream", "names no upstream \"" + up + "\" (known: "
            + String.join(", ", upstreamNames) + ")");
      }
      if (r.errorStyle() != null && !styles.containsKey(r.errorStyle())) {
        throw new ConfigException("gateway.routes[" + i + "].error_style", "names no style \"" + r.errorStyle() + "\"");
      }
      routes.add(r);
      PathRewrite rewrite = rewrite(routeNodes.get(i), "gateway.routes[" + i + "]", r);
      if (!rewrite.isNone()) {
        rewrites.put(r, rewrite);
      }
      ConfigNode connect = routeNodes.get(i).get("connect_timeout_ms");
      ConfigNode response = routeNodes.get(i).get("response_timeout_ms");
      if (!connect.isMissing() || !response.isMissing()) {
        Upstream u = upstreamsByName.get(up);
        timeouts.put(r, new Upstream.Timeouts(
            Duration.ofMillis(connect.integer((int) u.connectTimeout().toMillis(), 1, 600_000)),
            Duration.ofMillis(response.integer((int) u.responseTimeout().toMillis(), 1, 3_600_000))));
      }
    }
    RouteTable table;
    try {
      table = RouteTable.of(routes, "gateway.routes");
    } catch (RouteConfigException e) {
      throw new ConfigException(e.setting(), e.problem());
    }
    return new GatewayConfig(List.copyOf(upstreams), table, Map.copyOf(styles), defaultStyle, identity, List.copyOf(proxies),
        java.util.Collections.unmodifiableMap(timeouts), java.util.Collections.unmodifiableMap(rewrites));
  }

  /** The route's {@code strip_prefix} or {@code rewrite}, checked against its path pattern. */
  private static PathRewrite rewrite(ConfigNode n, String setting, Route r) {
    ConfigNode strip = n.get("strip_prefix");
    ConfigNode rewrite = n.get("rewrite");
    if (!strip.isMissing() && !rewrite.isMissing()) {
      throw new ConfigException(setting + ".rewrite", "route " + r.id() + " gives both strip_prefix and rewrite; give one");
    }
    String field = setting + (strip.isMissing() ? ".rewrite" : ".strip_prefix");
    try {
      if (!strip.isMissing()) {
        if (strip.isBoolean()) {
          return strip.bool(false) ? PathRewrite.stripPrefix(r.path(), null) : PathRewrite.NONE;
        }
        return PathRewrite.stripPrefix(r.path(), strip.text(null));
      }
      if (!rewrite.isMissing()) {
        return PathRewrite.template(r.path(), rewrite.text(null));
      }
      return PathRewrite.NONE;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field, "route " + r.id() + ": " + e.getMessage());
    }
  }

  private static Route route(ConfigNode n, String setting, ScopeVocabulary vocabulary) {
    n.onlyKeys(Set.of("id", "methods", "host", "path", "authentication", "key_types", "public", "scopes",
        "scopes_by_method", "abilities", "project", "upstream", "error_style", "group", "credentials", "strip_credential",
        "connect_timeout_ms", "response_timeout_ms", "strip_prefix", "rewrite"));
    try {
      Route.Builder b = Route.builder(setting, vocabulary);
      String id = n.get("id").text(null);
      if (id != null) {
        b.id(id);
      }
      List<String> methods = n.get("methods").strings(null);
      if (methods != null) {
        b.methods(methods);
      }
      String host = n.get("host").text(null);
      if (host != null) {
        b.host(host);
      }
      String path = n.get("path").text(null);
      if (path == null) {
        throw new ConfigException(setting + ".path", "is required");
      }
      b.path(path);
      String auth = n.get("authentication").text(null);
      if (auth != null) {
        Authentication a = Authentication.fromWire(auth);
        if (a == null) {
          throw new ConfigException(setting + ".authentication", "must be required, optional or none");
        }
        b.authentication(a);
      }
      List<String> types = n.get("key_types").strings(null);
      if (types != null) {
        List<KeyType> kt = new ArrayList<>();
        for (String t : types) {
          KeyType k = KeyType.fromWire(t);
          if (k == null) {
            throw new ConfigException(setting + ".key_types", "must list secret and/or publishable, not " + t);
          }
          kt.add(k);
        }
        b.keyTypes(kt);
      }
      Boolean isPublic = n.get("public").bool(null);
      if (isPublic != null) {
        b.publicRoute(isPublic);
      }
      scopes(n.get("scopes"), b, null);
      for (Map.Entry<String, ConfigNode> e : n.get("scopes_by_method").entries().entrySet()) {
        scopes(e.getValue(), b, e.getKey().toUpperCase(Locale.ROOT));
      }
      Map<String, ConfigNode> abilities = n.get("abilities").entries();
      if (!abilities.isEmpty()) {
        Map<String, String> m = new LinkedHashMap<>();
        abilities.forEach((k, v) -> m.put(k, v.text(null)));
        b.abilities(m);
      }
      ConfigNode p = n.get("project");
      if (!p.isMissing()) {
        p.onlyKeys(Set.of("header", "path_parameter", "selection"));
        String header = p.get("header").text(null);
        String param = p.get("path_parameter").text(null);
        String sel = p.get("selection").text(null);
        if (header != null) {
          b.projectFromHeader(selection(sel == null ? "required" : sel, setting), header);
        } else if (param != null) {
          b.projectFromPathParameter(param);
        } else if ("default_fallback".equals(sel)) {
          b.project(io.keywarden.core.routes.ProjectRule.defaultProject());
        } else {
          throw new ConfigException(setting + ".project", "needs header or path_parameter (or selection: default_fallback)");
        }
      }
      b.upstream(n.get("upstream").text(Route.DEFAULT_UPSTREAM));
      String style = n.get("error_style").text(null);
      if (style != null) {
        b.errorStyle(style);
      }
      String group = n.get("group").text(null);
      if (group != null) {
        b.group(group);
      }
      List<String> creds = n.get("credentials").strings(null);
      if (creds != null) {
        List<CredentialSource> sources = new ArrayList<>();
        for (String c : creds) {
          sources.add(credential(c, setting + ".credentials"));
        }
        b.credentials(sources);
      }
      Boolean strip = n.get("strip_credential").bool(null);
      if (strip != null) {
        b.stripCredential(strip);
      }
      return b.build();
    } catch (RouteConfigException e) {
      throw new ConfigException(e.setting(), e.problem());
    }
  }

  private static void scopes(ConfigNode node, Route.Builder b, String method) {
    if (node.isMissing()) {
      return;
    }
    List<ConfigNode> items = node.elements();
    boolean alternatives = !items.isEmpty() && items.stream().allMatch(ConfigNode::isList);
    if (alternatives) {
      List<List<String>> alts = items.stream().map(i -> i.strings(List.of())).toList();
      if (method == null) {
        b.scopesAnyOf(alts);
      } else {
        b.scopesFor(method, alts);
      }
    } else {
      String[] all = node.strings(List.of()).toArray(new String[0]);
      if (method == null) {
        b.scopes(all);
      } else {
        b.scopesFor(method, all);
      }
    }
  }

  private static ProjectSelection selection(String text, String setting) {
    return switch (text) {
      case "required" -> ProjectSelection.REQUIRED;
      case "optional" -> ProjectSelection.OPTIONAL;
      case "default_fallback" -> ProjectSelection.DEFAULT_FALLBACK;
      default -> throw new ConfigException(setting + ".project.selection", "must be required, optional or default_fallback");
    };
  }

  private static CredentialSource credential(String text, String setting) {
    if ("bearer".equals(text)) {
      return CredentialSource.bearer();
    }
    int colon = text.indexOf(':');
    if (colon > 0) {
      String kind = text.substring(0, colon);
      String name = text.substring(colon + 1);
      return switch (kind) {
        case "bearer" -> CredentialSource.of(CredentialSource.Kind.BEARER, name, setting);
        case "header" -> CredentialSource.of(CredentialSource.Kind.HEADER, name, setting);
        case "query" -> CredentialSource.of(CredentialSource.Kind.QUERY, name, setting);
        default -> throw new ConfigException(setting, "\"" + text + "\" must be bearer, bearer:<header>, header:<name> or query:<name>");
      };
    }
    throw new ConfigException(setting, "\"" + text + "\" must be bearer, bearer:<header>, header:<name> or query:<name>");
  }
}
