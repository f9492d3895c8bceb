package io.keywarden.store.cache;

import java.time.Duration;

/**
 * Sizes and lifetimes of the key cache.
 *
 * @param maximumKeys most keys held; least recently used ones go first
 * @param keyTtl how long a cached key is trusted without an invalidation event; a safety net for
 *     a missed event, not the way changes propagate
 * @param negativeTtl how long an unknown hash is remembered as unknown
 * @param maximumNegative most unknown hashes remembered
 * @param tenancyTtl how long projects and memberships are cached
 */
public record CacheSettings(
    long maximumKeys, Duration keyTtl, Duration negativeTtl, long maximumNegative, Duration tenancyTtl) {
  /** Default: 1,000,000 keys for 10 minutes, unknown hashes for 30 seconds. */
  public static final CacheSettings DEFAULTS =
      new CacheSettings(1_000_000, Duration.ofMinutes(10), Duration.ofSeconds(30), 100_000, Duration.ofMinutes(10));

  public CacheSettings {
    if (maximumKeys < 1) {
      throw new IllegalArgumentException("cache maximum keys must be at least 1");
    }
    if (maximumNegative < 0) {
      throw new IllegalArgumentException("cache maximum negative entries must not be negative");
    }
    for (Duration d : new Duration[] {keyTtl, negativeTtl, tenancyTtl}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("cache lifetimes must be positive");
      }
    }
  }
}
