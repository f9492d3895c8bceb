package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Building routes: defaults, each setting checked when made, cross-setting rules, and errors that name the setting. */
class RouteBuilderTest {
  static final ScopeVocabulary VOCABULARY = ScopeVocabulary.of(
      ScopeDefinition.of("read"), ScopeDefinition.of("create"), ScopeDefinition.of("update"),
      ScopeDefinition.of("delete"), ScopeDefinition.of("admin", "*"));

  static Route.Builder route() {
    return Route.builder("routes[3]", VOCABULARY).path("/api/collections/{collection}/entries");
  }

  static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable r, String setting) {
    return assertThatThrownBy(r::run)
        .isInstanceOf(RouteConfigException.class)
        .hasMessageStartingWith(setting + ": ")
        .satisfies(e -> assertThat(((RouteConfigException) e).setting()).isEqualTo(setting));
  }

  @Test
  void aRouteWithOnlyAPathHasTheDocumentedDefaults() {
    Route r = route().build();
    assertThat(r.id()).isEqualTo("routes[3]");
    assertThat(r.methods()).isEqualTo(MethodSet.ANY);
    assertThat(r.host()).isEqualTo(HostPattern.ANY);
    assertThat(r.authentication()).isEqualTo(Authentication.REQUIRED);
    assertThat(r.keyTypes()).containsExactly(KeyType.SECRET);
    assertThat(r.isPublic()).isFalse();
    assertThat(r.scopes().isNone()).isTrue();
    assertThat(r.requirementFor("GET").isNone()).isTrue();
    assertThat(r.project()).isEqualTo(ProjectRule.NONE);
    assertThat(r.upstream()).isEqualTo(Route.DEFAULT_UPSTREAM);
    assertThat(r.errorStyle()).isEqualTo(Route.ERROR_STYLE_ENVELOPE);
    assertThat(r.group()).isEqualTo(Route.DEFAULT_GROUP);
    assertThat(r.credentials()).containsExactly(CredentialSource.bearer());
    assertThat(r.stripCredential()).isTrue();
  }

  @Test
  void everySettingIsKept() {
    Route r = route()
        .id("entries.list")
        .methods("get", "POST")
        .host("*.example.com")
        .authentication(Authentication.REQUIRED)
        .publicRoute(true)
        .scopes("read")
        .projectFromHeader(ProjectSelection.REQUIRED, "project-id")
        .upstream("cms")
        .errorStyle("text")
        .group("content")
        .credentials(CredentialSource.bearer(), CredentialSource.header("X-API-Key"),
            CredentialSource.query("api_key"))
        .stripCredential(false)
        .build();
    assertThat(r.id()).isEqualTo("entries.list");
    assertThat(r.methods().names()).containsExactly("GET", "POST");
    assertThat(r.host()).isEqualTo(new HostPattern(HostPattern.Kind.WILDCARD, "example.com"));
    assertThat(r.keyTypes()).containsExactly(KeyType.SECRET, KeyType.PUBLISHABLE);
    assertThat(r.isPublic()).isTrue();
    assertThat(r.requirementFor("GET").alternatives()).containsExactly(List.of("read"));
    assertThat(r.project()).isEqualTo(ProjectRule.header(ProjectSelection.REQUIRED, "project-id"));
    assertThat(r.upstream()).isEqualTo("cms");
    assertThat(r.errorStyle()).isEqualTo("text");
    assertThat(r.group()).isEqualTo("content");
    assertThat(r.credentials()).extracting(CredentialSource::toString)
        .containsExactly("Authorization: Bearer", "X-API-Key", "?api_key");
    assertThat(r.stripCredential()).isFalse();
  }

  @Test
  void aPathIsRequired() {
    refused(() -> Route.builder("routes[3]", VOCABULARY).build(), "routes[3].path")
        .hasMessage("routes[3].path: is required");
  }

  @Test
  void aMalformedPathIsRefusedWhenSet() {
    refused(() -> Route.builder("routes[7]", VOCABULARY).path("v1"), "routes[7].path")
        .hasMessageContaining("must start with '/'");
  }

  @Test
  void aMalformedIdIsRefused() {
    refused(() -> route().id("two words"), "routes[3].id");
    refused(() -> route().id(""), "routes[3].id");
  }

  @Test
  void malformedOrRepeatedMethodsAreRefused() {
    refused(() -> route().methods("GE T"), "routes[3].methods").hasMessageContaining("\"GE T\"");
    refused(() -> route().methods("GET", "get"), "routes[3].methods")
        .hasMessageContaining("GET is listed twice");
  }

  @Test
  void extensionMethodsAreAccepted() {
    Route r = route().methods("PROPFIND", "GET").build();
    assertThat(r.methods().names()).containsExactly("GET", "PROPFIND");
    assertThat(r.methods().contains("PROPFIND")).isTrue();
    assertThat(r.methods().contains("propfind")).isFalse();
  }

  @Test
  void aMalformedHostIsRefused() {
    refused(() -> route().host("https://api.example.com"), "routes[3].host");
    refused(() -> route().host("api.example.com:8443"), "routes[3].host");
    refused(() -> route().host("*"), "routes[3].host");
    refused(() -> route().host("a.*.example.com"), "routes[3].host");
    refused(() -> route().host("-a.example.com"), "routes[3].host");
  }

  @Test
  void unknownScopesFailTheBuildNamingTheRoute() {
    refused(() -> route().scopes("read", "deploy"), "routes[3].scopes")
        .hasMessageContaining("unknown scope \"deploy\"")
        .hasMessageContaining("defined: read, create, update, delete, admin");
    refused(() -> route().scopesFor("DELETE", "remove"), "routes[3].scopes_by_method.DELETE");
    refused(() -> route().abilities(Map.of("create", "write")), "routes[3].abilities.create");
  }

  @Test
  void scopeWildcardsAreGrantsNotRequirements() {
    refused(() -> route().scopes("*"), "routes[3].scopes");
  }

  @Test
  void anEmptyAlternativeIsRefused() {
    refused(() -> route().scopesAnyOf(List.of(List.of("read"), List.of())), "routes[3].scopes")
        .hasMessageContaining("alternative 2 names no scope");
  }

  @Test
  void alternativesOfAllOfSetsCompileToOneRequirement() {
    Route r = route().scopesAnyOf(List.of(List.of("read", "update"), List.of("admin"))).build();
    var grants = VOCABULARY.grant(List.of("read", "update"));
    assertThat(r.requirementFor("GET").isSatisfiedBy(grants)).isTrue();
    assertThat(r.requirementFor("GET").isSatisfiedBy(VOCABULARY.grant(List.of("read")))).isFalse();
    assertThat(r.requirementFor("GET").isSatisfiedBy(VOCABULARY.grant(List.of("admin")))).isTrue();
    assertThat(r.requirementFor("GET").describe()).isEqualTo("\"read and update\" or \"admin\"");
  }

  @Test
  void perMethodScopesOverrideTheRouteScopes() {
    Route r = route().methods("GET", "POST", "DELETE")
        .scopes("read")
        .scopesFor("POST", "create")
        .scopesFor("delete", List.of(List.of("delete"), List.of("admin")))
        .build();
    assertThat(r.requirementFor("GET").alternatives()).containsExactly(List.of("read"));
    assertThat(r.requirementFor("HEAD").alternatives()).containsExactly(List.of("read"));
    assertThat(r.requirementFor("POST").alternatives()).containsExactly(List.of("create"));
    assertThat(r.requirementFor("DELETE").alternatives())
        .containsExactly(List.of("delete"), List.of("admin"));
    assertThat(r.scopes().byMethod()).containsOnlyKeys("POST", "DELETE");
    assertThat(r.scopes()).hasToString("POST: \"create\"; DELETE: \"delete\" or \"admin\"; other: \"read\"");
  }

  @Test
  void headNeedsWhatGetNeedsUnlessGivenItsOwn() {
    Route r = route().methods("GET", "HEAD").scopesFor("GET", "read").scopesFor("HEAD").build();
    assertThat(r.requirementFor("GET").isNone()).isFalse();
    assertThat(r.requirementFor("HEAD").isNone()).isTrue();
  }

  @Test
  void perMethodScopesForAMethodTheRouteRefusesAreAnError() {
    refused(() -> route().methods("GET").scopesFor("DELETE", "delete").build(),
        "routes[3].scopes_by_method.DELETE")
        .hasMessageContaining("the route does not accept DELETE");
    refused(() -> route().scopesFor("POST", "create").scopesFor("post", "read"),
        "routes[3].scopes_by_method.POST").hasMessageContaining("is given twice");
  }

  @Test
  void abilitiesGiveEachMethodClassItsScope() {
    Map<String, String> abilities = new LinkedHashMap<>();
    abilities.put("read", "read");
    abilities.put("create", "create");
    abilities.put("update", "update");
    abilities.put("delete", "delete");
    Route r = route().abilities(abilities).build();
    assertThat(r.methods().names())
        .containsExactlyInAnyOrder("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    assertThat(r.requirementFor("GET").alternatives()).containsExactly(List.of("read"));
    assertThat(r.requirementFor("HEAD").alternatives()).containsExactly(List.of("read"));
    assertThat(r.requirementFor("POST").alternatives()).containsExactly(List.of("create"));
    assertThat(r.requirementFor("PUT").alternatives()).containsExactly(List.of("update"));
    assertThat(r.requirementFor("PATCH").alternatives()).containsExactly(List.of("update"));
    assertThat(r.requirementFor("DELETE").alternatives()).containsExactly(List.of("delete"));
  }

  @Test
  void abilitiesWithoutMethodsLimitTheRouteToTheGivenClasses() {
    Route r = route().abilities(Map.of("read", "read", "create", "create")).build();
    assertThat(r.methods().names()).containsExactly("GET", "HEAD", "POST");
    RouteTable t = RouteTable.of(List.of(r));
    assertThat(t.match("DELETE", null, "/api/collections/blog/entries"))
        .isEqualTo(new RouteMatch.MethodNotAllowed(List.of("GET", "HEAD", "POST")));
  }

  @Test
  void abilitiesMustCoverEveryDeclaredMethod() {
    refused(() -> route().methods("GET", "POST").abilities(Map.of("read", "read")).build(),
        "routes[3].abilities").hasMessageContaining("no ability for POST; give create");
    refused(() -> route().methods("GET", "OPTIONS").abilities(Map.of("read", "read")).build(),
        "routes[3].abilities").hasMessageContaining("OPTIONS belongs to no method class");
  }

  @Test
  void abilitiesAreNotCombinedWithScopes() {
    refused(() -> route().scopes("read").abilities(Map.of("read", "read")).build(),
        "routes[3].abilities");
    refused(() -> route().scopesFor("GET", "read").abilities(Map.of("read", "read")).build(),
        "routes[3].abilities");
  }

  @Test
  void unknownMethodClassesAreRefused() {
    refused(() -> route().abilities(Map.of("list", "read")), "routes[3].abilities")
        .hasMessageContaining("unknown method class \"list\"");
    refused(() -> route().abilities(Map.of()), "routes[3].abilities");
  }

  @Test
  void routesWithoutRequiredAuthenticationCannotRequireScopes() {
    refused(() -> route().authentication(Authentication.OPTIONAL).scopes("read").build(),
        "routes[3].scopes").hasMessageContaining("authentication optional cannot require scopes");
    refused(() -> route().authentication(Authentication.NONE)
        .abilities(Map.of("read", "read")).build(), "routes[3].abilities");
  }

  @Test
  void anUnauthenticatedRouteCannotSelectAProject() {
    refused(() -> route().authentication(Authentication.NONE)
        .projectFromHeader(ProjectSelection.REQUIRED, "project-id").build(),
        "routes[3].project.selection");
    assertThat(route().authentication(Authentication.OPTIONAL)
        .projectFromHeader(ProjectSelection.OPTIONAL, "project-id").build().project().isScoped())
        .isTrue();
  }

  @Test
  void theProjectHeaderMustBeAHeaderName() {
    refused(() -> route().projectFromHeader(ProjectSelection.REQUIRED, "project id"),
        "routes[3].project.header");
    refused(() -> route().projectFromHeader(ProjectSelection.NONE, "project-id"),
        "routes[3].project.selection");
    refused(() -> route().projectFromHeader(ProjectSelection.RESOURCE, "project-id"),
        "routes[3].project.selection");
  }

  @Test
  void theProjectMayComeFromASegmentParameterOfThePattern() {
    Route r = route().path("/v1/projects/{project_id}/apps").projectFromPathParameter("project_id")
        .build();
    assertThat(r.project()).isEqualTo(ProjectRule.pathParameter("project_id"));
    assertThat(r.project().selection()).isEqualTo(ProjectSelection.RESOURCE);
    refused(() -> route().projectFromPathParameter("project_id").build(),
        "routes[3].project.path_parameter").hasMessageContaining("\"project_id\" is not a"
            + " single-segment parameter of /api/collections/{collection}/entries");
    refused(() -> route().path("/v1/{rest*}").projectFromPathParameter("rest").build(),
        "routes[3].project.path_parameter");
  }

  @Test
  void theDefaultProjectNeedsNoSource() {
    Route r = route().project(ProjectRule.defaultProject()).build();
    assertThat(r.project().selection()).isEqualTo(ProjectSelection.DEFAULT_FALLBACK);
    assertThat(r.project().source()).isEqualTo(ProjectRule.Source.NONE);
  }

  @Test
  void keyTypesAndThePublicFlagMustAgree() {
    assertThat(route().keyTypes(KeyType.PUBLISHABLE).build().isPublic()).isTrue();
    assertThat(route().keyTypes(KeyType.SECRET).publicRoute(false).build().isPublic()).isFalse();
    refused(() -> route().keyTypes(KeyType.SECRET).publicRoute(true).build(), "routes[3].public")
        .hasMessageContaining("key_types is [secret]");
    refused(() -> route().keyTypes(KeyType.PUBLISHABLE).publicRoute(false).build(),
        "routes[3].key_types");
    refused(() -> route().keyTypes(List.of()), "routes[3].key_types");
  }

  @Test
  void referenceNamesAreChecked() {
    refused(() -> route().upstream("Upstream One"), "routes[3].upstream");
    refused(() -> route().errorStyle(""), "routes[3].error_style");
    refused(() -> route().group("-x"), "routes[3].group");
  }

  @Test
  void credentialSourcesAreCheckedAndNotRepeated() {
    refused(() -> route().credentials(List.of()), "routes[3].credentials");
    refused(() -> route().credentials(CredentialSource.bearer(),
        new CredentialSource(CredentialSource.Kind.HEADER, "X API Key")), "routes[3].credentials[1]");
    refused(() -> route().credentials(new CredentialSource(CredentialSource.Kind.QUERY, "a&b")),
        "routes[3].credentials[0]");
    refused(() -> route().credentials(CredentialSource.header("X-API-Key"),
        CredentialSource.header("x-api-key")), "routes[3].credentials[1]")
        .hasMessageContaining("duplicates an earlier source");
  }

  @Test
  void theCanonicalConstructorKeepsTheInvariants() {
    Route r = route().build();
    assertThatThrownBy(() -> new Route(r.id(), r.methods(), r.host(), r.path(),
        r.authentication(), java.util.Set.of(), r.scopes(), r.project(), r.upstream(),
        r.errorStyle(), r.group(), r.credentials(), true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Route(r.id(), r.methods(), r.host(), r.path(),
        r.authentication(), r.keyTypes(), r.scopes(), ProjectRule.pathParameter("nope"),
        r.upstream(), r.errorStyle(), r.group(), r.credentials(), true))
        .hasMessageContaining("{nope}");
  }
}
