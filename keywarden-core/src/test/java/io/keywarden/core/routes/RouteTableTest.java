package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matching requests to routes: precedence, methods, hosts, refused paths and table checks. */
class RouteTableTest {
  static final ScopeVocabulary VOCABULARY = ScopeVocabulary.defaults();

  /** A route named by its id, e.g. {@code r("GET /v1/{id}")} or {@code r("a", "GET,POST", "/x", "*.example.com")}. */
  static Route r(String id, String methods, String path, String host) {
    Route.Builder b = Route.builder("routes[?]", VOCABULARY).id(id).path(path).host(host);
    if (!methods.equals("*")) {
      b.methods(methods.split(","));
    }
    return b.build();
  }

  static Route r(String methodAndPath) {
    String[] parts = methodAndPath.split(" ");
    return r(methodAndPath.replace(' ', '_'), parts[0], parts[1], null);
  }

  static RouteTable table(Route... routes) {
    return RouteTable.of(List.of(routes));
  }

  static String matched(RouteTable t, String method, String path) {
    return matched(t, method, null, path);
  }

  static String matched(RouteTable t, String method, String host, String path) {
    RouteMatch m = t.match(method, host, path);
    assertThat(m).as("%s %s %s", method, host, path).isInstanceOf(RouteMatch.Matched.class);
    return ((RouteMatch.Matched) m).route().id();
  }

  static PathParams params(RouteTable t, String method, String path) {
    return ((RouteMatch.Matched) t.match(method, null, path)).params();
  }

  // Precedence -------------------------------------------------------------------------------

  @Test
  void aLiteralBeatsAParameterAtTheSamePosition() {
    RouteTable t = table(r("GET /v1/projects/{id}"), r("GET /v1/projects/current"));
    assertThat(matched(t, "GET", "/v1/projects/current")).isEqualTo("GET_/v1/projects/current");
    assertThat(matched(t, "GET", "/v1/projects/p_1")).isEqualTo("GET_/v1/projects/{id}");
    assertThat(params(t, "GET", "/v1/projects/p_1").get("id")).isEqualTo("p_1");
    assertThat(params(t, "GET", "/v1/projects/current").isEmpty()).isTrue();
  }

  @Test
  void anEncodedLiteralIsStillThatLiteral() {
    RouteTable t = table(r("GET /v1/projects/{id}"), r("GET /v1/projects/current"));
    assertThat(matched(t, "GET", "/v1/projects/%63urrent")).isEqualTo("GET_/v1/projects/current");
    assertThat(matched(t, "GET", "/v1/%70rojects/current")).isEqualTo("GET_/v1/projects/current");
  }

  @Test
  void aLiteralBeatsACatchAll() {
    RouteTable t = table(r("GET /v1/{rest*}"), r("GET /v1/regions"));
    assertThat(matched(t, "GET", "/v1/regions")).isEqualTo("GET_/v1/regions");
    assertThat(matched(t, "GET", "/v1/regions/")).isEqualTo("GET_/v1/regions");
    assertThat(matched(t, "GET", "/v1/regions/eu")).isEqualTo("GET_/v1/{rest*}");
    assertThat(matched(t, "GET", "/v1")).isEqualTo("GET_/v1/{rest*}");
    assertThat(params(t, "GET", "/v1/regions/eu/x").get("rest")).isEqualTo("regions/eu/x");
  }

  @Test
  void literalsAreComparedFromLeftToRight() {
    // At position 1, "projects" beats {kind}, whatever follows.
    RouteTable t = table(r("GET /v1/{kind}/current"), r("GET /v1/projects/{id}"));
    assertThat(matched(t, "GET", "/v1/projects/current")).isEqualTo("GET_/v1/projects/{id}");
    assertThat(matched(t, "GET", "/v1/apps/current")).isEqualTo("GET_/v1/{kind}/current");
  }

  @Test
  void aParameterBeatsACatchAllAtTheSamePosition() {
    RouteTable t = table(r("GET /v1/{rest*}"), r("GET /v1/{id}"));
    assertThat(matched(t, "GET", "/v1/x")).isEqualTo("GET_/v1/{id}");
    assertThat(matched(t, "GET", "/v1/x/y")).isEqualTo("GET_/v1/{rest*}");
  }

