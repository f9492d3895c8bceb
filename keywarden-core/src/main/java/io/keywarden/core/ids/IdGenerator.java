package io.keywarden.core.ids;

import io.keywarden.core.keys.Base62;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Makes typed, time-ordered ids such as {@code key_0Lz3kQm9aB7xYc2dE4fG5h}.
 *
 * <p>After the type prefix come 9 base62 characters of the creation time in milliseconds and 12
 * base62 characters that are random for the first id of a millisecond and incremented by one for
 * every further id of the same millisecond (the ULID "monotonic" scheme). The base62 alphabet is in
 * ASCII order and both parts have a fixed width, so ids from one generator sort by creation order
 * as plain strings, which gives every list a stable order for cursor pagination. If the clock goes
 * back, the generator keeps counting from the last time it saw, so order is never broken.
 */
public final class IdGenerator {
  /** Length of the part after the type prefix and underscore. */
  public static final int BODY_LENGTH = 21;

  private static final long LOW_RANGE = 839_299_365_868_340_224L; // 62^10
  private static final int HIGH_RANGE = 62 * 62;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Clock clock;
  private long lastMillis = Long.MIN_VALUE;
  private int high;
  private long low;

  public IdGenerator(Clock clock) {
    this.clock = clock;
  }

  /** A new id of the given type, e.g. {@code next("ws")} gives {@code ws_…}. */
  public String next(String type) {
    long millis;
    int h;
    long l;
    synchronized (this) {
      long now = Math.max(0, clock.millis());
      if (now > lastMillis) {
        lastMillis = now;
        // Leave headroom below the top so increments within a millisecond do not wrap.
        high = RANDOM.nextInt(HIGH_RANGE / 2);
        low = RANDOM.nextLong(LOW_RANGE);
      } else if (++low == LOW_RANGE) {
        low = 0;
        high++;
      }
      millis = lastMillis;
      h = high;
      l = low;
    }
    StringBuilder sb = new StringBuilder(type.length() + 1 + BODY_LENGTH);
    sb.append(type).append('_');
    Base62.appendFixed(sb, millis, 9);
    Base62.appendFixed(sb, h, 2);
    Base62.appendFixed(sb, l, 10);
    return sb.toString();
  }

  /** Whether {@code id} has the shape of an id of {@code type}. */
  public static boolean looksLike(String id, String type) {
    if (id == null || id.length() != type.length() + 1 + BODY_LENGTH || !id.startsWith(type)
        || id.charAt(type.length()) != '_') {
      return false;
    }
    for (int i = type.length() + 1; i < id.length(); i++) {
      if (!Base62.isDigit(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
