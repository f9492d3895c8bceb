package io.keywarden.core.keys;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deployment secrets that key hashes are made with, by version.
 *
 * <p>New keys are hashed with the {@link #currentVersion() current} (highest) version. Older
 * versions stay so that keys hashed with them still verify after a rotation of the secret. Each
 * secret is at least 32 bytes.
 */
public final class SecretRing {
  /** Minimum secret length in bytes. */
  public static final int MIN_SECRET_BYTES = 32;

  private final TreeMap<Integer, byte[]> secrets;
  private final int[] versionsNewestFirst;

  private SecretRing(TreeMap<Integer, byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("secret ring must hold at least one secret");
    }
    for (Map.Entry<Integer, byte[]> e : secrets.entrySet()) {
      if (e.getKey() < 1) {
        throw new IllegalArgumentException("secret version must be at least 1, was " + e.getKey());
      }
      if (e.getValue().length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "secret version " + e.getKey() + " must be at least " + MIN_SECRET_BYTES + " bytes");
      }
    }
    this.secrets = secrets;
    this.versionsNewestFirst =
        secrets.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
  }

  /** A ring of the given secrets by version; the highest version is current. */
  public static SecretRing of(Map<Integer, byte[]> secretsByVersion) {
    TreeMap<Integer, byte[]> copy = new TreeMap<>();
    secretsByVersion.forEach((v, s) -> copy.put(v, s.clone()));
    return new SecretRing(copy);
  }

  /** A ring with one secret, version 1. */
  public static SecretRing single(byte[] secret) {
    return of(Map.of(1, secret));
  }

  /** The version new hashes are made with. */
  public int currentVersion() {
    return versionsNewestFirst[0];
  }

  /** All versions, newest first. */
  public int[] versionsNewestFirst() {
    return versionsNewestFirst.clone();
  }

  /** The versions held. */
  public java.util.Set<Integer> versions() {
    return Collections.unmodifiableSet(secrets.keySet());
  }

  byte[] secret(int version) {
    byte[] s = secrets.get(version);
    if (s == null) {
      throw new IllegalArgumentException("no secret of version " + version);
    }
    return s;
  }

  @Override
  public String toString() {
    return "SecretRing" + Arrays.toString(versionsNewestFirst) + "(secrets hidden)";
  }
}
