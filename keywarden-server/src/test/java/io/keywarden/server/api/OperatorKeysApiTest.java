package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.PageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/operator-keys} over real HTTP against a running node: the keys of Keywarden's own
 * API, made with the bootstrap admin key and with each other. Each test has its own node, since
 * several of them rotate or revoke the admin key.
 */
class OperatorKeysApiTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir Path dir;
  ServerHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(Files.createDirectories(dir.resolve("node")));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** A workspace with one member and a user key of it; returns {workspace id, user key secret}. */
  private String[] tenantWithKey() {
    var kw = h.server.keywarden();
    int n = SEQ.incrementAndGet();
    String ws = kw.tenants().createWorkspace("tenant " + n, null, null, Actor.SYSTEM).id();
    String user = kw.tenants().createUser("u" + n + "@example.com", "U " + n, Actor.SYSTEM).id();
    kw.tenants().putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
    String secret = kw.keys().create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
    return new String[] {ws, secret};
  }

  /** Creates an operator key over HTTP with {@code by}; asserts the 201 and returns {@code data}. */
  private JsonNode create(String by, String json) {
    var r = h.call("POST", "/v1/operator-keys").auth(by).json(json).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data();
  }

  private ServerHarness.Reply verify(String operatorKey, String key) {
    return h.call("POST", "/v1/keys/verify").auth(operatorKey).json("{\"key\":\"" + key + "\"}").send();
  }

  @Test
  void aVerifyOnlyKeyBoundToAWorkspaceVerifiesThatWorkspacesKeysAndAnswersOthersAsUnknown() {
    String[] a = tenantWithKey();
    String[] b = tenantWithKey();
    JsonNode upstream = create(h.adminKey, "{\"name\":\"upstream A\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + a[0] + "\"}");
    String verifier = upstream.get("secret").asText();
    assertThat(upstream.get("workspace_id").asText()).isEqualTo(a[0]);

    var ownKey = verify(verifier, a[1]);
    assertThat(ownKey.status()).as(ownKey.toString()).isEqualTo(200);
    assertThat(ownKey.data().get("valid").asBoolean()).as(ownKey.toString()).isTrue();

    var othersKey = verify(verifier, b[1]);
    var unknownKey = verify(verifier, KeyFormat.generate("kw_sk_live"));
    assertThat(othersKey.status()).isEqualTo(200);
    assertThat(othersKey.data().get("valid").asBoolean()).as(othersKey.toString()).isFalse();
    assertThat(othersKey.data()).as("another workspace's key reads as unknown").isEqualTo(unknownKey.data());
  }

  @Test
  void aVerifyOnlyKeyIsRefusedByEveryOtherEndpoint() {
    String[] a = tenantWithKey();
    String verifier = create(h.adminKey, "{\"name\":\"upstream\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + a[0] + "\"}")
        .get("secret").asText();
    List<String> checked = new ArrayList<>();
    for (String route : h.server.api().routeDescriptions()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      if (route.equals("POST /v1/keys/verify") || !path.startsWith("/v1/") || path.equals("/v1/openapi.json")) {
        continue;
      }
      String concrete = path.replace("{id}", a[0]).replace("{user_id}", "usr_000000000000000000000000")
          .replace("{name}", "gold");
      var call = h.call(method, concrete).auth(verifier);
      if (!method.equals("GET") && !method.equals("DELETE")) {
        call.json("{}");
      }
      var r = call.send();
      assertThat(r.status()).as("%s with a verify-only key: %s", route, r).isEqualTo(403);
      assertThat(r.reason()).as(route).isEqualTo("insufficient_scope");
      checked.add(route);
    }
    assertThat(checked).contains("POST /v1/operator-keys", "GET /v1/keys", "DELETE /v1/workspaces/{id}",
        "GET /v1/audit-events");
  }

  @Test
  void mintingAKeyWithMoreScopesThanTheMinterIsForbiddenNamingTheScopes() {
    String minter = create(h.adminKey, "{\"name\":\"key manager\",\"scopes\":[\"operators:write\",\"keys:read\"]}")
        .get("secret").asText();
    var r = h.call("POST", "/v1/operator-keys").auth(minter)
        .json("{\"name\":\"wider\",\"scopes\":[\"keys:write\",\"verify\"]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("scope_escalation");
    assertThat(r.json.path("error").path("message").asText()).contains("keys:write", "verify");
    assertThat(h.get("/v1/operator-keys?name_prefix=wider").send().data()).isEmpty();

    JsonNode narrower = create(minter, "{\"name\":\"reader\",\"scopes\":[\"keys:read\"]}");
    assertThat(narrower.get("scopes").get(0).asText()).isEqualTo("keys:read");
    var admin = h.call("POST", "/v1/operator-keys").auth(minter).json("{\"name\":\"a\",\"scopes\":[\"admin\"]}").send();
    assertThat(admin.status()).isEqualTo(403);
    assertThat(admin.errorCode()).isEqualTo("scope_escalation");
  }

  @Test
  void aKeyCannotRotateChangeOrRevokeAKeyWithScopesItLacks() {
    String minter = create(h.adminKey, "{\"name\":\"manager\",\"scopes\":[\"operators:write\"]}").get("secret").asText();
    String adminId = h.server.keywarden().store().operatorKeys(io.keywarden.store.OperatorKeyFilter.ALL,
        PageRequest.first(100)).items().stream().filter(k -> k.name().equals("bootstrap admin")).findFirst().orElseThrow().id();
    var rotate = h.call("POST", "/v1/operator-keys/" + adminId + "/rotate").auth(minter).send();
    assertThat(rotate.status()).as(rotate.toString()).isEqualTo(403);
    assertThat(rotate.errorCode()).isEqualTo("scope_escalation");
    assertThat(rotate.raw.body()).doesNotContain("kw_op_");
    assertThat(h.call("DELETE", "/v1/operator-keys/" + adminId).auth(minter).send().status()).isEqualTo(403);
    var widen = h.call("PATCH", "/v1/operator-keys/" + adminId).auth(minter).json("{\"name\":\"mine\"}").send();
    assertThat(widen.status()).isEqualTo(403);
    assertThat(h.get("/v1/workspaces").send().status()).as("the admin key still works").isEqualTo(200);
  }

  @Test
  void aBoundKeyMintsOnlyInItsWorkspaceAndNeverSeesUnboundKeys() {
    String[] a = tenantWithKey();
    String[] b = tenantWithKey();
    JsonNode bound = create(h.adminKey, "{\"name\":\"tenant ops\",\"scopes\":[\"operators:write\",\"verify\"],\"workspace_id\":\"" + a[0] + "\"}");
    String boundKey = bound.get("secret").asText();
    JsonNode unbound = create(h.adminKey, "{\"name\":\"global verifier\",\"scopes\":[\"verify\"]}");

    JsonNode minted = create(boundKey, "{\"name\":\"upstream\",\"scopes\":[\"verify\"]}");
    assertThat(minted.get("workspace_id").asText()).as("defaults to the minter's workspace").isEqualTo(a[0]);
    var elsewhere = h.call("POST", "/v1/operator-keys").auth(boundKey)
        .json("{\"name\":\"x\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + b[0] + "\"}").send();
    var nowhere = h.call("POST", "/v1/operator-keys").auth(boundKey)
        .json("{\"name\":\"x\",\"scopes\":[\"verify\"],\"workspace_id\":\"ws_000000000000000000000000\"}").send();
    assertThat(elsewhere.status()).isEqualTo(400);
    assertThat(elsewhere.json.get("error")).as("another workspace reads as an unknown one").isEqualTo(nowhere.json.get("error"));

    var list = h.call("GET", "/v1/operator-keys").auth(boundKey).send();
    assertThat(list.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    list.data().forEach(k -> ids.add(k.get("id").asText()));
    assertThat(ids).containsExactlyInAnyOrder(bound.get("id").asText(), minted.get("id").asText());

    var hidden = h.call("GET", "/v1/operator-keys/" + unbound.get("id").asText()).auth(boundKey).send();
    var missing = h.call("GET", "/v1/operator-keys/key_000000000000000000000000").auth(boundKey).send();
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.json.get("error")).isEqualTo(missing.json.get("error"));
    assertThat(h.call("DELETE", "/v1/operator-keys/" + unbound.get("id").asText()).auth(boundKey).send().status()).isEqualTo(404);
  }

  @Test
  void rotatingTheAdminKeyWithAGracePeriodKeepsBothWorkingUntilTheGraceEnds() {
    JsonNode admin = h.get("/v1/operator-keys?name_prefix=bootstrap").send().data().get(0);
    assertThat(admin.get("scopes").get(0).asText()).isEqualTo("admin");
    var rotated = h.call("POST", "/v1/operator-keys/" + admin.get("id").asText() + "/rotate")
        .auth(h.adminKey).json("{\"grace_seconds\":600}").send();
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    String fresh = rotated.data().get("secret").asText();
    assertThat(fresh).startsWith("kw_op_").isNotEqualTo(h.adminKey);
    assertThat(rotated.data().get("expires_at").isNull()).isTrue();

    h.clock.advance(Duration.ofSeconds(599));
    assertThat(h.call("GET", "/v1/workspaces").auth(h.adminKey).send().status()).isEqualTo(200);
    assertThat(h.call("GET", "/v1/workspaces").auth(fresh).send().status()).isEqualTo(200);

    h.clock.advance(Duration.ofSeconds(1));
    var old = h.call("GET", "/v1/workspaces").auth(h.adminKey).send();
    assertThat(old.status()).isEqualTo(401);
    assertThat(old.reason()).isEqualTo("expired");
    assertThat(h.call("GET", "/v1/workspaces").auth(fresh).send().status()).isEqualTo(200);
  }

  @Test
  void theLastUnboundAdminKeyCannotBeRevokedOrMadeToExpire() {
    String adminId = h.get("/v1/operator-keys?name_prefix=bootstrap").send().data().get(0).get("id").asText();
    var revoke = h.delete("/v1/operator-keys/" + adminId).send();
    assertThat(revoke.status()).as(revoke.toString()).isEqualTo(409);
    assertThat(revoke.errorCode()).isEqualTo("last_admin_key");
    assertThat(revoke.json.path("error").path("message").asText()).contains("last admin key", "lock every operator out");
    var expire = h.patch("/v1/operator-keys/" + adminId, "{\"expires_at\":\"2030-01-01T00:00:00Z\"}").send();
    assertThat(expire.status()).as(expire.toString()).isEqualTo(409);
    assertThat(expire.errorCode()).isEqualTo("last_admin_key");
    var narrow = h.patch("/v1/operator-keys/" + adminId, "{\"scopes\":[\"keys:read\"]}").send();
    assertThat(narrow.status()).isEqualTo(409);
    assertThat(h.get("/v1/workspaces").send().status()).isEqualTo(200);

    String second = create(h.adminKey, "{\"name\":\"second admin\",\"scopes\":[\"admin\"]}").get("secret").asText();
    var revoked = h.delete("/v1/operator-keys/" + adminId).send();
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.data().get("state").asText()).isEqualTo("revoked");
    var refused = h.get("/v1/workspaces").send();
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.reason()).isEqualTo("revoked");
    assertThat(h.call("GET", "/v1/workspaces").auth(second).send().status()).isEqualTo(200);
  }

  @Test
  void expiredRevokedAndOutOfRangeOperatorKeysAreRefused() {
    String expiring = create(h.adminKey, "{\"name\":\"short\",\"scopes\":[\"tenants:read\"],\"ttl_days\":1}").get("secret").asText();
    JsonNode revokedKey = create(h.adminKey, "{\"name\":\"gone\",\"scopes\":[\"tenants:read\"]}");
    JsonNode fenced = create(h.adminKey, "{\"name\":\"fenced\",\"scopes\":[\"tenants:read\"],\"allowed_ips\":[\"10.0.0.0/8\"]}");
    JsonNode local = create(h.adminKey, "{\"name\":\"local\",\"scopes\":[\"tenants:read\"],\"allowed_ips\":[\"127.0.0.0/8\"]}");
    assertThat(h.call("GET", "/v1/workspaces").auth(expiring).send().status()).isEqualTo(200);
    assertThat(h.call("GET", "/v1/workspaces").auth(revokedKey.get("secret").asText()).send().status()).isEqualTo(200);

    assertThat(h.delete("/v1/operator-keys/" + revokedKey.get("id").asText()).send().status()).isEqualTo(200);
    var revoked = h.call("GET", "/v1/workspaces").auth(revokedKey.get("secret").asText()).send();
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.reason()).isEqualTo("revoked");

    var outside = h.call("GET", "/v1/workspaces").auth(fenced.get("secret").asText()).send();
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.reason()).isEqualTo("ip_not_allowed");
    assertThat(h.call("GET", "/v1/workspaces").auth(local.get("secret").asText()).send().status()).isEqualTo(200);

    h.clock.advance(Duration.ofDays(1));
    var expired = h.call("GET", "/v1/workspaces").auth(expiring).send();
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.reason()).isEqualTo("expired");
  }

  @Test
  void theSecretIsShownOnceAndEveryChangeIsAuditedWithTheActingKey() {
    String adminId = h.get("/v1/operator-keys?name_prefix=bootstrap").send().data().get(0).get("id").asText();
    JsonNode made = create(h.adminKey, "{\"name\":\"audited\",\"scopes\":[\"keys:read\"]}");
    String id = made.get("id").asText();
    String secret = made.get("secret").asText();
    var shown = h.get("/v1/operator-keys/" + id).send();
    assertThat(shown.data().has("secret")).isFalse();
    assertThat(shown.raw.body()).doesNotContain(secret);
    assertThat(shown.data().get("created_by").asText()).isEqualTo("operator:" + adminId);
    assertThat(h.patch("/v1/operator-keys/" + id, "{\"name\":\"audited twice\"}").send().status()).isEqualTo(200);
    var rotated = h.call("POST", "/v1/operator-keys/" + id + "/rotate").auth(h.adminKey).send();
    assertThat(rotated.status()).isEqualTo(201);
    assertThat(h.delete("/v1/operator-keys/" + rotated.data().get("id").asText()).send().status()).isEqualTo(200);

    var events = h.server.keywarden().store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items();
    List<String> actions = new ArrayList<>();
    events.stream().filter(e -> id.equals(e.targetId()) || rotated.data().get("id").asText().equals(e.targetId()))
        .forEach(e -> {
          assertThat(e.actor()).isEqualTo("operator:" + adminId);
          assertThat(e.toString()).doesNotContain(secret);
          actions.add(e.action());
        });
    assertThat(actions).contains("key.created", "key.updated", "key.rotated", "key.revoked");
  }

  @Test
  void theListFiltersByWorkspaceRevocationAndNamePrefixAndRefusesUnknownParameters() {
    String[] a = tenantWithKey();
    create(h.adminKey, "{\"name\":\"svc-billing\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + a[0] + "\"}");
    JsonNode gone = create(h.adminKey, "{\"name\":\"svc-search\",\"scopes\":[\"verify\"]}");
    h.delete("/v1/operator-keys/" + gone.get("id").asText()).send();

    assertThat(names(h.get("/v1/operator-keys?name_prefix=svc-").send())).containsExactlyInAnyOrder("svc-billing", "svc-search");
    assertThat(names(h.get("/v1/operator-keys?workspace_id=" + a[0]).send())).containsExactly("svc-billing");
    assertThat(names(h.get("/v1/operator-keys?revoked=true").send())).containsExactly("svc-search");
    assertThat(names(h.get("/v1/operator-keys?revoked=false&name_prefix=svc").send())).containsExactly("svc-billing");
    var page = h.get("/v1/operator-keys?limit=1").send();
    assertThat(page.data()).hasSize(1);
    assertThat(page.json.at("/pagination/has_more").asBoolean()).isTrue();

    var unknown = h.get("/v1/operator-keys?workspace=" + a[0]).send();
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorField()).isEqualTo("workspace");
    assertThat(h.get("/v1/operator-keys?revoked=maybe").send().errorField()).isEqualTo("revoked");
  }

  private static List<String> names(ServerHarness.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.data().forEach(k -> out.add(k.get("name").asText()));
    return out;
  }
}
