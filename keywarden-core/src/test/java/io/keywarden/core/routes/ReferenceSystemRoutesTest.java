package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The endpoints of the five reference systems (../shared/seeds, issue 6) written as route tables,
 * each checked to match its documented endpoints with the documented requirement. The routes
 * follow the documents' spelling (scopes, headers, base paths) so the examples can reuse them.
 */
class ReferenceSystemRoutesTest {

  /** A route table over one vocabulary, with helpers to look up what a request needs. */
  static final class ReferenceTable {
    final ScopeVocabulary vocabulary;
    final RouteTable table;
    private final List<Route> routes = new ArrayList<>();

    ReferenceTable(ScopeVocabulary vocabulary, List<UnaryOperator<Route.Builder>> specs) {
      this.vocabulary = vocabulary;
      for (int i = 0; i < specs.size(); i++) {
        routes.add(specs.get(i).apply(Route.builder("routes[" + i + "]", vocabulary)).build());
      }
      this.table = RouteTable.of(routes);
    }

    RouteMatch.Matched match(String method, String path) {
      RouteMatch m = table.match(method, "api.example.com", path);
      assertThat(m).as("%s %s", method, path).isInstanceOf(RouteMatch.Matched.class);
      return (RouteMatch.Matched) m;
    }

    Route route(String method, String path) {
      return match(method, path).route();
    }

    ScopeRequirement requirement(String method, String path) {
      return route(method, path).requirementFor(method);
    }

    /** Whether a key granted {@code grants} (space-separated patterns) passes the scope check. */
    boolean allows(String grants, String method, String path) {
      List<String> g = grants.isBlank() ? List.of() : List.of(grants.trim().split(" +"));
      return requirement(method, path).isSatisfiedBy(vocabulary.grant(g));
    }
  }

  /**
   * Nometria: account-wide bearer keys that reach every project, no scopes; JSON envelopes. The
   * project of a deployment is in the body ({@code project_id}), so no route selects a project.
   */
  @Nested
  class Nometria {
    final ReferenceTable nometria = new ReferenceTable(ScopeVocabulary.defaults(), List.of(
        b -> b.id("projects.list").methods("GET").path("/v1/projects").upstream("nometria"),
        b -> b.id("deployments.create").methods("POST").path("/v1/deployments").upstream("nometria"),
        b -> b.id("deployments.list").methods("GET").path("/v1/deployments").upstream("nometria"),
        b -> b.id("deployments.rollback").methods("POST").path("/v1/deployments/{id}/rollback")
            .upstream("nometria"),
        b -> b.id("migrations.create").methods("POST").path("/v1/migrations").upstream("nometria"),
        b -> b.id("migrations.list").methods("GET").path("/v1/migrations").upstream("nometria"),
        b -> b.id("migrations.get").methods("GET").path("/v1/migrations/{id}")
            .upstream("nometria")));

    @ParameterizedTest(name = "{0} {1} is {2}")
    @CsvSource({
        "GET,  /v1/projects,                      projects.list",
        "POST, /v1/deployments,                   deployments.create",
        "GET,  /v1/deployments,                   deployments.list",
        "GET,  /v1/deployments?cursor=cur_abc123, deployments.list",
        "POST, /v1/deployments/dep_xyz789/rollback, deployments.rollback",
        "POST, /v1/migrations,                    migrations.create",
        "GET,  /v1/migrations,                    migrations.list",
        "GET,  /v1/migrations/mig_1,              migrations.get"})
    void everyDocumentedEndpointHasItsRoute(String method, String path, String id) {
      Route r = nometria.route(method, path);
      assertThat(r.id()).isEqualTo(id);
      assertThat(r.authentication()).isEqualTo(Authentication.REQUIRED);
      assertThat(r.credentials()).containsExactly(CredentialSource.bearer());
      assertThat(r.errorStyle()).isEqualTo(Route.ERROR_STYLE_ENVELOPE);
    }

    @Test
    void apiKeysAreAccountWideSoNoRouteSelectsAProjectOrNeedsAScope() {
      for (Route r : nometria.table.routes()) {
        assertThat(r.project()).isEqualTo(ProjectRule.NONE);
        assertThat(r.scopes().isNone()).isTrue();
        assertThat(r.keyTypes()).containsExactly(KeyType.SECRET);
      }
    }

    @Test
    void aRollbackNamesItsDeployment() {
      assertThat(nometria.match("POST", "/v1/deployments/dep_xyz789/rollback").params().get("id"))
          .isEqualTo("dep_xyz789");
    }

    @Test
    void otherMethodsOnDocumentedPathsAreMethodNotAllowed() {
      assertThat(nometria.table.match("DELETE", null, "/v1/deployments"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "POST")));
      assertThat(nometria.table.match("GET", null, "/v1/deployments/dep_1/rollback"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("POST")));
    }

