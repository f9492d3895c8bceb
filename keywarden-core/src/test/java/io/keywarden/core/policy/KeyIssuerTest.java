package io.keywarden.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyType;
import io.keywarden.testkit.MutableClock;
import io.keywarden.core.testing.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validating key requests against the access model, and making keys. */
class KeyIssuerTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private final MutableClock clock = MutableClock.at(NOW);
  private final KeyHasher hasher = Secrets.hasherV1();

  private KeyIssuer issuer(AccessModel model) {
    return new KeyIssuer(model, hasher, new IdGenerator(clock), clock);
  }

  private final KeyIssuer issuer = issuer(AccessModel.defaults());

  private static NewKeyRequest userKey(String... scopes) {
    return NewKeyRequest.userKey("ws_1", "usr_1", "CI deploys", List.of(scopes));
  }

  private static NewKeyRequest projectKey() {
    return NewKeyRequest.projectKey("ws_1", "proj_1", "Build server");
  }

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeywardenException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.code().httpStatus()).isEqualTo(400);
    });
  }

  private static NewKeyRequest withUserAndProject(NewKeyRequest r, String userId, String projectId) {
    return new NewKeyRequest(r.workspaceId(), r.kind(), userId, projectId, r.name(), r.type(),
        r.environment(), r.scopes(), r.projectIds(), r.ttlDays(), r.expiresAt(), r.noExpiry(),
        r.allowedIps(), r.allowedOrigins(), r.metadata());
  }

  private static NewKeyRequest withName(NewKeyRequest r, String name) {
    return new NewKeyRequest(r.workspaceId(), r.kind(), r.userId(), r.projectId(), name, r.type(),
        r.environment(), r.scopes(), r.projectIds(), r.ttlDays(), r.expiresAt(), r.noExpiry(),
        r.allowedIps(), r.allowedOrigins(), r.metadata());
  }

  // ---- invalid requests, one field each ----

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void aBlankNameIsRejected(String name) {
    assertInvalid(() -> issuer.issue(withName(userKey("read"), name), null, "usr_1"), "name");
  }

  @Test
  void aMissingNameIsRejected() {
    assertInvalid(() -> issuer.issue(withName(userKey("read"), null), null, "usr_1"), "name");
  }

  @Test
  void aNameOver200CharactersIsRejected() {
    assertInvalid(() -> issuer.issue(withName(userKey("read"), "n".repeat(201)), null, "u"), "name");
    assertThat(issuer.issue(withName(userKey("read"), "n".repeat(200)), null, "u").key().name())
        .hasSize(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "bell\u0007", "new\nline", "tab\there", "del\u007f", "c1\u0085"})
  void aNameWithControlCharactersIsRejected(String name) {
    assertInvalid(() -> issuer.issue(withName(userKey("read"), name), null, "u"), "name");
  }

  @Test
  void aNameThatHoldsAKeyIsRejectedSoTheKeyIsNeitherStoredNorEchoed() {
    String key = io.keywarden.core.keys.KeyFormat.generate("kw_sk_live");
    assertInvalid(() -> issuer.issue(withName(userKey("read"), "prod " + key), null, "u"), "name");
    assertInvalid(() -> issuer.issueOperator(key, java.util.List.of("verify"), null, "u"), "name");
    assertThat(issuer.issue(withName(userKey("read"), "kw_sk_live keys for CI"), null, "u").key().name())
        .isEqualTo("kw_sk_live keys for CI");
  }

  @Test
  void theNameIsStripped() {
    assertThat(issuer.issue(withName(userKey("read"), "  CI  "), null, "u").key().name())
        .isEqualTo("CI");
  }

  @Test
  void anUnknownEnvironmentIsRejected() {
    assertInvalid(() -> issuer.issue(userKey("read").withEnvironment("prod"), null, "u"), "environment");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 29, 45, 91, 365, -30})
  void aTtlOutsideTheChoicesIsRejected(int days) {
    assertInvalid(() -> issuer.issue(userKey("read").withTtlDays(days), null, "u"), "ttl_days");
  }

  @Test
  void ttlDaysAndExpiresAtTogetherAreRejected() {
    NewKeyRequest r = userKey("read").withTtlDays(30).withExpiresAt(NOW.plus(Duration.ofDays(10)));
    assertInvalid(() -> issuer.issue(r, null, "u"), "ttl_days");
  }

  @Test
  void ttlDaysAndNoExpiryTogetherAreRejected() {
    assertInvalid(() -> issuer.issue(userKey("read").withTtlDays(30).withNoExpiry(), null, "u"),
        "ttl_days");
  }

  @Test
  void anExpiryInThePastOrNowIsRejected() {
    assertInvalid(() -> issuer.issue(userKey("read").withExpiresAt(NOW.minusSeconds(1)), null, "u"),
        "expires_at");
    assertInvalid(() -> issuer.issue(userKey("read").withExpiresAt(NOW), null, "u"), "expires_at");
  }

  @Test
  void anExpiryBeyondTheLongestChoiceIsRejectedWhenKeysMustExpire() {
    KeyIssuer strict = issuer(AccessModel.builder()
        .ttl(new TtlPolicy(List.of(30, 60, 90), false, 90)).build());

    assertInvalid(() -> strict.issue(
        userKey("read").withExpiresAt(NOW.plus(Duration.ofDays(90)).plusSeconds(1)), null, "u"),
        "expires_at");
    assertThat(strict.issue(userKey("read").withExpiresAt(NOW.plus(Duration.ofDays(90))), null, "u")
        .key().expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(90)));
  }

  @Test
  void anyFutureExpiryIsAcceptedWhenKeysMayNeverExpire() {
    Instant far = NOW.plus(Duration.ofDays(1000));
    assertThat(issuer.issue(userKey("read").withExpiresAt(far), null, "u").key().expiresAt())
        .isEqualTo(far);
  }

  @Test
  void noExpiryIsRejectedWhenNotAllowed() {
    KeyIssuer strict = issuer(AccessModel.builder()
        .ttl(new TtlPolicy(List.of(30, 60, 90), false, 90)).build());
    assertInvalid(() -> strict.issue(userKey("read").withNoExpiry(), null, "u"), "ttl_days");
  }

  @Test
  void noExpiryIsAcceptedWhenAllowed() {
    assertThat(issuer.issue(userKey("read").withNoExpiry(), null, "u").key().expiresAt()).isNull();
  }

  @Test
  void aWorkspaceCapShortensTheDefaultLifetime() {
    ApiKey key = issuer.issue(userKey("read"), 30, "u").key();
    assertThat(key.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(30)));
  }

  @Test
  void aWorkspaceCapGivesANeverExpiringDefaultALifetime() {
    KeyIssuer lax = issuer(AccessModel.builder().ttl(new TtlPolicy(List.of(30), true, null)).build());
    assertThat(lax.issue(userKey("read"), null, "u").key().expiresAt()).isNull();
    assertThat(lax.issue(userKey("read"), 7, "u").key().expiresAt())
        .isEqualTo(NOW.plus(Duration.ofDays(7)));
  }

  @Test
  void aWorkspaceCapRejectsLongerExplicitLifetimes() {
    assertInvalid(() -> issuer.issue(userKey("read").withTtlDays(60), 30, "u"), "ttl_days");
    assertInvalid(() -> issuer.issue(
        userKey("read").withExpiresAt(NOW.plus(Duration.ofDays(45))), 30, "u"), "expires_at");
    assertInvalid(() -> issuer.issue(userKey("read").withNoExpiry(), 30, "u"), "ttl_days");
    assertThat(issuer.issue(userKey("read").withTtlDays(30), 30, "u").key().expiresAt())
        .isEqualTo(NOW.plus(Duration.ofDays(30)));
  }

  @Test
  void unknownScopesAreRejected() {
    assertInvalid(() -> issuer.issue(userKey("read", "deploy"), null, "u"), "scopes");
    assertInvalid(() -> issuer.issue(userKey("env:*"), null, "u"), "scopes");
  }

  @Test
  void emptyScopeEntriesAreRejected() {
    assertInvalid(() -> issuer.issue(userKey("read", " "), null, "u"), "scopes");
  }

  @Test
  void nullListEntriesAreRejectedNamingTheField() {
    NewKeyRequest nullScope = new NewKeyRequest("ws_1", KeyKind.USER, "usr_1", null, "k", null, null,
        Arrays.asList("read", null), null, null, null, false, null, null, null);
    NewKeyRequest nullProject = userKey("read").withProjects(Arrays.asList("proj_1", null));
    NewKeyRequest nullIp = userKey("read").withAllowedIps(Arrays.asList((String) null));
    NewKeyRequest nullOrigin = userKey("read").withType(KeyType.PUBLISHABLE)
        .withAllowedOrigins(Arrays.asList((String) null));

    assertInvalid(() -> issuer.issue(nullScope, null, "u"), "scopes");
    assertInvalid(() -> issuer.issue(nullProject, null, "u"), "projects");
    assertInvalid(() -> issuer.issue(nullIp, null, "u"), "allowed_ips");
    assertInvalid(() -> issuer.issue(nullOrigin, null, "u"), "allowed_origins");
  }

  @Test
  void aProjectKeyTakesNoScopes() {
    NewKeyRequest r = new NewKeyRequest("ws_1", KeyKind.PROJECT, null, "proj_1", "k", null, null,
        List.of("read"), List.of(), null, null, false, List.of(), List.of(), null);
    assertInvalid(() -> issuer.issue(r, null, "u"), "scopes");
  }

  @Test
  void aProjectKeyTakesNoProjectAllowList() {
    assertInvalid(() -> issuer.issue(projectKey().withProjects(List.of("proj_2")), null, "u"),
        "projects");
  }

  @Test
  void aProjectKeyTakesNoUser() {
    assertInvalid(() -> issuer.issue(withUserAndProject(projectKey(), "usr_1", "proj_1"), null, "u"),
        "user_id");
  }

  @Test
  void aProjectKeyNeedsItsProject() {
    assertInvalid(() -> issuer.issue(withUserAndProject(projectKey(), null, null), null, "u"),
        "project_id");
  }

  @Test
  void aUserKeyTakesNoProjectId() {
    assertInvalid(() -> issuer.issue(withUserAndProject(userKey("read"), "usr_1", "proj_1"), null, "u"),
        "project_id");
  }

  @Test
  void aUserKeyNeedsItsUser() {
    assertInvalid(() -> issuer.issue(withUserAndProject(userKey("read"), " ", null), null, "u"),
        "user_id");
  }

  @Test
  void aKeyNeedsAWorkspace() {
    assertInvalid(() -> issuer.issue(
        NewKeyRequest.userKey(null, "usr_1", "k", List.of("read")), null, "u"), "workspace_id");
  }

  @Test
  void theKindMustBeUserOrProject() {
    NewKeyRequest noKind = new NewKeyRequest("ws_1", null, "usr_1", null, "k", null, null,
        List.of(), List.of(), null, null, false, List.of(), List.of(), null);
    NewKeyRequest operator = new NewKeyRequest("ws_1", KeyKind.OPERATOR, "usr_1", null, "k", null,
        null, List.of(), List.of(), null, null, false, List.of(), List.of(), null);
    assertInvalid(() -> issuer.issue(noKind, null, "u"), "kind");
    assertInvalid(() -> issuer.issue(operator, null, "u"), "kind");
  }

  @Test
  void allowedOriginsAreOnlyForPublishableKeys() {
    NewKeyRequest r = userKey("read").withAllowedOrigins(List.of("https://app.example.com"));
    assertInvalid(() -> issuer.issue(r, null, "u"), "allowed_origins");
    assertThat(issuer.issue(r.withType(KeyType.PUBLISHABLE), null, "u").key().allowedOrigins())
        .containsExactly("https://app.example.com");
  }

  @Test
  void aMalformedCidrIsRejected() {
    assertInvalid(() -> issuer.issue(userKey("read").withAllowedIps(List.of("10.0.0.0/33")), null, "u"),
        "allowed_ips");
    assertInvalid(() -> issuer.issue(userKey("read").withAllowedIps(List.of("office")), null, "u"),
        "allowed_ips");
  }

  @Test
  void tooManyCidrsAreRejected() {
    List<String> ips = Collections.nCopies(KeyIssuer.MAX_ALLOWED_IPS + 1, "10.0.0.1");
    assertInvalid(() -> issuer.issue(userKey("read").withAllowedIps(ips), null, "u"), "allowed_ips");
  }

  @Test
  void aMalformedOriginIsRejected() {
    NewKeyRequest r = userKey("read").withType(KeyType.PUBLISHABLE)
        .withAllowedOrigins(List.of("app.example.com"));
    assertInvalid(() -> issuer.issue(r, null, "u"), "allowed_origins");
  }

  @Test
  void metadataOverTheSizeLimitIsRejected() {
    String fits = "{\"a\":\"" + "x".repeat(AccessModel.DEFAULT_MAX_METADATA_BYTES - 8) + "\"}";
    String over = "{\"a\":\"" + "x".repeat(AccessModel.DEFAULT_MAX_METADATA_BYTES - 7) + "\"}";
    assertThat(fits.length()).isEqualTo(AccessModel.DEFAULT_MAX_METADATA_BYTES);

    assertThat(issuer.issue(userKey("read").withMetadata(fits), null, "u").key().metadata())
        .isEqualTo(fits);
    assertInvalid(() -> issuer.issue(userKey("read").withMetadata(over), null, "u"), "metadata");
  }

  @Test
  void metadataIsMeasuredInUtf8Bytes() {
    String accents = "{\"a\":\"" + "\u00e9".repeat(2100) + "\"}";
    assertThat(accents.length()).isLessThan(AccessModel.DEFAULT_MAX_METADATA_BYTES);
    assertInvalid(() -> issuer.issue(userKey("read").withMetadata(accents), null, "u"), "metadata");
  }

  @Test
  void absentMetadataIsAnEmptyObject() {
    assertThat(issuer.issue(userKey("read"), null, "u").key().metadata()).isEqualTo("{}");
  }

  @Test
  void operatorKeysNeedScopesFromTheOperatorVocabulary() {
    assertInvalid(() -> issuer.issueOperator("ops", List.of("read"), null, "root"), "scopes");
    assertInvalid(() -> issuer.issueOperator("ops", List.of(), null, "root"), "scopes");
    assertInvalid(() -> issuer.issueOperator("ops", List.of("keys:write"), NOW, "root"), "expires_at");
    assertInvalid(() -> issuer.issueOperator(" ", List.of("keys:write"), null, "root"), "name");
  }

  @Test
  void operatorKeysHaveTheirOwnPrefixAndNoWorkspace() {
    IssuedKey issued = issuer.issueOperator("ops", List.of("keys:write", "audit:read"), null, "root");

    assertThat(issued.key().kind()).isEqualTo(KeyKind.OPERATOR);
    assertThat(issued.key().prefix()).isEqualTo(AccessModel.DEFAULT_OPERATOR_PREFIX);
    assertThat(issued.secret()).startsWith("kw_op_");
    assertThat(KeyFormat.check(issued.secret())).isEqualTo(KeyFormat.OK);
    assertThat(issued.key().workspaceId()).isNull();
    assertThat(issued.key().scopes()).containsExactly("keys:write", "audit:read");
    assertThat(hasher.hash(issued.secret())).isEqualTo(issued.key().hash());
  }

  // ---- valid requests ----

  @Test
  void theDefaultLifetimeIs90DaysFromTheClock() {
    clock.advance(Duration.ofHours(5));
    ApiKey key = issuer.issue(userKey("read"), null, "usr_1").key();

    assertThat(key.createdAt()).isEqualTo(NOW.plus(Duration.ofHours(5)));
    assertThat(key.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(5)).plus(Duration.ofDays(90)));
  }

  @ParameterizedTest
  @ValueSource(ints = {30, 60, 90})
  void eachTtlChoiceSetsTheExpiry(int days) {
    assertThat(issuer.issue(userKey("read").withTtlDays(days), null, "u").key().expiresAt())
        .isEqualTo(NOW.plus(Duration.ofDays(days)));
  }

  @Test
  void theDefaultPrefixesFollowTypeAndEnvironment() {
    assertThat(issuer.issue(userKey("read"), null, "u").secret()).startsWith("kw_sk_live_");
    assertThat(issuer.issue(userKey("read").withEnvironment("test"), null, "u").key().prefix())
        .isEqualTo("kw_sk_test");
    assertThat(issuer.issue(userKey("read").withType(KeyType.PUBLISHABLE), null, "u").key().prefix())
        .isEqualTo("kw_pk_live");
    IssuedKey pkTest = issuer.issue(
        userKey("read").withType(KeyType.PUBLISHABLE).withEnvironment("test"), null, "u");
    assertThat(pkTest.key().prefix()).isEqualTo("kw_pk_test");
    assertThat(KeyFormat.prefixOf(pkTest.secret())).isEqualTo("kw_pk_test");
    assertThat(pkTest.key().environment()).isEqualTo("test");
    assertThat(pkTest.key().type()).isEqualTo(KeyType.PUBLISHABLE);
  }

  @Test
  void nomoticKeysStartWithNmLive() {
    AccessModel nomotic = AccessModel.builder()
        .environments(List.of("live"), "live")
        .prefix(KeyType.SECRET, "live", "nm_live")
        .build();

    IssuedKey issued = issuer(nomotic).issue(userKey("read"), null, "u");

    assertThat(issued.secret()).startsWith("nm_live_");
    assertThat(KeyFormat.check(issued.secret())).isEqualTo(KeyFormat.OK);
    assertThat(issued.key().prefix()).isEqualTo("nm_live");
  }

  @Test
  void metorialKeysStartWithMetorialSkOrPk() {
    AccessModel metorial = AccessModel.builder()
        .prefix(KeyType.SECRET, "live", "metorial_sk")
        .prefix(KeyType.PUBLISHABLE, "live", "metorial_pk")
        .build();
    KeyIssuer metorialIssuer = issuer(metorial);

    assertThat(metorialIssuer.issue(userKey("read"), null, "u").secret()).startsWith("metorial_sk_");
    assertThat(metorialIssuer.issue(userKey("read").withType(KeyType.PUBLISHABLE), null, "u").secret())
        .startsWith("metorial_pk_");
    assertThat(metorialIssuer.issue(userKey("read").withEnvironment("test"), null, "u").secret())
        .startsWith("kw_sk_test_");
  }

  @Test
  void theSecretPassesTheCheckAndHashesToTheStoredHash() {
    IssuedKey issued = issuer.issue(userKey("read", "write"), null, "usr_1");
    ApiKey key = issued.key();

    assertThat(KeyFormat.check(issued.secret())).isEqualTo(KeyFormat.OK);
    assertThat(hasher.hash(issued.secret())).isEqualTo(key.hash());
    assertThat(key.hashVersion()).isEqualTo(1);
    assertThat(key.display()).isEqualTo(KeyFormat.displayForm(issued.secret()));
    assertThat(key.display()).doesNotContain(issued.secret());
    assertThat(IdGenerator.looksLike(key.id(), "key")).isTrue();
    assertThat(key.kind()).isEqualTo(KeyKind.USER);
    assertThat(key.type()).isEqualTo(KeyType.SECRET);
    assertThat(key.environment()).isEqualTo("live");
    assertThat(key.workspaceId()).isEqualTo("ws_1");
    assertThat(key.ownerUserId()).isEqualTo("usr_1");
    assertThat(key.ownerProjectId()).isNull();
    assertThat(key.scopes()).containsExactly("read", "write");
    assertThat(key.createdBy()).isEqualTo("usr_1");
    assertThat(key.enabled()).isTrue();
    assertThat(key.revokedAt()).isNull();
    assertThat(key.lastUsedAt()).isNull();
  }

  @Test
  void everyIssueMakesADifferentSecret() {
    assertThat(issuer.issue(userKey("read"), null, "u").secret())
        .isNotEqualTo(issuer.issue(userKey("read"), null, "u").secret());
  }

  @Test
  void aProjectKeyIsBoundToItsProjectOnly() {
    ApiKey key = issuer.issue(projectKey(), null, "usr_1").key();

    assertThat(key.kind()).isEqualTo(KeyKind.PROJECT);
    assertThat(key.ownerProjectId()).isEqualTo("proj_1");
    assertThat(key.ownerUserId()).isNull();
    assertThat(key.scopes()).isEmpty();
  }

  @Test
  void listsAreStrippedAndDeduplicated() {
    NewKeyRequest r = userKey(" read", "read ", "write")
        .withProjects(List.of("proj_1", "proj_1", "proj_2"))
        .withAllowedIps(List.of("10.0.0.0/8", "10.0.0.0/8", "192.0.2.1"));
    ApiKey key = issuer.issue(r, null, "u").key();

    assertThat(key.scopes()).containsExactly("read", "write");
    assertThat(key.projectIds()).containsExactly("proj_1", "proj_2");
    assertThat(key.allowedIps()).containsExactly("10.0.0.0/8", "192.0.2.1");
  }

  @Test
  void theIssuedKeysStringNeverShowsTheSecret() {
    IssuedKey issued = issuer.issue(userKey("read"), null, "u");

    assertThat(issued.toString()).doesNotContain(issued.secret()).contains(issued.key().id());
    assertThat(issued.key().toString()).doesNotContain(issued.secret());
  }

  @Test
  void aSuccessorKeepsOwnerScopesListsAndLifetimeAndLinksToTheOldKey() {
    NewKeyRequest r = userKey("read", "write").withTtlDays(30)
        .withProjects(List.of("proj_1"))
        .withAllowedIps(List.of("10.0.0.0/8"))
        .withMetadata("{\"team\":\"ci\"}")
        .withEnvironment("test");
    IssuedKey old = issuer.issue(r, null, "usr_1");
    clock.advance(Duration.ofDays(10));

    IssuedKey next = issuer.successor(old.key(), "usr_2");
    ApiKey k = next.key();

    assertThat(k.id()).isNotEqualTo(old.key().id());
    assertThat(next.secret()).isNotEqualTo(old.secret());
    assertThat(k.replacesKeyId()).isEqualTo(old.key().id());
    assertThat(k.name()).isEqualTo(old.key().name());
    assertThat(k.kind()).isEqualTo(old.key().kind());
    assertThat(k.type()).isEqualTo(old.key().type());
    assertThat(k.environment()).isEqualTo("test");
    assertThat(k.workspaceId()).isEqualTo("ws_1");
    assertThat(k.ownerUserId()).isEqualTo("usr_1");
    assertThat(k.scopes()).containsExactly("read", "write");
    assertThat(k.projectIds()).containsExactly("proj_1");
    assertThat(k.allowedIps()).containsExactly("10.0.0.0/8");
    assertThat(k.metadata()).isEqualTo("{\"team\":\"ci\"}");
    assertThat(k.prefix()).isEqualTo("kw_sk_test");
    assertThat(next.secret()).startsWith("kw_sk_test_");
    assertThat(k.createdAt()).isEqualTo(NOW.plus(Duration.ofDays(10)));
    assertThat(k.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(40)));
    assertThat(k.createdBy()).isEqualTo("usr_2");
    assertThat(hasher.hash(next.secret())).isEqualTo(k.hash());
    assertThat(k.display()).isEqualTo(KeyFormat.displayForm(next.secret()));
    assertThat(k.enabled()).isTrue();
    assertThat(k.revokedAt()).isNull();
  }

  @Test
  void theSuccessorOfANeverExpiringKeyNeverExpires() {
    IssuedKey old = issuer.issue(userKey("read").withNoExpiry(), null, "u");
    assertThat(issuer.successor(old.key(), "u").key().expiresAt()).isNull();
  }

  @Test
  void theSuccessorOfAProjectKeyStaysOnItsProject() {
    IssuedKey old = issuer.issue(projectKey(), null, "u");
    ApiKey k = issuer.successor(old.key(), "u").key();

    assertThat(k.kind()).isEqualTo(KeyKind.PROJECT);
    assertThat(k.ownerProjectId()).isEqualTo("proj_1");
  }
}
