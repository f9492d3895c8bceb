package io.keywarden.core.policy;

import io.keywarden.core.keys.ApiKey;

/**
 * A newly made key: the stored record and the key itself, which exists only here and is shown to
 * its owner once. {@link #toString()} never includes the secret.
 */
public record IssuedKey(ApiKey key, String secret) {
  @Override
  public String toString() {
    return "IssuedKey[" + key + "]";
  }
}