    @Test
    void undocumentedPathsAreNotFound() {
      assertThat(nometria.table.match("GET", null, "/v1/deployments/dep_1"))
          .isEqualTo(RouteMatch.NotFound.INSTANCE);
      assertThat(nometria.table.match("GET", null, "/v2/projects"))
          .isEqualTo(RouteMatch.NotFound.INSTANCE);
    }
  }

  /**
   * Metorial: publishable {@code metorial_pk_} keys read public data, secret {@code metorial_sk_}
   * keys have full project access; base path is the root.
   */
  @Nested
  class Metorial {
    final ReferenceTable metorial = new ReferenceTable(ScopeVocabulary.defaults(), List.of(
        b -> b.id("provider-deployments.list").methods("GET").path("/provider-deployments")
            .publicRoute(true).upstream("metorial"),
        b -> b.id("provider-deployments.create").methods("POST").path("/provider-deployments")
            .keyTypes(KeyType.SECRET).upstream("metorial")));

    @Test
    void publishableKeysMayListProviderDeployments() {
      Route r = metorial.route("GET", "/provider-deployments");
      assertThat(r.id()).isEqualTo("provider-deployments.list");
      assertThat(r.isPublic()).isTrue();
      assertThat(r.accepts(KeyType.PUBLISHABLE)).isTrue();
      assertThat(r.accepts(KeyType.SECRET)).isTrue();
    }

    @Test
    void onlySecretKeysMayCreateProviderDeployments() {
      Route r = metorial.route("POST", "/provider-deployments");
      assertThat(r.id()).isEqualTo("provider-deployments.create");
      assertThat(r.isPublic()).isFalse();
      assertThat(r.accepts(KeyType.PUBLISHABLE)).isFalse();
      assertThat(r.accepts(KeyType.SECRET)).isTrue();
    }

    @Test
    void headFollowsThePublicReadRoute() {
      assertThat(metorial.route("HEAD", "/provider-deployments").isPublic()).isTrue();
    }

    @Test
    void pagingQueriesDoNotChangeTheRoute() {
      assertThat(metorial.route("GET", "/provider-deployments?after=pd_1&limit=10").id())
          .isEqualTo("provider-deployments.list");
    }
  }

  /**
   * NomaCMS: a required {@code project-id} header on every route, abilities read / create /
   * update / delete / admin per route ({@code *} grants all), plain-text errors.
   */
  @Nested
  class NomaCms {
    static final ScopeVocabulary ABILITIES = ScopeVocabulary.of(
        ScopeDefinition.of("read"), ScopeDefinition.of("create"), ScopeDefinition.of("update"),
        ScopeDefinition.of("delete"), ScopeDefinition.of("admin"));

    static UnaryOperator<Route.Builder> cms(UnaryOperator<Route.Builder> spec) {
      return b -> spec.apply(b.projectFromHeader(ProjectSelection.REQUIRED, "project-id")
          .errorStyle(Route.ERROR_STYLE_TEXT).upstream("nomacms"));
    }

    static Map<String, String> abilities(String... pairs) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < pairs.length; i += 2) {
        m.put(pairs[i], pairs[i + 1]);
      }
      return m;
    }

    final ReferenceTable noma = new ReferenceTable(ABILITIES, List.of(
        cms(b -> b.id("project.get").methods("GET").path("/api/project").scopes("read")),
        cms(b -> b.id("collections.list").methods("GET").path("/api/collections").scopes("read")),
        cms(b -> b.id("collections.create").methods("POST").path("/api/collections")
            .scopes("admin")),
        cms(b -> b.id("entries").path("/api/collections/{collection}/entries")
            .abilities(abilities("read", "read", "create", "create"))),
        cms(b -> b.id("entry").methods("PUT", "DELETE")
            .path("/api/collections/{collection}/entries/{id}")
            .abilities(abilities("update", "update", "delete", "delete")))));

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
        "GET,    /api/project,                      read",
        "GET,    /api/collections,                  read",
        "POST,   /api/collections,                  admin",
        "GET,    /api/collections/blog/entries,     read",
        "HEAD,   /api/collections/blog/entries,     read",
        "POST,   /api/collections/blog/entries,     create",
        "PUT,    /api/collections/blog/entries/e1,  update",
        "DELETE, /api/collections/blog/entries/e1,  delete"})
    void eachRouteNeedsItsAbility(String method, String path, String ability) {
      assertThat(noma.requirement(method, path).alternatives()).containsExactly(List.of(ability));
      assertThat(noma.allows(ability, method, path)).isTrue();
      assertThat(noma.allows("*", method, path)).as("* is full access").isTrue();
      for (String other : List.of("read", "create", "update", "delete", "admin")) {
        if (!other.equals(ability)) {
          assertThat(noma.allows(other, method, path)).as(other).isFalse();
        }
      }
    }

    @Test
    void everyRouteRequiresTheProjectIdHeader() {
      for (Route r : noma.table.routes()) {
        assertThat(r.project()).isEqualTo(ProjectRule.header(ProjectSelection.REQUIRED, "project-id"));
        assertThat(r.errorStyle()).isEqualTo("text");
        assertThat(r.group()).isEqualTo(Route.DEFAULT_GROUP);
      }
    }

    @Test
    void entryRoutesNameTheCollectionAndTheEntry() {
      assertThat(noma.match("PUT", "/api/collections/blog%20posts/entries/e1").params().asMap())
          .containsExactly(Map.entry("collection", "blog posts"), Map.entry("id", "e1"));
    }

    @Test
    void methodsWithoutAnAbilityAreNotAllowed() {
      assertThat(noma.table.match("PATCH", null, "/api/collections/blog/entries/e1"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("PUT", "DELETE")));
      assertThat(noma.table.match("DELETE", null, "/api/collections/blog/entries"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "POST")));
    }
  }

  /**
   * Nodion: user keys with additive scopes read, write, deploy, env:read, env:write, logs:read;
   * {@code X-Nodion-Project} selects the project, falling back to the user's default project.
   */
  @Nested
  class Nodion {
    static final ScopeVocabulary SCOPES = ScopeVocabulary.of(
        ScopeDefinition.of("read"), ScopeDefinition.of("write"), ScopeDefinition.of("deploy"),
        ScopeDefinition.of("env:read"), ScopeDefinition.of("env:write"),
        ScopeDefinition.of("logs:read"));

    static UnaryOperator<Route.Builder> project(UnaryOperator<Route.Builder> spec) {
      return b -> spec.apply(b.projectFromHeader(ProjectSelection.DEFAULT_FALLBACK, "X-Nodion-Project")
          .upstream("nodion"));
    }

    final ReferenceTable nodion = new ReferenceTable(SCOPES, List.of(
        b -> b.id("regions.list").methods("GET").path("/v1/regions").scopes("read").upstream("nodion"),
        b -> b.id("projects.list").methods("GET").path("/v1/projects").scopes("read")
            .upstream("nodion"),
        project(b -> b.id("applications.list").methods("GET").path("/v1/applications").scopes("read")),
        project(b -> b.id("deployments.create").methods("POST")
            .path("/v1/applications/{id}/deployments").scopes("deploy")),
        project(b -> b.id("env").methods("GET", "PUT").path("/v1/applications/{id}/env")
            .scopesFor("GET", "env:read").scopesFor("PUT", "env:write")),
        project(b -> b.id("logs").methods("GET").path("/v1/applications/{id}/logs")
            .scopes("logs:read")),
        project(b -> b.id("domains.create").methods("POST").path("/v1/domains").scopes("write"))));

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
        "GET,  /v1/regions,                    read",
        "GET,  /v1/projects,                   read",
        "GET,  /v1/applications,               read",
        "POST, /v1/applications/a1/deployments, deploy",
        "GET,  /v1/applications/a1/env,        env:read",
        "PUT,  /v1/applications/a1/env,        env:write",
        "GET,  /v1/applications/a1/logs,       logs:read",
        "POST, /v1/domains,                    write"})
    void eachEndpointNeedsItsScope(String method, String path, String scope) {
      assertThat(nodion.requirement(method, path).alternatives()).containsExactly(List.of(scope));
      assertThat(nodion.allows(scope, method, path)).isTrue();
    }

    @Test
    void scopesAreAdditiveAKeyForDeployingAndReadingLogsNeedsReadDeployAndLogsRead() {
      String key = "read deploy logs:read";
      assertThat(nodion.allows(key, "GET", "/v1/applications")).isTrue();
      assertThat(nodion.allows(key, "POST", "/v1/applications/a1/deployments")).isTrue();
      assertThat(nodion.allows(key, "GET", "/v1/applications/a1/logs")).isTrue();
      assertThat(nodion.allows(key, "GET", "/v1/applications/a1/env")).isFalse();
      assertThat(nodion.allows(key, "POST", "/v1/domains")).isFalse();
      assertThat(nodion.allows("read", "POST", "/v1/applications/a1/deployments")).isFalse();
      assertThat(nodion.allows("read", "GET", "/v1/applications/a1/logs")).isFalse();
    }

    @Test
    void envReadAndEnvWriteAreSeparateAndEnvStarGrantsBoth() {
      assertThat(nodion.allows("env:read", "PUT", "/v1/applications/a1/env")).isFalse();
      assertThat(nodion.allows("env:write", "GET", "/v1/applications/a1/env")).isFalse();
      assertThat(nodion.allows("env:*", "GET", "/v1/applications/a1/env")).isTrue();
      assertThat(nodion.allows("env:*", "PUT", "/v1/applications/a1/env")).isTrue();
    }

    @Test
    void projectScopedRoutesReadXNodionProjectAndFallBackToTheDefaultProject() {
      Route r = nodion.route("GET", "/v1/applications");
      assertThat(r.project().source()).isEqualTo(ProjectRule.Source.HEADER);
      assertThat(r.project().name()).isEqualTo("X-Nodion-Project");
      assertThat(r.project().selection()).isEqualTo(ProjectSelection.DEFAULT_FALLBACK);
      assertThat(nodion.route("POST", "/v1/applications/a1/deployments").project())
          .isEqualTo(r.project());
    }

    @Test
    void regionsAndTheProjectListAreNotProjectScoped() {
      assertThat(nodion.route("GET", "/v1/regions").project()).isEqualTo(ProjectRule.NONE);
      assertThat(nodion.route("GET", "/v1/projects").project()).isEqualTo(ProjectRule.NONE);
    }

    @Test
    void deploymentsNameTheirApplication() {
      assertThat(nodion.match("POST", "/v1/applications/5903725b-f554-4294-ab17-c992a765a001/deployments")
          .params().get("id")).isEqualTo("5903725b-f554-4294-ab17-c992a765a001");
    }
  }

  /** Nomotic: scopes read, agentic, write (includes agentic) and admin (everything) under /api/v1. */
  @Nested
  class Nomotic {
    static final ScopeVocabulary SCOPES = ScopeVocabulary.of(
        ScopeDefinition.of("read"), ScopeDefinition.of("agentic"),
        ScopeDefinition.of("write", "agentic"), ScopeDefinition.of("admin", "*"));

    final ReferenceTable nomotic = new ReferenceTable(SCOPES, List.of(
        b -> b.id("agents.list").methods("GET").path("/api/v1/agents").scopes("read"),
        b -> b.id("evaluations.create").methods("POST").path("/api/v1/evaluations").scopes("agentic"),
        b -> b.id("agents.status").methods("PATCH").path("/api/v1/agents/{id}/status")
            .scopes("agentic"),
        b -> b.id("agents.create").methods("POST").path("/api/v1/agents").scopes("write"),
        b -> b.id("policies.create").methods("POST").path("/api/v1/policies").scopes("write"),
        // "Agentic ... allows audit trail reads": read or agentic.
        b -> b.id("audit.list").methods("GET").path("/api/v1/audit")
            .scopesAnyOf(List.of(List.of("read"), List.of("agentic"))),
        b -> b.id("agents.delete").methods("DELETE").path("/api/v1/agents/{id}").scopes("admin")));

    @ParameterizedTest(name = "{1} {2}: read {3}, agentic {4}, write {5}, admin {6}")
    @CsvSource({
        "agents.list,        GET,    /api/v1/agents,           true,  false, false, true",
        "evaluations.create, POST,   /api/v1/evaluations,      false, true,  true,  true",
        "agents.status,      PATCH,  /api/v1/agents/a1/status, false, true,  true,  true",
        "agents.create,      POST,   /api/v1/agents,           false, false, true,  true",
        "policies.create,    POST,   /api/v1/policies,         false, false, true,  true",
        "audit.list,         GET,    /api/v1/audit,            true,  true,  true,  true",
        "agents.delete,      DELETE, /api/v1/agents/a1,        false, false, false, true"})
    void eachScopeReachesWhatTheDocumentSays(String id, String method, String path,
        boolean read, boolean agentic, boolean write, boolean admin) {
      assertThat(nomotic.route(method, path).id()).isEqualTo(id);
      assertThat(nomotic.allows("read", method, path)).as("read").isEqualTo(read);
      assertThat(nomotic.allows("agentic", method, path)).as("agentic").isEqualTo(agentic);
      assertThat(nomotic.allows("write", method, path)).as("write").isEqualTo(write);
      assertThat(nomotic.allows("admin", method, path)).as("admin").isEqualTo(admin);
    }

    @Test
    void aReadKeyCannotSubmitGovernanceEvaluations() {
      assertThat(nomotic.allows("read", "POST", "/api/v1/evaluations")).isFalse();
    }

    @Test
    void agentRoutesShareAPathButNotAMethod() {
      assertThat(nomotic.table.match("GET", null, "/api/v1/agents/a1"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("DELETE")));
      assertThat(nomotic.table.match("PUT", null, "/api/v1/agents"))
          .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "POST")));
    }
  }
}
