package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.testing.AccessWorld;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever is presented, a key that fails the grammar or checksum never reaches storage. */
class PrecheckProperties {

  @Provide
  Arbitrary<String> presented() {
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(100),
        Arbitraries.strings().ascii().ofMaxLength(80),
        Arbitraries.strings().withChars(digits.toCharArray()).ofLength(KeyFormat.BODY_LENGTH)
            .map(body -> "kw_sk_live_" + body));
  }

  @Property(tries = 2000)
  void garbageIsRejectedWithoutALookup(@ForAll("presented") String key) {
    AccessWorld world = new AccessWorld();

    Decision d = world.verify(VerifyRequest.ofKey(key));

    if (KeyFormat.check(key) == KeyFormat.OK) {
      assertThat(d.status()).isEqualTo(DecisionStatus.NOT_FOUND);
    } else {
      assertThat(d.status()).isIn(
          DecisionStatus.MISSING, DecisionStatus.MALFORMED, DecisionStatus.BAD_CHECKSUM);
      assertThat(world.directory.lookups()).isZero();
    }
    assertThat(d.isValid()).isFalse();
  }
}
