package io.keywarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The files in examples/ as {@code keywarden serve --config} reads them: each loads, carries the
 * names the issue fixes (plans, environments, scopes as each document spells them), routes every
 * endpoint the issue lists, and is the very profile the demo packages.
 */
class ProfilesTest {
  private static KeywardenConfig load(DemoSystem s) {
    return ConfigLoader.load(Path.of("..", "examples", s.id(), "keywarden.yaml"), Map.of(), ConfigLoader.Flags.NONE);
  }

  private static List<String> scopes(KeywardenConfig c) {
    return c.model().scopes().definitions().stream().map(ScopeDefinition::name).toList();
  }

  @ParameterizedTest
  @EnumSource(DemoSystem.class)
  void everyExampleIsAConfigurationThatServeAcceptsAndTheDemoPackages(DemoSystem s) throws Exception {
    KeywardenConfig c = load(s);
    assertThat(c.gateway().routes().routes()).isNotEmpty();
    assertThat(Profile.text(s)).isEqualTo(Files.readString(Path.of("..", "examples", s.id(), "keywarden.yaml")));
    assertThat(Profile.text(s)).contains("\nrate_limits:");
  }

  @Test
  void plansEnvironmentsAndScopesAreNamedInLowerCaseAsTheDocumentsSpellThem() {
    KeywardenConfig nometria = load(DemoSystem.NOMETRIA);
    assertThat(nometria.model().plans()).containsExactly("free", "pro", "team");
    assertThat(nometria.model().defaultPlan()).isEqualTo("free");
    KeywardenConfig nomotic = load(DemoSystem.NOMOTIC);
    assertThat(nomotic.model().plans()).containsExactly("free", "team", "business", "enterprise");
    assertThat(nomotic.model().defaultPlan()).isEqualTo("free");
    assertThat(nomotic.model().environments()).containsExactly("live");
    assertThat(nomotic.model().prefix(KeyType.SECRET, "live")).isEqualTo("nm_live");
    assertThat(scopes(nomotic)).containsExactly("read", "agentic", "write", "admin");
    KeywardenConfig metorial = load(DemoSystem.METORIAL);
    assertThat(metorial.model().environments()).containsExactlyInAnyOrder("development", "production");
    assertThat(metorial.model().prefix(KeyType.SECRET, "production")).isEqualTo("metorial_sk");
    assertThat(metorial.model().prefix(KeyType.PUBLISHABLE, "production")).isEqualTo("metorial_pk");
    assertThat(scopes(load(DemoSystem.NODION))).containsExactly("read", "write", "deploy", "env:read", "env:write", "logs:read");
    assertThat(scopes(load(DemoSystem.NOMACMS))).containsExactly("read", "create", "update", "delete", "admin");
    assertThat(load(DemoSystem.NODION).model().ttl().choicesDays()).containsExactly(30, 60, 90);
    assertThat(load(DemoSystem.NODION).model().ttl().defaultDays()).isEqualTo(90);
  }

  @Test
  void everyEndpointTheIssueListsIsRouted() {
    Map<DemoSystem, List<String>> endpoints = Map.of(
        DemoSystem.NOMETRIA, List.of("GET /v1/projects", "POST /v1/deployments", "GET /v1/deployments",
            "POST /v1/deployments/dep_1/rollback", "POST /v1/migrations", "GET /v1/migrations", "GET /v1/migrations/mig_1"),
        DemoSystem.METORIAL, List.of("GET /provider-deployments", "POST /provider-deployments"),
        DemoSystem.NOMACMS, List.of("GET /api/project", "GET /api/collections", "POST /api/collections",
            "GET /api/collections/posts/entries", "POST /api/collections/posts/entries",
            "PUT /api/collections/posts/entries/1", "DELETE /api/collections/posts/entries/1"),
        DemoSystem.NODION, List.of("GET /v1/regions", "GET /v1/projects", "GET /v1/applications",
            "POST /v1/applications/a/deployments", "GET /v1/applications/a/env", "PUT /v1/applications/a/env",
            "GET /v1/applications/a/logs", "POST /v1/domains"),
        DemoSystem.NOMOTIC, List.of("GET /api/v1/agents", "POST /api/v1/evaluations", "PATCH /api/v1/agents/a/status",
            "POST /api/v1/agents", "POST /api/v1/policies", "GET /api/v1/audit", "DELETE /api/v1/agents/a"));
    endpoints.forEach((system, list) -> {
      KeywardenConfig c = load(system);
      for (String e : list) {
        String[] mp = e.split(" ");
        assertThat(c.gateway().routes().match(mp[0], "localhost", mp[1])).as(system + " " + e)
            .isInstanceOf(RouteMatch.Matched.class);
      }
    });
  }
}
