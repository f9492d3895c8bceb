package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keywarden.core.routes.PathPattern;
import io.keywarden.core.routes.RequestPath;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.core.routes.RouteTable;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The route matcher ({@link RouteTable}) over a table shaped like the reference systems' (literals,
 * parameters, catch-alls, host-limited routes, method sets): any method, Host and raw path gives a
 * match, 404, 405 or a refused path, never an exception; a match's route pattern matches the path
 * too; and a match's parameters, re-rendered into its pattern, match the same route with the same
 * parameters (what the gateway authorizes is what the pattern names).
 */
class RouteTableFuzzTest {
  private static final RouteTable TABLE = FuzzRoutes.TABLE;

  @FuzzTest(maxDuration = "30s")
  void aMatchedRoutesParametersRenderBackIntoAPathOfTheSameRoute(byte[] bytes) {
    // Seed files: the method, the Host ("-" for none), then the raw path.
    FuzzInput in = new FuzzInput(bytes);
    String method = in.line();
    String host = in.line();
    if (host.equals("-")) {
      host = null;
    }
    String raw = in.restAsString();
    if (method.isEmpty()) {
      method = "GET";
    }
    RouteMatch match = TABLE.match(method, host, raw);
    assertThat(match).isNotNull();
    if (!(match instanceof RouteMatch.Matched matched)) {
      if (match instanceof RouteMatch.MethodNotAllowed na) {
        assertThat(na.allowed()).isNotEmpty();
        assertThat(na.allowHeader()).isNotBlank();
      }
      return;
    }
    Route route = matched.route();
    RequestPath path = RequestPath.parse(raw);
    assertThat(path.isRefused()).isFalse();
    assertThat(route.path().match(path)).as("%s matched %s", raw, route.id()).isNotNull();
    Map<String, String> params = matched.params().asMap();
    assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(route.path().parameterNames());

    StringBuilder rendered = new StringBuilder();
    for (PathPattern.Segment seg : route.path().segments()) {
      switch (seg.kind()) {
        case LITERAL -> rendered.append('/').append(Paths.encodeSegment(seg.value()));
        case PARAMETER -> {
          String v = params.get(seg.value());
          assertThat(v).isNotEmpty().doesNotContain("/");
          rendered.append('/').append(Paths.encodeSegment(v));
        }
        case CATCH_ALL -> {
          String v = params.get(seg.value());
          if (!v.isEmpty()) {
            for (String piece : v.split("/", -1)) {
              rendered.append('/').append(Paths.encodeSegment(piece));
            }
          }
        }
      }
    }
    String again = rendered.isEmpty() ? "/" : rendered.toString();
    RouteMatch second = TABLE.match(method, host, again);
    assertThat(second).as("%s re-rendered as %s", raw, again).isInstanceOf(RouteMatch.Matched.class);
    RouteMatch.Matched m2 = (RouteMatch.Matched) second;
    assertThat(m2.route().id()).as("%s re-rendered as %s", raw, again).isEqualTo(route.id());
    assertThat(m2.params().asMap()).isEqualTo(params);
  }
}
