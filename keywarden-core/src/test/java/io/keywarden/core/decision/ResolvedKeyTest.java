package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.testing.AccessWorld;
import io.keywarden.core.testing.ApiKeyCopy;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Compiling a stored key for the verify path, and recording its last use once per second. */
class ResolvedKeyTest {
  private final AccessWorld world = new AccessWorld();
  private final String ws = world.newWorkspace();
  private final String user = world.newMember(ws, "owner");
  private final IssuedKey issued = world.userKey(ws, user, "read");
  private final AccessModel model = world.model;

  @Test
  void aUseIsReportedOncePerSecond() {
    ResolvedKey key = ResolvedKey.of(issued.key(), model);

    assertThat(key.markUsed(1_000)).isTrue();
    assertThat(key.markUsed(1_000)).isFalse();
    assertThat(key.markUsed(999)).isFalse();
    assertThat(key.markUsed(1_001)).isTrue();
    assertThat(key.markUsed(1_001)).isFalse();
  }

  @Test
  void theLastRecordedUseIsWhereCountingStarts() {
    ApiKey used = ApiKeyCopy.of(issued.key()).lastUsedAt(Instant.ofEpochSecond(5_000, 700)).build();
    ResolvedKey key = ResolvedKey.of(used, model);

    assertThat(key.markUsed(5_000)).isFalse();
    assertThat(key.markUsed(5_001)).isTrue();
  }

  @Test
  void concurrentUsesInTheSameSecondAreReportedOnce() {
    ResolvedKey key = ResolvedKey.of(issued.key(), model);
    long reported = IntStream.range(0, 10_000).parallel()
        .filter(i -> key.markUsed(42)).count();

    assertThat(reported).isEqualTo(1);
  }

  @Test
  void anAllowListEntryThatNoLongerParsesAllowsNothing() {
    ApiKey stale = ApiKeyCopy.of(issued.key()).allowedIps(List.of("office-network")).build();
    world.store(stale);

    Decision d = world.verify(VerifyRequest.ofKey(issued.secret()).withClientIp("10.0.0.1"));

    assertThat(d.status()).isEqualTo(DecisionStatus.IP_NOT_ALLOWED);
  }

  @Test
  void anUnparseableEntryDoesNotSpoilTheOthers() {
    ApiKey mixed = ApiKeyCopy.of(issued.key())
        .allowedIps(List.of("office-network", "10.0.0.0/8"))
        .allowedOrigins(List.of("not an origin", "https://app.example.com"))
        .build();
    world.store(mixed);
    VerifyRequest r = VerifyRequest.ofKey(issued.secret()).withClientIp("10.0.0.1");

    assertThat(world.verify(r.withOrigin("https://app.example.com")).status())
        .isEqualTo(DecisionStatus.VALID);
    assertThat(world.verify(r.withOrigin("https://evil.example.com")).status())
        .isEqualTo(DecisionStatus.ORIGIN_NOT_ALLOWED);
  }

  @Test
  void aProjectKeyGrantsTheWholeVocabulary() {
    String project = world.newProject(ws);
    ResolvedKey key = ResolvedKey.of(world.projectKey(ws, project).key(), model);

    assertThat(key.grant()).isEqualTo(model.scopes().all());
  }

  @Test
  void anOperatorKeyIsCompiledAgainstTheOperatorVocabulary() {
    ResolvedKey key = ResolvedKey.of(
        world.issuer.issueOperator("ops", List.of("tenants:write"), null, "root").key(), model);

    assertThat(key.grant().names()).containsExactly("tenants:read", "tenants:write");
    assertThat(key.grant().vocabulary()).isSameAs(model.operatorScopes());
  }

  @Test
  void theStringShowsTheDisplayFormOnly() {
    ResolvedKey key = ResolvedKey.of(issued.key(), model);
    assertThat(key.toString()).contains(issued.key().display()).doesNotContain(issued.secret());
  }
  @Test
  void aCompactedKeyKeepsEveryFieldAndSharesWhatKeysHaveInCommon() {
    ApiKey stored = ApiKeyCopy.of(issued.key()).allowedIps(List.of("10.0.0.0/8"))
        .lastUsedAt(Instant.ofEpochMilli(1_700_000_000_123L)).build();
    IssuedKey other = world.userKey(ws, user, "read");
    java.util.Map<Object, Object> shared = new java.util.HashMap<>();
    java.util.function.UnaryOperator<Object> canonical = v -> shared.computeIfAbsent(v, x -> x);

    ResolvedKey a = ResolvedKey.compact(stored, stored.hash(), model, canonical);
    ResolvedKey b = ResolvedKey.compact(other.key(), other.key().hash(), model, canonical);

    assertThat(a.key()).isEqualTo(stored);
    assertThat(b.key()).isEqualTo(other.key());
    assertThat(a.key().scopes()).isSameAs(b.key().scopes());
    assertThat(a.key().workspaceId()).isSameAs(b.key().workspaceId());
    assertThat(a.key().ownerUserId()).isSameAs(b.key().ownerUserId());
    assertThat(a.grant()).isSameAs(b.grant());
    assertThat(a.grant()).isEqualTo(ResolvedKey.of(stored, model).grant());
  }

  @Test
  void aCompactedKeyKeepsTheHashInstanceItIsGiven() {
    io.keywarden.core.keys.KeyHash presented = io.keywarden.core.keys.KeyHash.fromHex(issued.key().hash().toHex());

    ResolvedKey k = ResolvedKey.compact(issued.key(), presented, model, java.util.function.UnaryOperator.identity());

    assertThat(k.key().hash()).isSameAs(presented);
  }
}