  @Test
  void theLongerCatchAllPatternWins() {
    RouteTable t = table(r("GET /v1/{rest*}"), r("GET /v1/apps/{rest*}"));
    assertThat(matched(t, "GET", "/v1/apps/a/b")).isEqualTo("GET_/v1/apps/{rest*}");
    assertThat(matched(t, "GET", "/v1/apps")).isEqualTo("GET_/v1/apps/{rest*}");
    assertThat(matched(t, "GET", "/v1/other/a")).isEqualTo("GET_/v1/{rest*}");
  }

  @Test
  void aPatternWithoutCatchAllBeatsOneWhoseCatchAllIsEmpty() {
    RouteTable t = table(r("GET /v1/{id}/{rest*}"), r("GET /v1/{id}"));
    assertThat(matched(t, "GET", "/v1/7")).isEqualTo("GET_/v1/{id}");
    assertThat(matched(t, "GET", "/v1/7/x")).isEqualTo("GET_/v1/{id}/{rest*}");
  }

  @Test
  void aDeadEndLiteralBranchFallsBackToTheParameter() {
    RouteTable t = table(r("GET /v1/projects/current/settings"), r("GET /v1/projects/{id}/apps"));
    assertThat(matched(t, "GET", "/v1/projects/current/apps")).isEqualTo("GET_/v1/projects/{id}/apps");
    assertThat(params(t, "GET", "/v1/projects/current/apps").get("id")).isEqualTo("current");
  }

  @Test
  void aDeadEndBranchFallsBackToAnEarlierCatchAll() {
    RouteTable t = table(r("GET /{all*}"), r("GET /v1/a/b/c"));
    assertThat(matched(t, "GET", "/v1/a/b")).isEqualTo("GET_/{all*}");
    assertThat(params(t, "GET", "/v1/a/b").get("all")).isEqualTo("v1/a/b");
  }

  @Test
  void theFirstDeclaredRouteWinsATie() {
    Route first = r("first", "GET", "/v1/{id}", null);
    Route second = r("second", "GET,POST", "/v1/{other}", null);
    RouteTable t = table(first, second);
    assertThat(matched(t, "GET", "/v1/x")).isEqualTo("first");
    assertThat(matched(t, "POST", "/v1/x")).isEqualTo("second");
    assertThat(((RouteMatch.Matched) t.match("POST", null, "/v1/x")).params().get("other"))
        .isEqualTo("x");
  }

  @Test
  void theRootMatchesOnlyTheRoot() {
    RouteTable t = table(r("GET /"), r("GET /v1"));
    assertThat(matched(t, "GET", "/")).isEqualTo("GET_/");
    assertThat(matched(t, "GET", "/v1/")).isEqualTo("GET_/v1");
    assertThat(t.match("GET", null, "/v2")).isEqualTo(RouteMatch.NotFound.INSTANCE);
  }

  // Methods ----------------------------------------------------------------------------------

  @Test
  void theMethodFiltersBeforePrecedence() {
    RouteTable t = table(r("GET /v1/projects/current"), r("DELETE /v1/projects/{id}"));
    assertThat(matched(t, "DELETE", "/v1/projects/current")).isEqualTo("DELETE_/v1/projects/{id}");
    assertThat(matched(t, "GET", "/v1/projects/current")).isEqualTo("GET_/v1/projects/current");
  }

