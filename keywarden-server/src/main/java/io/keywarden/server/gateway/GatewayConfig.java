package io.keywarden.server.gateway;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.net.CidrBlock;
import io.keywarden.core.routes.Authentication;
import io.keywarden.core.routes.CredentialSource;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteConfigException;
import io.keywarden.core.routes.RouteTable;
import io.keywarden.core.scopes.ScopeVocabulary;
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
 * identity header prefix and the trusted proxies. Parsed on start and again on every reload by the configuration
 * loader ({@code io.keywarden.server.config.GatewaySection}); the gateway owns the type, so the
 * dependency runs one way (config to gateway).
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

  /** The built-in styles (envelope, problem, text), each under its name; a mutable copy. */
  public static Map<String, ErrorStyle> builtInStyles() {
    Map<String, ErrorStyle> m = new HashMap<>();
    m.put(Route.ERROR_STYLE_ENVELOPE, ErrorStyle.ENVELOPE);
    m.put(Route.ERROR_STYLE_PROBLEM, ErrorStyle.PROBLEM);
    m.put(Route.ERROR_STYLE_TEXT, ErrorStyle.text(Map.of()));
    return m;
  }
}
