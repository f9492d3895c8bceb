package io.keywarden.bench;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.routes.RequestPath;
import io.keywarden.core.routes.Route;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.core.routes.RouteTable;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route matching on a table of 50 routes (the reference systems' endpoints plus a generated API
 * with overlapping literals, parameters and catch-alls), single thread.
 *
 * <ul>
 *   <li>{@code deepPathTwoParams}: {@code GET /v1/projects/{project}/applications/{id}/deployments}
 *       from the raw path (goal: well under 200 ns); parameters are decoded when read;
 *   <li>{@code deepPathTwoParamsRead}: the same, then both parameter values read;
 *   <li>{@code deepPathTwoParamsEscaped}: the same with a percent-encoded parameter;
 *   <li>{@code literalOnly}: {@code GET /v1/regions}, no parameters;
 *   <li>{@code methodNotAllowed}: a matching path with a method no route accepts (second walk);
 *   <li>{@code notFound}: a path that leaves the trie at the third segment;
 *   <li>{@code refusedDotSegment}: {@code /v1/public/../admin}, refused while parsing.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class RouteMatchBenchmark {
  private RouteTable table;

  @Setup(Level.Trial)
  public void setUp() {
    ScopeVocabulary v = ScopeVocabulary.of(
        ScopeDefinition.of("read"), ScopeDefinition.of("write"), ScopeDefinition.of("deploy"),
        ScopeDefinition.of("env:read"), ScopeDefinition.of("env:write"),
        ScopeDefinition.of("logs:read"), ScopeDefinition.of("admin", "*"));
    List<Route> routes = new ArrayList<>();
    String[][] fixed = {
        {"GET", "/v1/regions"}, {"GET", "/v1/projects"}, {"GET", "/v1/projects/current"},
        {"GET", "/v1/projects/{project}"}, {"DELETE", "/v1/projects/{project}"},
        {"GET", "/v1/applications"}, {"POST", "/v1/applications/{id}/deployments"},
        {"GET", "/v1/applications/{id}/env"}, {"PUT", "/v1/applications/{id}/env"},
        {"GET", "/v1/applications/{id}/logs"}, {"POST", "/v1/domains"},
        {"GET", "/v1/deployments"}, {"POST", "/v1/deployments"},
        {"POST", "/v1/deployments/{id}/rollback"}, {"GET", "/v1/migrations"},
        {"POST", "/v1/migrations"}, {"GET", "/v1/migrations/{id}"},
        {"GET", "/provider-deployments"}, {"POST", "/provider-deployments"},
        {"GET", "/api/project"}, {"GET", "/api/collections"}, {"POST", "/api/collections"},
        {"GET", "/api/collections/{collection}/entries"},
        {"PUT", "/api/collections/{collection}/entries/{id}"},
        {"GET", "/api/v1/agents"}, {"POST", "/api/v1/agents"}, {"DELETE", "/api/v1/agents/{id}"},
        {"PATCH", "/api/v1/agents/{id}/status"}, {"POST", "/api/v1/evaluations"},
        {"GET", "/api/v1/audit"}, {"GET", "/v1/public/{rest*}"}, {"GET", "/v1/{rest*}"},
        {"GET", "/v1/projects/{project}/applications"},
        {"GET", "/v1/projects/{project}/applications/{id}"},
        {"GET", "/v1/projects/{project}/applications/{id}/deployments"},
        {"POST", "/v1/projects/{project}/applications/{id}/deployments"},
        {"GET", "/v1/projects/{project}/applications/{id}/env"},
        {"GET", "/v1/projects/{project}/applications/current/deployments"},
        {"GET", "/v1/projects/{project}/applications/{id}/logs"},
        {"GET", "/v1/projects/{project}/domains"}};
    for (String[] f : fixed) {
      routes.add(Route.builder("routes[" + routes.size() + "]", v)
          .id(f[0] + "_" + f[1]).methods(f[0]).path(f[1]).scopes("read")
          .projectFromHeader(ProjectSelection.DEFAULT_FALLBACK, "X-Nodion-Project").build());
    }
    for (String r : List.of("volumes", "networks", "certificates", "webhooks", "tokens",
        "members", "invoices", "regions/{region}/zones", "images", "snapshots")) {
      routes.add(Route.builder("routes[" + routes.size() + "]", v)
          .id("any_/v1/projects/{project}/" + r).path("/v1/projects/{project}/" + r)
          .abilities(Map.of("read", "read", "create", "write", "update", "write", "delete", "admin"))
          .build());
    }
    if (routes.size() != 50) {
      throw new IllegalStateException("expected 50 routes, have " + routes.size());
    }
    table = RouteTable.of(routes);
    check(deepPathTwoParams(), "GET_/v1/projects/{project}/applications/{id}/deployments");
    check(deepPathTwoParamsEscaped(), "GET_/v1/projects/{project}/applications/{id}/deployments");
    check(literalOnly(), "GET_/v1/regions");
    if (methodNotAllowed().outcome() != RouteMatch.Outcome.METHOD_NOT_ALLOWED
        || notFound().outcome() != RouteMatch.Outcome.NOT_FOUND
        || refusedDotSegment().outcome() != RouteMatch.Outcome.BAD_PATH) {
      throw new IllegalStateException("unexpected outcome");
    }
  }

  private static void check(RouteMatch m, String id) {
    if (!(m instanceof RouteMatch.Matched matched) || !matched.route().id().equals(id)) {
      throw new IllegalStateException("expected " + id + ", got " + m);
    }
  }

  @Benchmark
  public RouteMatch deepPathTwoParams() {
    return table.match("GET", "api.example.com",
        "/v1/projects/5903725b-f554-4294-ab17-c992a765a001/applications/app_8f6fbf77/deployments");
  }

  @Benchmark
  public int deepPathTwoParamsRead() {
    RouteMatch.Matched m = (RouteMatch.Matched) deepPathTwoParams();
    return m.params().get("project").length() + m.params().get("id").length();
  }

  @Benchmark
  public RouteMatch deepPathTwoParamsEscaped() {
    return table.match("GET", "api.example.com",
        "/v1/projects/my%20project/applications/app_8f6fbf77/deployments");
  }

  @Benchmark
  public RouteMatch literalOnly() {
    return table.match("GET", "api.example.com", "/v1/regions");
  }

  @Benchmark
  public RouteMatch methodNotAllowed() {
    return table.match("PATCH", "api.example.com", "/v1/applications/app_1/env");
  }

  @Benchmark
  public RouteMatch notFound() {
    return table.match("GET", "api.example.com", "/api/v2/nothing/here");
  }

  @Benchmark
  public RouteMatch refusedDotSegment() {
    return table.match("GET", "api.example.com", "/v1/public/../admin");
  }

  @Benchmark
  public RequestPath parseOnly() {
    return RequestPath.parse(
        "/v1/projects/5903725b-f554-4294-ab17-c992a765a001/applications/app_8f6fbf77/deployments");
  }
}