  @Test
  void aMatchingPathWithoutTheMethodIsMethodNotAllowedWithTheAllowedMethods() {
    RouteTable t = table(r("GET /v1/apps/{id}"), r("DELETE /v1/apps/{id}"), r("POST /v1/{rest*}"),
        r("PUT /v1/apps/{id}/env"));
    RouteMatch m = t.match("PATCH", null, "/v1/apps/7");
    assertThat(m).isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "POST", "DELETE")));
    assertThat(((RouteMatch.MethodNotAllowed) m).allowHeader()).isEqualTo("GET, HEAD, POST, DELETE");
    assertThat(m.outcome()).isEqualTo(RouteMatch.Outcome.METHOD_NOT_ALLOWED);
  }

  @Test
  void aPathThatNoRouteMatchesIsNotFound() {
    RouteTable t = table(r("GET /v1/apps/{id}"));
    assertThat(t.match("GET", null, "/v1/apps")).isEqualTo(RouteMatch.NotFound.INSTANCE);
    assertThat(t.match("DELETE", null, "/v1/apps/7/x").outcome()).isEqualTo(RouteMatch.Outcome.NOT_FOUND);
    assertThat(RouteTable.EMPTY.match("GET", null, "/").outcome()).isEqualTo(RouteMatch.Outcome.NOT_FOUND);
  }

  @Test
  void aRouteWithoutMethodsAcceptsEveryMethod() {
    RouteTable t = table(r("any", "*", "/v1/x", null));
    for (String m : List.of("GET", "HEAD", "POST", "DELETE", "OPTIONS", "PROPFIND")) {
      assertThat(matched(t, m, "/v1/x")).isEqualTo("any");
    }
  }

  @Test
  void methodsAreCaseSensitiveOnTheWire() {
    RouteTable t = table(r("GET /v1/x"));
    assertThat(t.match("get", null, "/v1/x")).isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD")));
  }

  @Test
  void extensionMethodsAreMatchedAndListed() {
    RouteTable t = table(r("PROPFIND /dav/{path*}"), r("GET /dav/{path*}"));
    assertThat(matched(t, "PROPFIND", "/dav/a/b")).isEqualTo("PROPFIND_/dav/{path*}");
    assertThat(t.match("MKCOL", null, "/dav/a"))
        .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "PROPFIND")));
  }

  @Test
  void headMatchesAGetRoute() {
    RouteTable t = table(r("GET /v1/regions"));
    assertThat(matched(t, "HEAD", "/v1/regions")).isEqualTo("GET_/v1/regions");
  }

  @Test
  void aDeclaredHeadRouteBeatsTheGetRouteOfTheSamePattern() {
    RouteTable t = table(r("GET /v1/regions"), r("HEAD /v1/regions"));
    assertThat(matched(t, "HEAD", "/v1/regions")).isEqualTo("HEAD_/v1/regions");
    assertThat(matched(t, "GET", "/v1/regions")).isEqualTo("GET_/v1/regions");
  }

  @Test
  void aMorePreciseGetRouteBeatsALessPreciseHeadRoute() {
    RouteTable t = table(r("HEAD /v1/{rest*}"), r("GET /v1/regions"));
    assertThat(matched(t, "HEAD", "/v1/regions")).isEqualTo("GET_/v1/regions");
    assertThat(matched(t, "HEAD", "/v1/apps")).isEqualTo("HEAD_/v1/{rest*}");
  }

  @Test
  void headIsNotAcceptedWhereGetIsNot() {
    RouteTable t = table(r("POST /v1/x"));
    assertThat(t.match("HEAD", null, "/v1/x")).isEqualTo(new RouteMatch.MethodNotAllowed(List.of("POST")));
  }

  // Hosts ------------------------------------------------------------------------------------

  @Test
  void anExactHostBeatsAWildcardWhichBeatsNoHost() {
    RouteTable t = table(
        r("any", "GET", "/v1/x", null),
        r("wild", "GET", "/v1/x", "*.example.com"),
        r("wilder", "GET", "/v1/x", "*.api.example.com"),
        r("exact", "GET", "/v1/x", "eu.api.example.com"));
    assertThat(matched(t, "GET", "eu.api.example.com", "/v1/x")).isEqualTo("exact");
    assertThat(matched(t, "GET", "us.api.example.com", "/v1/x")).isEqualTo("wilder");
    assertThat(matched(t, "GET", "www.example.com", "/v1/x")).isEqualTo("wild");
    assertThat(matched(t, "GET", "example.com", "/v1/x")).isEqualTo("any");
    assertThat(matched(t, "GET", null, "/v1/x")).isEqualTo("any");
  }

  @Test
  void pathPrecedenceComesBeforeHostPrecedence() {
    RouteTable t = table(r("hosted", "GET", "/v1/{id}", "api.example.com"), r("literal", "GET", "/v1/me", null));
    assertThat(matched(t, "GET", "api.example.com", "/v1/me")).isEqualTo("literal");
    assertThat(matched(t, "GET", "api.example.com", "/v1/you")).isEqualTo("hosted");
  }

  @Test
  void hostsCompareIgnoringCasePortAndATrailingDot() {
    RouteTable t = table(r("exact", "GET", "/x", "api.example.com"), r("wild", "GET", "/y", "*.example.com"));
    for (String h : List.of("api.example.com", "API.Example.COM", "api.example.com:8443",
        "api.example.com.", "api.example.com.:443")) {
      assertThat(matched(t, "GET", h, "/x")).as(h).isEqualTo("exact");
      assertThat(matched(t, "GET", h, "/y")).as(h).isEqualTo("wild");
    }
  }

  @Test
  void aWildcardDoesNotMatchTheBareDomainOrLookalikes() {
    RouteTable t = table(r("wild", "GET", "/x", "*.example.com"));
    for (String h : List.of("example.com", "evilexample.com", "a.example.com.evil.com",
        ".example.com", "a..example.com", "a.example.com/x", "a.example.com:x", "a b.example.com",
        "a.example.com:")) {
      assertThat(t.match("GET", h, "/x")).as(h).isEqualTo(RouteMatch.NotFound.INSTANCE);
    }
    assertThat(matched(t, "GET", "a.b.example.com", "/x")).isEqualTo("wild");
  }

  @Test
  void aHostLimitedRouteIsNotFoundFromAnotherHost() {
    RouteTable t = table(r("exact", "GET", "/x", "api.example.com"));
    assertThat(t.match("GET", "other.example.com", "/x")).isEqualTo(RouteMatch.NotFound.INSTANCE);
    assertThat(t.match("GET", null, "/x")).isEqualTo(RouteMatch.NotFound.INSTANCE);
  }

  @Test
  void methodNotAllowedConsidersOnlyRoutesOfTheRequestHost() {
    RouteTable t = table(r("a", "GET", "/x", "a.example.com"), r("b", "POST", "/x", "b.example.com"));
    assertThat(t.match("DELETE", "a.example.com", "/x")).isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD")));
    assertThat(t.match("DELETE", "c.example.com", "/x")).isEqualTo(RouteMatch.NotFound.INSTANCE);
  }

  @Test
  void ipLiteralHostsMatchExactly() {
    RouteTable t = table(r("v4", "GET", "/x", "127.0.0.1"), r("v6", "GET", "/y", "[::1]"));
    assertThat(matched(t, "GET", "127.0.0.1:8080", "/x")).isEqualTo("v4");
    assertThat(matched(t, "GET", "[::1]:8080", "/y")).isEqualTo("v6");
    assertThat(matched(t, "GET", "[::1]", "/y")).isEqualTo("v6");
    assertThat(t.match("GET", "[::2]", "/y")).isEqualTo(RouteMatch.NotFound.INSTANCE);
  }

  // Refused paths ----------------------------------------------------------------------------

  @Test
  void aDotSegmentNeverReachesAPublicRouteOrTheRouteItResolvesTo() {
    RouteTable t = table(r("public", "GET", "/v1/public/{rest*}", null), r("admin", "GET", "/v1/admin", null),
        r("all", "*", "/{all*}", null));
    for (String p : List.of("/v1/public/../admin", "/v1/public/%2e%2e/admin",
        "/v1/public/.%2E/admin", "/v1/public/%2e%2e%2fadmin", "/v1/public/..%5cadmin",
        "/v1/public\\..\\admin", "/v1/public/./../admin", "/v1/public//../admin")) {
      assertThat(t.match("GET", null, p)).as(p).isInstanceOf(RouteMatch.BadPath.class);
    }
    assertThat(t.match("GET", null, "/v1/public/../admin"))
        .isEqualTo(new RouteMatch.BadPath(PathProblem.DOT_SEGMENT));
  }

  @Test
  void aSemicolonCannotSmuggleAPathPastALiteral() {
    RouteTable t = table(r("admin", "GET", "/v1/admin", null), r("rest", "GET", "/v1/{rest*}", null));
    assertThat(t.match("GET", null, "/v1/admin;jsessionid=x"))
        .isEqualTo(new RouteMatch.BadPath(PathProblem.PATH_PARAMETER));
    assertThat(matched(t, "GET", "/v1/%61dmin")).isEqualTo("admin");
  }

  @Test
  void aRefusedPathIsBadPathEvenWithoutRoutes() {
    assertThat(RouteTable.EMPTY.match("GET", null, "/a//b").outcome())
        .isEqualTo(RouteMatch.Outcome.BAD_PATH);
  }

  @Test
  void aParsedPathCanBeMatchedDirectly() {
    RouteTable t = table(r("GET /v1/{id}"));
    RequestPath p = RequestPath.parse("/v1/a%20b?x=1");
    RouteMatch m = t.match("GET", "h", p);
    assertThat(m).isEqualTo(new RouteMatch.Matched(t.route("GET_/v1/{id}"),
        t.route("GET_/v1/{id}").path().match(p)));
    assertThat(((RouteMatch.Matched) m).params().asMap()).isEqualTo(Map.of("id", "a b"));
  }

  // Table checks -----------------------------------------------------------------------------

  @Test
  void aRepeatedIdIsAnError() {
    assertThatThrownBy(() -> table(r("x", "GET", "/a", null), r("x", "GET", "/b", null)))
        .isInstanceOf(RouteConfigException.class)
        .hasMessage("routes[1].id: \"x\" is already used by routes[0]");
  }

  @Test
  void aRouteThatCanNeverMatchIsAnError() {
    assertThatThrownBy(() -> table(r("a", "GET,POST", "/v1/{id}", null), r("b", "POST", "/v1/{other}", null)))
        .isInstanceOf(RouteConfigException.class)
        .hasMessage("routes[1]: never matches: routes[0] (\"a\") has the same path, host and methods");
    assertThatThrownBy(() -> RouteTable.of(List.of(r("a", "*", "/v1", null), r("b", "GET", "/v1", null)), "gateway.routes"))
        .hasMessageStartingWith("gateway.routes[1]: never matches");
  }

  @Test
  void overlappingRoutesThatCanStillMatchAreAllowed() {
    RouteTable t = table(r("a", "GET", "/v1/{id}", null), r("b", "GET", "/v1/{id}", "api.example.com"),
        r("c", "GET,POST", "/v1/{id}", null), r("d", "*", "/v1/{id}", null));
    assertThat(matched(t, "POST", "/v1/x")).isEqualTo("c");
    assertThat(matched(t, "PUT", "/v1/x")).isEqualTo("d");
    assertThat(matched(t, "HEAD", "/v1/x")).isEqualTo("d");
    assertThat(matched(t, "GET", "api.example.com", "/v1/x")).isEqualTo("b");
  }

  @Test
  void aDeclaredHeadRouteAfterAnAnyMethodRouteCanNeverMatch() {
    assertThatThrownBy(() -> table(r("d", "*", "/v1/{id}", null), r("e", "HEAD", "/v1/{id}", null)))
        .hasMessageStartingWith("routes[1]: never matches: routes[0]");
  }

  @Test
  void routesAreFoundById() {
    RouteTable t = table(r("GET /a"), r("GET /b"));
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.route("GET_/b").path().text()).isEqualTo("/b");
    assertThat(t.route("nope")).isNull();
    assertThat(t.routes()).extracting(Route::id).containsExactly("GET_/a", "GET_/b");
  }

  @Test
  void aWideTableStillFindsEveryLiteral() {
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      routes.add(r("r" + i, "GET", "/v1/res" + i + "/{id}", null));
    }
    RouteTable t = RouteTable.of(routes);
    for (int i = 0; i < 300; i++) {
      assertThat(matched(t, "GET", "/v1/res" + i + "/x")).isEqualTo("r" + i);
    }
    assertThat(t.match("GET", null, "/v1/res300/x")).isEqualTo(RouteMatch.NotFound.INSTANCE);
    assertThat(matched(t, "GET", "/v1/re%73150/x")).isEqualTo("r150");
  }
}
