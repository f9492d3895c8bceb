package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits seen through the management API: the verify API's rate-limit state, and the limits
 * and usage of a key and of a workspace.
 */
class LimitsApiTest {
  @TempDir static Path dir;
  static ServerHarness h;
  static String ws;
  static String otherWs;
  static String user;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("keywarden.yaml");
    Files.writeString(config, """
        access:
          plans: [free, pro]
          default_plan: free
        rate_limits:
          management: {limit: 100000, window: 1m}
          policies:
            - {name: per-ip, limit: 1000, window: 10s, by: [client_ip]}
            - {name: env, limit: 50, window: 10m, by: [workspace, environment]}
          plans:
            free:
              - {name: minute, limit: 3, window: 1m, by: [key]}
              - {name: evaluations, limit: 100, window: month, by: [workspace], routes: [evaluations]}
            pro:
              - {name: minute, limit: 120, window: 1m, by: [key]}
        """);
    h = new ServerHarness(dir, ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE));
    var store = h.server.keywarden().store();
    ws = store.createWorkspace("Acme", "free", null, Actor.SYSTEM).id();
    otherWs = store.createWorkspace("Other", "free", null, Actor.SYSTEM).id();
    user = store.createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static io.keywarden.core.policy.IssuedKey newKey() {
    return h.server.keywarden().keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM);
  }

  static JsonNode verify(String key, String extra) {
    var r = h.post("/v1/keys/verify", "{\"key\":\"" + key + "\",\"ip\":\"203.0.113.9\"" + extra + "}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  static JsonNode policy(JsonNode data, String name) {
    for (JsonNode p : data.get("policies")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no policy " + name + " in " + data);
  }

  @Test
  void theVerifyAnswerCarriesTheKeysRateLimitStateAndCountsTheRequest() {
    String key = newKey().secret();
    JsonNode first = verify(key, "");
    assertThat(first.get("valid").asBoolean()).isTrue();
    JsonNode rl = first.get("ratelimit");
    assertThat(rl.get("allowed").asBoolean()).isTrue();
    assertThat(rl.get("policy").asText()).isEqualTo("minute");
    assertThat(rl.get("limit").asLong()).isEqualTo(3);
    assertThat(rl.get("remaining").asLong()).isEqualTo(2);
    assertThat(rl.get("retry_after").isNull()).isTrue();
  }

  @Test
  void aVerificationOverTheLimitIsInvalidWithCodeRateLimitedAndARetryAfter() {
    String key = newKey().secret();
    for (int i = 0; i < 3; i++) {
      assertThat(verify(key, "").get("valid").asBoolean()).isTrue();
    }
    JsonNode limited = verify(key, "");
    assertThat(limited.get("valid").asBoolean()).isFalse();
    assertThat(limited.get("code").asText()).isEqualTo("rate_limited");
    assertThat(limited.get("ratelimit").get("retry_after").asLong()).isBetween(1L, 60L);
    h.clock.advance(Duration.ofSeconds(limited.get("ratelimit").get("retry_after").asLong()));
    assertThat(verify(key, "").get("valid").asBoolean()).isTrue();
  }

  @Test
  void aRouteGroupInTheVerifyRequestSelectsThatGroupsQuota() {
    String key = newKey().secret();
    JsonNode d = verify(key, ",\"route_group\":\"evaluations\"");
    assertThat(d.get("valid").asBoolean()).isTrue();
    var limits = h.get("/v1/workspaces/" + ws + "/limits").send();
    assertThat(policy(limits.data(), "evaluations").get("used").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anInvalidKeyHasNoRateLimitState() {
    JsonNode d = verify("kw_sk_live_" + "x".repeat(30) + "AAAAAA", "");
    assertThat(d.get("valid").asBoolean()).isFalse();
    assertThat(d.has("ratelimit")).isFalse();
  }

  @Test
  void aKeysLimitsListEveryPolicyThatCanApplyWithItsUsage() {
    var k = newKey();
    verify(k.secret(), "");
    var r = h.get("/v1/keys/" + k.key().id() + "/limits").send();
    assertThat(r.status()).isEqualTo(200);
    JsonNode data = r.data();
    assertThat(data.get("plan").asText()).isEqualTo("free");
    JsonNode minute = policy(data, "minute");
    assertThat(minute.get("limit").asLong()).isEqualTo(3);
    assertThat(minute.get("window").asText()).isEqualTo("1m");
    assertThat(minute.get("used").asLong()).isEqualTo(1);
    assertThat(minute.get("remaining").asLong()).isEqualTo(2);
    JsonNode perIp = policy(data, "per-ip");
    assertThat(perIp.get("used").isNull()).isTrue();
    assertThat(perIp.get("counted_per").get(0).asText()).isEqualTo("client_ip");
    assertThat(policy(data, "evaluations").get("quota").asBoolean()).isTrue();
  }

  @Test
  void aWorkspacesLimitsShowItsCountersPerEnvironment() {
    var r = h.get("/v1/workspaces/" + otherWs + "/limits").send();
    assertThat(r.status()).isEqualTo(200);
    int envEntries = 0;
    for (JsonNode p : r.data().get("policies")) {
      if (p.get("name").asText().equals("env")) {
        envEntries++;
        assertThat(p.get("environment").asText()).isIn("live", "test");
        assertThat(p.get("used").asLong()).isZero();
        assertThat(p.get("remaining").asLong()).isEqualTo(50);
      }
    }
    assertThat(envEntries).isEqualTo(2);
  }

  @Test
  void aWorkspaceScopedOperatorGets404ForTheLimitsOfAnotherWorkspaceAndOfItsKeys() {
    String scoped = h.server.keywarden().keys()
        .createOperatorKey("scoped", List.of("admin"), null, otherWs, Actor.SYSTEM).secret();
    var k = newKey();
    assertThat(h.call("GET", "/v1/workspaces/" + ws + "/limits").auth(scoped).send().status()).isEqualTo(404);
    assertThat(h.call("GET", "/v1/keys/" + k.key().id() + "/limits").auth(scoped).send().status()).isEqualTo(404);
    assertThat(h.call("GET", "/v1/keys/key_doesnotexist/limits").auth(scoped).send().status()).isEqualTo(404);
  }

  @Test
  void aWorkspaceMovedToAnotherPlanGetsThatPlansLimitsAtOnce() {
    String moved = h.server.keywarden().store().createWorkspace("Mover", "free", null, Actor.SYSTEM).id();
    assertThat(policy(h.get("/v1/workspaces/" + moved + "/limits").send().data(), "env").get("limit").asLong())
        .isEqualTo(50);
    var r = h.patch("/v1/workspaces/" + moved, "{\"plan\":\"pro\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String member = h.server.keywarden().store().createUser("mo@example.com", "Mo", Actor.SYSTEM).id();
    h.server.keywarden().store().putMembership(moved, member, "member", List.of(), null, Actor.SYSTEM);
    String key = h.server.keywarden().keys()
        .create(NewKeyRequest.userKey(moved, member, "k", List.of("read")), Actor.SYSTEM).secret();
    assertThat(verify(key, "").get("ratelimit").get("limit").asLong()).isEqualTo(50);
    for (int i = 0; i < 4; i++) {
      assertThat(verify(key, "").get("valid").asBoolean()).isTrue(); // pro: more than free's 3
    }
  }

  @Test
  void aWorkspaceOverrideRaisesThePlansLimitForEveryKeyOfTheWorkspaceAtOnce() {
    String key = newKey().secret();
    var r = h.patch("/v1/workspaces/" + ws, "{\"rate_limits\":[{\"name\":\"minute\",\"limit\":5}]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.data().get("rate_limits").get(0).get("limit").asLong()).isEqualTo(5);
    try {
      for (int i = 0; i < 5; i++) {
        assertThat(verify(key, "").get("valid").asBoolean()).isTrue();
      }
      assertThat(verify(key, "").get("code").asText()).isEqualTo("rate_limited");
    } finally {
      assertThat(h.patch("/v1/workspaces/" + ws, "{\"rate_limits\":null}").send().status()).isEqualTo(200);
    }
    assertThat(h.get("/v1/workspaces/" + ws).send().data().get("rate_limits").isNull()).isTrue();
  }

  @Test
  void aKeysOwnOverrideWinsOverItsPlanAndAddsItsOwnPolicies() {
    var r = h.post("/v1/keys", "{\"workspace_id\":\"" + ws + "\",\"kind\":\"user\",\"user_id\":\"" + user
        + "\",\"name\":\"limited\",\"scopes\":[\"read\"],\"rate_limits\":[{\"name\":\"minute\",\"limit\":1},"
        + "{\"name\":\"hourly\",\"limit\":50,\"window\":\"1h\",\"by\":[\"key\"]}]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String key = r.data().get("secret").asText();
    String id = r.data().get("id").asText();
    assertThat(verify(key, "").get("valid").asBoolean()).isTrue();
    assertThat(verify(key, "").get("code").asText()).isEqualTo("rate_limited");
    JsonNode limits = h.get("/v1/keys/" + id + "/limits").send().data();
    assertThat(policy(limits, "minute").get("limit").asLong()).isEqualTo(1);
    assertThat(policy(limits, "hourly").get("used").asLong()).isEqualTo(1);
  }

  @Test
  void badOverridesAre400NamingTheFieldAndChangeNothing() {
    var r = h.patch("/v1/workspaces/" + otherWs, "{\"rate_limits\":[{\"name\":\"minute\",\"limit\":-3}]}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("rate_limits");
    assertThat(h.get("/v1/workspaces/" + otherWs).send().data().get("rate_limits").isNull()).isTrue();
  }

  @Test
  void aWorkspaceScopedOperatorCannotRaiseItsOwnPlanOrLimits() {
    String scoped = h.server.keywarden().keys()
        .createOperatorKey("tenant admin", List.of("admin"), null, otherWs, Actor.SYSTEM).secret();
    var plan = h.call("PATCH", "/v1/workspaces/" + otherWs).auth(scoped).json("{\"plan\":\"pro\"}").send();
    assertThat(plan.status()).isEqualTo(403);
    var limits = h.call("PATCH", "/v1/workspaces/" + otherWs).auth(scoped)
        .json("{\"rate_limits\":[{\"name\":\"minute\",\"limit\":100000}]}").send();
    assertThat(limits.status()).isEqualTo(403);
    assertThat(h.get("/v1/workspaces/" + otherWs).send().data().get("plan").asText()).isEqualTo("free");
  }

  @Test
  void anOverrideTheWindowCannotHoldIsRefusedWith400AndTheWorkspaceKeepsWorking() {
    String key = newKey().secret();
    var r = h.patch("/v1/workspaces/" + ws, "{\"rate_limits\":[{\"name\":\"minute\",\"limit\":100000000}]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("rate_limits");
    assertThat(r.json.path("error").path("message").asText()).contains("rate_limits[0]").contains("microsecond");
    assertThat(verify(key, "").get("valid").asBoolean()).isTrue();
  }

  @Test
  void anUnusableOverrideStoredEarlierIsSkippedNotFatal() {
    String mover = h.server.keywarden().store().createWorkspace("Legacy", "free", null,
        "[{\"name\":\"minute\",\"limit\":100000000}]", Actor.SYSTEM).id();
    String member = h.server.keywarden().store().createUser("legacy@example.com", "L", Actor.SYSTEM).id();
    h.server.keywarden().store().putMembership(mover, member, "member", List.of(), null, Actor.SYSTEM);
    String key = h.server.keywarden().keys()
        .create(NewKeyRequest.userKey(mover, member, "k", List.of("read")), Actor.SYSTEM).secret();
    JsonNode d = verify(key, "");
    assertThat(d.get("valid").asBoolean()).isTrue();
    assertThat(d.get("ratelimit").get("limit").asLong()).isIn(3L, 50L);
  }
}
