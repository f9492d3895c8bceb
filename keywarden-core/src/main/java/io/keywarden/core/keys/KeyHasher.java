package io.keywarden.core.keys;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes HMAC-SHA256(deployment secret, key): the only form of a key that is stored.
 *
 * <p>A stolen database alone verifies nothing without the secret. Lookup is by this hash, so
 * comparing a presented key never compares secrets byte by byte. Each thread keeps its own
 * {@link Mac} per secret version and scratch buffers, so hashing a key allocates only the result.
 */
public final class KeyHasher {
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretRing ring;
  private final int[] versions;
  private final ThreadLocal<State> state;

  public KeyHasher(SecretRing ring) {
    this.ring = ring;
    this.versions = ring.versionsNewestFirst();
    this.state = ThreadLocal.withInitial(this::newState);
  }

  /** The ring of secrets this hasher uses. */
  public SecretRing ring() {
    return ring;
  }

  /** The version new keys are hashed with. */
  public int currentVersion() {
    return versions[0];
  }

  /** Hash of an ASCII key with the current secret version. */
  public KeyHash hash(CharSequence key) {
    return hash(key, versions[0]);
  }

  /** Hash of an ASCII key with the given secret version. */
  public KeyHash hash(CharSequence key, int version) {
    State s = state.get();
    Mac mac = s.macFor(version);
    int len = key.length();
    byte[] in = s.input.length >= len ? s.input : (s.input = new byte[len]);
    copyAscii(key, len, in);
    mac.update(in, 0, len);
    try {
      mac.doFinal(s.output, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    return KeyHash.of(s.output, 0);
  }

  @SuppressWarnings("deprecation") // the low-byte copy is exactly right for ASCII keys
  private static void copyAscii(CharSequence key, int len, byte[] out) {
    if (key instanceof String str) {
      str.getBytes(0, len, out, 0);
      return;
    }
    for (int i = 0; i < len; i++) {
      out[i] = (byte) key.charAt(i);
    }
  }

  private State newState() {
    return new State();
  }

  private final class State {
    final Mac[] macs = new Mac[versions.length];
    byte[] input = new byte[KeyFormat.MAX_KEY_LENGTH];
    final byte[] output = new byte[32];

    Mac macFor(int version) {
      for (int i = 0; i < versions.length; i++) {
        if (versions[i] == version) {
          Mac m = macs[i];
          if (m == null) {
            m = macs[i] = newMac(ring.secret(version));
          }
          return m;
        }
      }
      throw new IllegalArgumentException("no secret of version " + version);
    }
  }

  private static Mac newMac(byte[] secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
