package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.core.testing.AccessWorld;
import io.keywarden.core.testing.ApiKeyCopy;
import io.keywarden.core.testing.InMemoryDirectory;
import io.keywarden.testkit.MutableClock;
import io.keywarden.core.testing.Secrets;
import io.keywarden.core.tenancy.Membership;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating the deployment secret: keys hashed under an older version keep verifying while the
 * ring still holds it; new keys are hashed with the newest version.
 */
class SecretRotationTest {
  private final AccessModel model = AccessModel.defaults();
  private final MutableClock clock = MutableClock.at(AccessWorld.START);
  private final InMemoryDirectory directory = new InMemoryDirectory(model);

  SecretRotationTest() {
    directory.putMembership(new Membership(
        "ws_1", "usr_1", "member", List.of(), null, clock.instant(), clock.instant()));
  }

  private KeyIssuer issuer(KeyHasher hasher) {
    return new KeyIssuer(model, hasher, new IdGenerator(clock), clock);
  }

  private IssuedKey issueAndStore(KeyHasher hasher) {
    IssuedKey key = issuer(hasher).issue(
        NewKeyRequest.userKey("ws_1", "usr_1", "k", List.of("read")), null, "usr_1");
    directory.putKey(key.key());
    return key;
  }

  @Test
  void aKeyHashedUnderVersionOneStillVerifiesAfterVersionTwoIsAdded() {
    IssuedKey old = issueAndStore(new KeyHasher(Secrets.ringV1()));
    assertThat(old.key().hashVersion()).isEqualTo(1);
    DecisionEngine rotated = new DecisionEngine(new KeyHasher(Secrets.ringV1V2()), clock, Realm.ACCESS);

    Decision d = rotated.verify(VerifyRequest.ofKey(old.secret()), directory);

    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(d.key().id()).isEqualTo(old.key().id());
    assertThat(directory.keyLookups()).isEqualTo(2);
  }

  @Test
  void newKeysAreHashedWithTheNewestVersionAndFoundAtTheFirstLookup() {
    KeyHasher hasher = new KeyHasher(Secrets.ringV1V2());
    IssuedKey fresh = issueAndStore(hasher);
    DecisionEngine engine = new DecisionEngine(hasher, clock, Realm.ACCESS);

    Decision d = engine.verify(VerifyRequest.ofKey(fresh.secret()), directory);

    assertThat(fresh.key().hashVersion()).isEqualTo(2);
    assertThat(d.status()).isEqualTo(DecisionStatus.VALID);
    assertThat(directory.keyLookups()).isEqualTo(1);
  }

  @Test
  void aKeyHashedUnderARetiredVersionIsNotFound() {
    IssuedKey old = issueAndStore(new KeyHasher(Secrets.ringV1()));
    KeyHasher onlyV2 = new KeyHasher(SecretRing.of(Map.of(2, Secrets.V2)));
    DecisionEngine engine = new DecisionEngine(onlyV2, clock, Realm.ACCESS);

    assertThat(engine.verify(VerifyRequest.ofKey(old.secret()), directory).status())
        .isEqualTo(DecisionStatus.NOT_FOUND);
  }

  @Test
  void aHashFoundUnderAVersionOtherThanTheOneRecordedIsNotAccepted() {
    IssuedKey old = issueAndStore(new KeyHasher(Secrets.ringV1()));
    // The stored record claims version 2 although its hash was made with version 1.
    directory.putKey(ApiKeyCopy.of(old.key()).hashVersion(2).build());
    DecisionEngine engine = new DecisionEngine(new KeyHasher(Secrets.ringV1V2()), clock, Realm.ACCESS);

    assertThat(engine.verify(VerifyRequest.ofKey(old.secret()), directory).status())
        .isEqualTo(DecisionStatus.NOT_FOUND);
  }
}
