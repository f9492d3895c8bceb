package io.keywarden.core.testing;

import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Fixed deployment secrets for tests. */
public final class Secrets {
  /** Version 1 of the test deployment secret (ASCII, so a leak into a string is easy to spot). */
  public static final byte[] V1 =
      "test-secret-v1-correct-horse-battery-staple".getBytes(StandardCharsets.US_ASCII);
  /** Version 2, as after a rotation of the deployment secret. */
  public static final byte[] V2 =
      "test-secret-v2-tr0ub4dor-and-three-more-words".getBytes(StandardCharsets.US_ASCII);

  private Secrets() {}

  public static SecretRing ringV1() {
    return SecretRing.single(V1);
  }

  public static SecretRing ringV1V2() {
    return SecretRing.of(Map.of(1, V1, 2, V2));
  }

  public static KeyHasher hasherV1() {
    return new KeyHasher(ringV1());
  }
}
