package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import io.keywarden.store.service.KeyUpdate;
import io.keywarden.store.service.Keywarden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/keys/verify} over real HTTP. Every decision is a normal 200 answer, {@code
 * valid: false} with its reason code when the key may not be used; only a bad request (400, 413,
 * 415) or a bad operator key (401, 403) is an error. Tenants and keys are made through the Java
 * API, so each test sees the verification endpoint alone.
 */
class VerifyApiTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir static Path dir;
  static ServerHarness h;
  static Keywarden kw;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
    kw = h.server.keywarden();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /**
   * A workspace with two projects and a user who is a {@code member} (read, write) reaching every
   * project, with {@code project} as default project.
   */
  record Tenant(String ws, String user, String project, String project2) {
    NewKeyRequest userKey(String... scopes) {
      return NewKeyRequest.userKey(ws, user, "verify test", List.of(scopes));
    }
  }

  private static Tenant tenant() {
    var t = kw.tenants();
    int n = SEQ.incrementAndGet();
    Workspace ws = t.createWorkspace("verify " + n, null, null, Actor.SYSTEM);
    Project p = t.createProject(ws.id(), "p " + n, Actor.SYSTEM);
    Project p2 = t.createProject(ws.id(), "p2 " + n, Actor.SYSTEM);
    User u = t.createUser("verify" + n + "@example.com", "User " + n, Actor.SYSTEM);
    t.putMembership(ws.id(), u.id(), "member", List.of(), p.id(), Actor.SYSTEM);
    return new Tenant(ws.id(), u.id(), p.id(), p2.id());
  }

  private static IssuedKey issue(NewKeyRequest r) {
    return kw.keys().create(r, Actor.SYSTEM);
  }

  /** Verifies with the admin key; asserts the 200 and returns {@code data}. */
  private static JsonNode verify(String json) {
    var r = h.post("/v1/keys/verify", json).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  private static JsonNode verifyKey(String secret, String extra) {
    return verify("{\"key\":\"" + secret + "\"" + extra + "}");
  }

  private static void assertDenied(JsonNode d, String code) {
    assertThat(d.get("valid").asBoolean()).as(d.toString()).isFalse();
    assertThat(d.get("code").asText()).as(d.toString()).isEqualTo(code);
  }

  private static void assertValid(JsonNode d) {
    assertThat(d.get("valid").asBoolean()).as(d.toString()).isTrue();
    assertThat(d.get("code").asText()).isEqualTo("valid");
  }

  // ---- 200 valid ----

  @Test
  void freshUserKeyIsValidWithItsIdentityAndEffectiveScopes() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read", "write").withMetadata("{\"team\":\"ops\"}"));
    var r = h.post("/v1/keys/verify", "{\"key\":\"" + k.secret() + "\"}").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Request-Id")).isNotBlank();
    JsonNode d = r.data();
    assertValid(d);
    JsonNode key = d.get("key");
    assertThat(key.get("id").asText()).isEqualTo(k.key().id()).startsWith("key_");
    assertThat(key.get("name").asText()).isEqualTo("verify test");
    assertThat(key.get("kind").asText()).isEqualTo("user");
    assertThat(key.get("type").asText()).isEqualTo("secret");
    assertThat(key.get("environment").asText()).isEqualTo("live");
    assertThat(key.get("workspace_id").asText()).isEqualTo(t.ws());
    assertThat(key.get("user_id").asText()).isEqualTo(t.user());
    assertThat(key.get("project_id").isNull()).isTrue();
    assertThat(key.get("display").asText()).isEqualTo(KeyFormat.displayForm(k.secret()));
    assertThat(key.get("expires_at").asText()).endsWith("Z");
    assertThat(key.get("metadata").get("team").asText()).isEqualTo("ops");
    assertThat(d.get("project_id").isNull()).isTrue();
    assertThat(d.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("read", "write");
    assertThat(r.raw.body()).doesNotContain(k.secret());
  }

  @Test
  void effectiveScopesAreTheKeysScopesCappedByTheOwnersRole() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("admin"));
    JsonNode d = verifyKey(k.secret(), "");
    assertValid(d);
    assertThat(d.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("read", "write");
    assertDenied(verifyKey(k.secret(), ",\"scopes\":[\"admin\"]"), "insufficient_scope");
  }

  @Test
  void requiredScopesThatTheKeyHasAreValid() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read", "write"));
    assertValid(verifyKey(k.secret(), ",\"scopes\":[\"read\",\"write\"]"));
    assertValid(verifyKey(k.secret(), ",\"any_scopes\":[\"admin\",\"write\"]"));
  }

  @Test
  void selectedProjectIsReturned() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read"));
    JsonNode d = verifyKey(k.secret(), ",\"project_id\":\"" + t.project2() + "\"");
    assertValid(d);
    assertThat(d.get("project_id").asText()).isEqualTo(t.project2());
  }

  @Test
  void defaultFallbackUsesTheMembersDefaultProject() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read"));
    JsonNode d = verifyKey(k.secret(), ",\"project_selection\":\"default_fallback\"");
    assertValid(d);
    assertThat(d.get("project_id").asText()).isEqualTo(t.project());
  }

  @Test
  void projectKeyIsValidForItsOwnProjectWithEveryScope() {
    Tenant t = tenant();
    IssuedKey k = issue(NewKeyRequest.projectKey(t.ws(), t.project(), "deploy bot"));
    JsonNode d = verifyKey(k.secret(), ",\"project_id\":\"" + t.project2() + "\",\"scopes\":[\"admin\"]");
    assertValid(d);
    assertThat(d.get("key").get("kind").asText()).isEqualTo("project");
    assertThat(d.get("key").get("project_id").asText()).isEqualTo(t.project());
    assertThat(d.get("key").get("user_id").isNull()).isTrue();
    assertThat(d.get("project_id").asText()).as("a project key ignores the selected project").isEqualTo(t.project());
    assertThat(d.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("read", "write", "admin");
  }

  // ---- 200 with valid=false: one test per decision code, in the order of the checks ----

  @Test
  void malformedKeyIsMalformedWithoutIdentity() {
    JsonNode d = verifyKey("not a key", "");
    assertDenied(d, "malformed");
    assertThat(d.get("key").isNull()).isTrue();
    assertThat(d.get("scopes").isNull()).isTrue();
    assertDenied(verifyKey("", ""), "missing");
  }

  @Test
  void mistypedKeyIsBadChecksum() {
    IssuedKey k = issue(tenant().userKey("read"));
    String s = k.secret();
    char last = s.charAt(s.length() - 1);
    String typo = s.substring(0, s.length() - 1) + (last == 'a' ? 'b' : 'a');
    JsonNode d = verifyKey(typo, "");
    assertDenied(d, "bad_checksum");
    assertThat(d.get("key").isNull()).isTrue();
  }

  @Test
  void wellFormedUnknownKeyIsNotFound() {
    String unknown = KeyFormat.generate("kw_sk_live");
    assertDenied(verifyKey(unknown, ""), "not_found");
    assertDenied(verifyKey(unknown, ""), "not_found");
  }

  @Test
  void operatorKeyGivenAsTheKeyIsWrongRealm() {
    JsonNode d = verifyKey(h.adminKey, "");
    assertDenied(d, "wrong_realm");
  }

  @Test
  void revokedKeyIsRevoked() {
    IssuedKey k = issue(tenant().userKey("read"));
    kw.keys().revoke(k.key().id(), Actor.SYSTEM);
    JsonNode d = verifyKey(k.secret(), "");
    assertDenied(d, "revoked");
    assertThat(d.get("key").get("id").asText()).isEqualTo(k.key().id());
  }

  @Test
  void expiredKeyIsExpiredOnceTheClockPassesItsExpiry() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read").withExpiresAt(h.clock.instant().plus(Duration.ofMinutes(1))));
    assertValid(verifyKey(k.secret(), ""));
    h.clock.advance(Duration.ofMinutes(2));
    assertDenied(verifyKey(k.secret(), ""), "expired");
  }

  @Test
  void disabledKeyIsDisabledAndComesBackWhenEnabled() {
    IssuedKey k = issue(tenant().userKey("read"));
    kw.keys().update(k.key().id(), KeyUpdate.none().withEnabled(false), Actor.SYSTEM);
    assertDenied(verifyKey(k.secret(), ""), "disabled");
    kw.keys().update(k.key().id(), KeyUpdate.none().withEnabled(true), Actor.SYSTEM);
    assertValid(verifyKey(k.secret(), ""));
  }

  @Test
  void clientIpOutsideTheAllowListIsIpNotAllowed() {
    IssuedKey k = issue(tenant().userKey("read").withAllowedIps(List.of("10.0.0.0/8")));
    assertValid(verifyKey(k.secret(), ",\"ip\":\"10.1.2.3\""));
    assertDenied(verifyKey(k.secret(), ",\"ip\":\"192.168.1.1\""), "ip_not_allowed");
    assertDenied(verifyKey(k.secret(), ""), "ip_not_allowed");
  }

  @Test
  void originOutsideAPublishableKeysListIsOriginNotAllowed() {
    IssuedKey k = issue(tenant().userKey("read").withType(KeyType.PUBLISHABLE)
        .withAllowedOrigins(List.of("https://app.example.com")));
    assertThat(k.secret()).startsWith("kw_pk_live_");
    assertValid(verifyKey(k.secret(), ",\"public\":true,\"origin\":\"https://app.example.com\""));
    assertDenied(verifyKey(k.secret(), ",\"public\":true,\"origin\":\"https://evil.example.net\""), "origin_not_allowed");
  }

  @Test
  void publishableKeyOnANonPublicRouteIsPublishableNotAllowed() {
    IssuedKey k = issue(tenant().userKey("read").withType(KeyType.PUBLISHABLE));
    assertValid(verifyKey(k.secret(), ",\"public\":true"));
    assertDenied(verifyKey(k.secret(), ",\"public\":false"), "publishable_not_allowed");
  }

  @Test
  void aPublishableKeyIsRefusedUnlessTheCallerSaysTheResourceIsPublic() {
    IssuedKey k = issue(tenant().userKey("read").withType(KeyType.PUBLISHABLE));
    assertDenied(verifyKey(k.secret(), ""), "publishable_not_allowed");
    assertDenied(verifyKey(k.secret(), ",\"public\":null"), "publishable_not_allowed");
    IssuedKey secret = issue(tenant().userKey("read"));
    assertValid(verifyKey(secret.secret(), ""));
  }

  // ---- operator keys bound to a workspace ----

  /** {@code used} of the first rate-limit policy of a key, as the limits endpoint reports it. */
  private static long used(IssuedKey k) {
    var r = h.get("/v1/keys/" + k.key().id() + "/limits").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data().get("policies").get(0).path("used").asLong(0);
  }

  private static JsonNode verifyAs(String operatorKey, String secret) {
    var r = h.call("POST", "/v1/keys/verify").auth(operatorKey).json("{\"key\":\"" + secret + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.data();
  }

  @Test
  void aBoundOperatorKeyVerifiesItsOwnWorkspacesKeys() {
    Tenant a = tenant();
    String verifier = kw.keys().createOperatorKey("a verifier", List.of("verify"), null, a.ws(), Actor.SYSTEM).secret();
    assertValid(verifyAs(verifier, issue(a.userKey("read")).secret()));
  }

  @Test
  void aBoundOperatorKeyGetsAnotherWorkspacesNeverSeenKeyAnsweredExactlyLikeAnUnknownKey() {
    Tenant a = tenant();
    Tenant b = tenant();
    String verifier = kw.keys().createOperatorKey("a verifier", List.of("verify"), null, a.ws(), Actor.SYSTEM).secret();
    IssuedKey theirs = issue(b.userKey("read"));
    long valid = kw.count(io.keywarden.core.decision.DecisionStatus.VALID);

    JsonNode foreign = verifyAs(verifier, theirs.secret());
    JsonNode unknown = verifyAs(verifier, KeyFormat.generate("kw_sk_live"));

    assertThat(foreign).isEqualTo(unknown);
    assertDenied(foreign, "not_found");
    assertThat(kw.count(io.keywarden.core.decision.DecisionStatus.VALID)).as("only the verifier's own two")
        .isEqualTo(valid + 2);
    assertThat(used(theirs)).isZero();
    kw.lastUsed().flush();
    assertThat(kw.store().key(theirs.key().id()).orElseThrow().lastUsedAt()).isNull();
  }

  @Test
  void aBoundOperatorKeyGetsAnotherWorkspacesCachedKeyAnsweredExactlyLikeAnUnknownKeyAndMovesNoCounter() {
    Tenant a = tenant();
    Tenant b = tenant();
    String verifier = kw.keys().createOperatorKey("a verifier", List.of("verify"), null, a.ws(), Actor.SYSTEM).secret();
    IssuedKey theirs = issue(b.userKey("read"));
    assertValid(verifyKey(theirs.secret(), "")); // by B's own (here: the unbound) verifier: cached now
    long usedBefore = used(theirs);
    verifyAs(verifier, KeyFormat.generate("kw_sk_live")); // the verifier itself is cached
    long reads = kw.cache().storeReads();

    JsonNode foreign = verifyAs(verifier, theirs.secret());
    assertThat(kw.cache().storeReads()).as("the foreign key was answered from the cache").isEqualTo(reads);
    JsonNode unknown = verifyAs(verifier, KeyFormat.generate("kw_sk_live"));

    assertThat(foreign).isEqualTo(unknown);
    assertDenied(foreign, "not_found");
    assertThat(used(theirs)).isEqualTo(usedBefore);
  }

  @Test
  void aNeverSeenKeyIsDecidedAndRecordedOnceAlthoughItMovesToAWorker() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read"));
    assertDenied(verifyKey(KeyFormat.generate("kw_sk_live"), ""), "not_found"); // the operator key is cached
    var counts = io.keywarden.core.decision.DecisionStatus.VALID;
    long before = kw.count(counts);

    assertValid(verifyKey(k.secret(), ""));

    assertThat(kw.count(counts)).as("one decision for the operator key, one for the verified key")
        .isEqualTo(before + 2);
  }

  @Test
  void keyOfAUserRemovedFromTheWorkspaceIsOwnerNotMemberAtOnce() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read"));
    assertValid(verifyKey(k.secret(), ""));
    kw.store().removeMembership(t.ws(), t.user(), Actor.SYSTEM);
    assertDenied(verifyKey(k.secret(), ""), "owner_not_member");
  }

  @Test
  void requiredProjectNotGivenIsProjectRequired() {
    IssuedKey k = issue(tenant().userKey("read"));
    assertDenied(verifyKey(k.secret(), ",\"project_selection\":\"required\""), "project_required");
  }

  @Test
  void projectOfAnotherWorkspaceIsAnsweredExactlyLikeAnUnknownProject() {
    Tenant t = tenant();
    Tenant other = tenant();
    IssuedKey k = issue(t.userKey("read"));
    JsonNode unknown = verifyKey(k.secret(), ",\"project_id\":\"proj_000000000000000000000000\"");
    JsonNode foreign = verifyKey(k.secret(), ",\"project_id\":\"" + other.project() + "\"");
    assertDenied(unknown, "project_not_found");
    assertThat(foreign).isEqualTo(unknown);
  }

  @Test
  void projectOutsideTheKeysAllowListIsProjectNotAllowed() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read").withProjects(List.of(t.project())));
    assertValid(verifyKey(k.secret(), ",\"project_id\":\"" + t.project() + "\""));
    JsonNode d = verifyKey(k.secret(), ",\"project_id\":\"" + t.project2() + "\"");
    assertDenied(d, "project_not_allowed");
    assertThat(d.get("project_id").asText()).isEqualTo(t.project2());
  }

  @Test
  void projectOutsideTheMembersReachIsProjectNotAllowed() {
    Tenant t = tenant();
    kw.tenants().putMembership(t.ws(), t.user(), "member", List.of(t.project()), null, Actor.SYSTEM);
    IssuedKey k = issue(t.userKey("read"));
    assertDenied(verifyKey(k.secret(), ",\"project_id\":\"" + t.project2() + "\""), "project_not_allowed");
  }

  @Test
  void missingScopeIsInsufficientScopeWithTheEffectiveScopes() {
    IssuedKey k = issue(tenant().userKey("read"));
    JsonNode d = verifyKey(k.secret(), ",\"scopes\":[\"write\"]");
    assertDenied(d, "insufficient_scope");
    assertThat(d.get("key").get("id").asText()).isEqualTo(k.key().id());
    assertThat(d.get("scopes")).extracting(JsonNode::asText).containsExactly("read");
    assertDenied(verifyKey(k.secret(), ",\"any_scopes\":[\"write\",\"admin\"]"), "insufficient_scope");
  }

  // ---- caching: cold keys and revocation ----

  @Test
  void neverSeenKeyIsAnsweredCorrectlyFromTheStoreOnAWorkerThread() {
    Tenant t = tenant();
    IssuedKey k = issue(t.userKey("read"));
    kw.cache().invalidateAll();
    long reads = kw.cache().storeReads();
    JsonNode d = verifyKey(k.secret(), ",\"project_id\":\"" + t.project() + "\"");
    assertValid(d);
    assertThat(d.get("key").get("id").asText()).isEqualTo(k.key().id());
    assertThat(kw.cache().storeReads()).as("the cold path read the store").isGreaterThan(reads);
    long warm = kw.cache().storeReads();
    assertValid(verifyKey(k.secret(), ",\"project_id\":\"" + t.project() + "\""));
    assertThat(kw.cache().storeReads()).as("the second call is served from the cache").isEqualTo(warm);
  }

  @Test
  void revocationIsSeenOnTheVeryNextCall() {
    IssuedKey k = issue(tenant().userKey("read"));
    assertValid(verifyKey(k.secret(), ""));
    assertValid(verifyKey(k.secret(), ""));
    kw.keys().revoke(k.key().id(), Actor.SYSTEM);
    assertDenied(verifyKey(k.secret(), ""), "revoked");
  }

  @Test
  void scopeChangeIsSeenOnTheVeryNextCall() {
    IssuedKey k = issue(tenant().userKey("read", "write"));
    assertValid(verifyKey(k.secret(), ",\"scopes\":[\"write\"]"));
    kw.keys().update(k.key().id(), KeyUpdate.none().withScopes(List.of("read")), Actor.SYSTEM);
    assertDenied(verifyKey(k.secret(), ",\"scopes\":[\"write\"]"), "insufficient_scope");
  }

  // ---- 400 ----

  @Test
  void unknownRequiredScopeIs400NamingScopes() {
    IssuedKey k = issue(tenant().userKey("read"));
    var r = h.post("/v1/keys/verify", "{\"key\":\"" + k.secret() + "\",\"scopes\":[\"raed\"]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("scopes");
    assertThat(r.json.get("error").get("message").asText()).contains("raed");
    var any = h.post("/v1/keys/verify", "{\"key\":\"" + k.secret() + "\",\"any_scopes\":[\"raed\"]}").send();
    assertThat(any.status()).isEqualTo(400);
    assertThat(any.errorField()).isEqualTo("any_scopes");
  }

  @Test
  void missingKeyIs400NamingKey() {
    var r = h.post("/v1/keys/verify", "{\"scopes\":[\"read\"]}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("key");
    var empty = h.call("POST", "/v1/keys/verify").auth(h.adminKey).send();
    assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
    assertThat(empty.errorField()).isEqualTo("body");
  }

  /** Regression: an empty body with a JSON content type was a 500 (the body handler's buffer is null). */
  @Test
  void emptyBodyIs400NamingBodyWhateverItsContentType() {
    var json = h.call("POST", "/v1/keys/verify").auth(h.adminKey).body("application/json", new byte[0]).send();
    assertThat(json.status()).as(json.toString()).isEqualTo(400);
    assertThat(json.errorField()).isEqualTo("body");
    var none = h.call("POST", "/v1/keys/verify").auth(h.adminKey).body(null, new byte[0]).send();
    assertThat(none.status()).as(none.toString()).isEqualTo(400);
    assertThat(none.errorField()).isEqualTo("body");
  }

  @Test
  void unknownFieldIs400NamingIt() {
    var r = h.post("/v1/keys/verify", "{\"key\":\"x\",\"client_ip\":\"10.0.0.1\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("client_ip");
    assertThat(r.json.get("error").get("message").asText()).contains("client_ip");
  }

  @Test
  void wrongTypesAndBadValuesAre400NamingTheField() {
    var key = h.post("/v1/keys/verify", "{\"key\":42}").send();
    assertThat(key.status()).isEqualTo(400);
    assertThat(key.errorField()).isEqualTo("key");
    var pub = h.post("/v1/keys/verify", "{\"key\":\"x\",\"public\":\"yes\"}").send();
    assertThat(pub.errorField()).isEqualTo("public");
    var sel = h.post("/v1/keys/verify", "{\"key\":\"x\",\"project_selection\":\"sometimes\"}").send();
    assertThat(sel.status()).isEqualTo(400);
    assertThat(sel.errorField()).isEqualTo("project_selection");
    var both = h.post("/v1/keys/verify", "{\"key\":\"x\",\"scopes\":[\"read\"],\"any_scopes\":[\"read\"]}").send();
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.errorField()).isEqualTo("any_scopes");
  }

  @Test
  void malformedJsonIs400SayingWhere() {
    var r = h.post("/v1/keys/verify", "{\"key\": \"x\",}").send();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json.get("error").get("message").asText()).contains("line 1");
  }

  // ---- 401 / 403 ----

  @Test
  void noOperatorKeyIs401WithWwwAuthenticateEvenWithABadBody() {
    var r = h.call("POST", "/v1/keys/verify").json("{\"key\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
    assertThat(r.reason()).isEqualTo("missing");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    var bad = h.call("POST", "/v1/keys/verify").json("{\"key\":\"x\",\"scopes\":[\"secret-scope\"]}").send();
    assertThat(bad.status()).as("an anonymous caller learns nothing from the body checks").isEqualTo(401);
  }

  @Test
  void operatorKeyWithoutVerifyIs403() {
    String reader = kw.keys().createOperatorKey("no verify", List.of("keys:read", "tenants:write"), null, Actor.SYSTEM).secret();
    var r = h.call("POST", "/v1/keys/verify").auth(reader).json("{\"key\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.reason()).isEqualTo("insufficient_scope");
    assertThat(r.header("WWW-Authenticate")).contains("scope=\"verify\"");
  }

  @Test
  void operatorKeyWithOnlyVerifyMayVerify() {
    String verifier = kw.keys().createOperatorKey("verifier", List.of("verify"), null, Actor.SYSTEM).secret();
    IssuedKey k = issue(tenant().userKey("read"));
    var r = h.call("POST", "/v1/keys/verify").auth(verifier).json("{\"key\":\"" + k.secret() + "\"}").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertValid(r.data());
  }

  @Test
  void accessKeyAsTheBearerIs401WrongRealm() {
    IssuedKey k = issue(tenant().userKey("read"));
    var r = h.call("POST", "/v1/keys/verify").auth(k.secret()).json("{\"key\":\"" + k.secret() + "\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("wrong_realm");
    assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
    assertThat(r.raw.body()).doesNotContain(k.secret());
  }

  @Test
  void revokedOperatorKeyIs401Revoked() {
    IssuedKey op = kw.keys().createOperatorKey("short-lived", List.of("verify"), null, Actor.SYSTEM);
    kw.keys().revoke(op.key().id(), Actor.SYSTEM);
    var r = h.call("POST", "/v1/keys/verify").auth(op.secret()).json("{\"key\":\"x\"}").send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("revoked");
  }

  // ---- 413 / 415 ----

  @Test
  void nonJsonBodyIs415() {
    var r = h.call("POST", "/v1/keys/verify").auth(h.adminKey)
        .body("application/x-www-form-urlencoded", "key=x".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
  }

  @Test
  void oversizedBodyIs413() {
    String huge = "{\"key\":\"" + "x".repeat(1_100_000) + "\"}";
    var r = h.post("/v1/keys/verify", huge).send();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
  }
}
