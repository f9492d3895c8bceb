package io.keywarden.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.testing.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** HMAC-SHA256 key hashing, the hash value type and the ring of deployment secrets. */
class KeyHasherTest {

  static byte[] hmac(byte[] secret, String key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return mac.doFinal(key.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void theHashIsHmacSha256OfTheKeyWithTheDeploymentSecret() throws Exception {
    KeyHasher hasher = Secrets.hasherV1();
    String key = KeyFormat.generate("kw_sk_live");

    byte[] expected = hmac(Secrets.V1, key);

    assertThat(hasher.hash(key)).isEqualTo(KeyHash.of(expected, 0));
    assertThat(hasher.hash(key).toHex()).isEqualTo(HexFormat.of().formatHex(expected));
  }

  @Test
  void hashingTheSameKeyTwiceGivesTheSameHash() {
    KeyHasher hasher = Secrets.hasherV1();
    String key = KeyFormat.generate("kw_sk_live");

    assertThat(hasher.hash(key)).isEqualTo(hasher.hash(key));
    assertThat(hasher.hash(new StringBuilder(key))).isEqualTo(hasher.hash(key));
  }

  @Test
  void inputsLongerThanTheLongestKeyAreHashedWhole() throws Exception {
    KeyHasher hasher = Secrets.hasherV1();
    String long1 = "x".repeat(500);
    String long2 = "x".repeat(499) + "y";

    assertThat(hasher.hash(long1)).isEqualTo(KeyHash.of(hmac(Secrets.V1, long1), 0));
    assertThat(hasher.hash(long2)).isEqualTo(KeyHash.of(hmac(Secrets.V1, long2), 0));
    String key = KeyFormat.generate("kw");
    assertThat(hasher.hash(key)).isEqualTo(KeyHash.of(hmac(Secrets.V1, key), 0));
  }

  @Test
  void threadsHashingAtOnceGetTheSameResultsAsOneThread() throws Exception {
    KeyHasher hasher = Secrets.hasherV1();
    List<String> keys = IntStream.range(0, 2_000).mapToObj(i -> KeyFormat.generate("kw")).toList();
    Map<String, KeyHash> expected = new HashMap<>();
    for (String k : keys) {
      expected.put(k, KeyHash.of(hmac(Secrets.V1, k), 0));
    }

    keys.parallelStream().forEach(k -> assertThat(hasher.hash(k)).isEqualTo(expected.get(k)));
  }

  @Test
  void differentSecretVersionsGiveDifferentHashes() throws Exception {
    KeyHasher hasher = new KeyHasher(Secrets.ringV1V2());
    String key = KeyFormat.generate("kw_sk_live");

    assertThat(hasher.hash(key, 1)).isNotEqualTo(hasher.hash(key, 2));
    assertThat(hasher.hash(key, 1)).isEqualTo(KeyHash.of(hmac(Secrets.V1, key), 0));
    assertThat(hasher.hash(key, 2)).isEqualTo(KeyHash.of(hmac(Secrets.V2, key), 0));
  }

  @Test
  void newHashesUseTheHighestVersion() {
    KeyHasher hasher = new KeyHasher(Secrets.ringV1V2());
    String key = KeyFormat.generate("kw_sk_live");

    assertThat(hasher.currentVersion()).isEqualTo(2);
    assertThat(hasher.ring().currentVersion()).isEqualTo(2);
    assertThat(hasher.ring().versionsNewestFirst()).containsExactly(2, 1);
    assertThat(hasher.hash(key)).isEqualTo(hasher.hash(key, 2));
  }

  @Test
  void hashingWithAnUnknownVersionFails() {
    KeyHasher hasher = Secrets.hasherV1();
    assertThatThrownBy(() -> hasher.hash("kw_x", 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7");
  }

  @Test
  void theHexFormRoundTrips() {
    KeyHash hash = Secrets.hasherV1().hash(KeyFormat.generate("kw"));

    assertThat(hash.toHex()).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(KeyHash.fromHex(hash.toHex())).isEqualTo(hash);
    assertThat(KeyHash.fromHex(hash.toHex()).hashCode()).isEqualTo(hash.hashCode());
  }

  @Test
  void theHexFormOfKnownBytesIsBigEndian() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 32; i++) {
      bytes[i] = (byte) (0xF0 + (i % 16));
    }
    KeyHash hash = KeyHash.of(bytes, 0);

    assertThat(hash.toHex()).isEqualTo(HexFormat.of().formatHex(bytes));
    assertThat(hash.w0()).isEqualTo(0xF0F1F2F3F4F5F6F7L);
  }

  @Test
  void fromHexRejectsTheWrongLength() {
    assertThatThrownBy(() -> KeyHash.fromHex("abcd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64");
  }

  @Test
  void theHashsStringShowsOnlyAShortPrefix() {
    KeyHash hash = Secrets.hasherV1().hash(KeyFormat.generate("kw"));
    assertThat(hash.toString()).doesNotContain(hash.toHex()).contains(hash.toHex().substring(0, 12));
  }

  @Test
  void theRingRejectsSecretsShorterThan32Bytes() {
    assertThatThrownBy(() -> SecretRing.single(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageContaining("version 1");
    assertThat(SecretRing.single(new byte[32]).currentVersion()).isEqualTo(1);
  }

  @Test
  void theRingRejectsVersionsBelowOne() {
    assertThatThrownBy(() -> SecretRing.of(Map.of(0, Secrets.V1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> SecretRing.of(Map.of(-3, Secrets.V1, 1, Secrets.V2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }

  @Test
  void theRingRejectsAnEmptyMap() {
    assertThatThrownBy(() -> SecretRing.of(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void theRingKeepsItsOwnCopyOfEachSecret() {
    byte[] secret = Secrets.V1.clone();
    KeyHasher hasher = new KeyHasher(SecretRing.single(secret));
    String key = KeyFormat.generate("kw");
    KeyHash before = hasher.hash(key);

    secret[0] ^= 1;

    assertThat(new KeyHasher(SecretRing.single(Secrets.V1)).hash(key)).isEqualTo(before);
    assertThat(new KeyHasher(SecretRing.single(secret)).hash(key)).isNotEqualTo(before);
  }

  @Test
  void theRingsStringNeverShowsASecret() {
    SecretRing ring = Secrets.ringV1V2();
    String text = ring.toString();

    assertThat(text).contains("2", "1")
        .doesNotContain(new String(Secrets.V1, StandardCharsets.US_ASCII))
        .doesNotContain(new String(Secrets.V2, StandardCharsets.US_ASCII))
        .doesNotContain(HexFormat.of().formatHex(Secrets.V1))
        .doesNotContain("test-secret");
    assertThat(new KeyHasher(ring).toString()).doesNotContain("test-secret");
  }
}
