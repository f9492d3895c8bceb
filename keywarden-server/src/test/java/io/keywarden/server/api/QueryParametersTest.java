package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.testing.ServerHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unknown query parameters are refused with 400 naming them, on every endpoint: a misspelt
 * filter must not be ignored and widen a list to everything.
 */
class QueryParametersTest {
  @TempDir static Path dir;
  static ServerHarness h;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void aMisspeltKeyFilterIsRefusedInsteadOfListingEveryKey() {
    var r = h.get("/v1/keys?workspace=ws_123").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("workspace");
    assertThat(r.json.at("/error/message").asText()).contains("\"workspace\"").contains("workspace_id");
  }

  @Test
  void everyListRefusesAParameterItDoesNotTake() {
    for (String path : List.of("/v1/workspaces?nme=x", "/v1/users?mail=x", "/v1/audit-events?actor=x",
        "/v1/plans?sort=name", "/v1/projects?external_id=a&workspace=b")) {
      var r = h.get(path).send();
      assertThat(r.status()).as(path + " " + r).isEqualTo(400);
      assertThat(r.errorField()).as(path).isIn("nme", "mail", "actor", "sort", "workspace");
    }
  }

  @Test
  void endpointsWithoutParametersRefuseAnyAndKnownOnesStillWork() {
    var r = h.get("/v1/workspaces/ws_nope?expand=projects").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("expand");
    assertThat(h.get("/v1/keys?limit=5&state=active&kind=user").send().status()).isEqualTo(200);
    assertThat(h.get("/v1/audit-events?limit=1").send().status()).isEqualTo(200);
  }
}
