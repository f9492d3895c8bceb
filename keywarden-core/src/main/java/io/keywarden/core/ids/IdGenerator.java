package io.keywarden.core.ids;

import io.keywarden.core.keys.Base62;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Makes typed, time-ordered ids such as {@code key_0Lz3kQm9aB7xYc2dE4fG5h}.
 *
 * <p>After the type prefix come 9 base62 characters of the creation time in milliseconds and 12
 * random base62 characters (71 bits). The base62 alphabet is in ASCII order and the time part has
 * a fixed width, so ids sort by creation time as plain strings, which gives every list a stable
 * order for cursor pagination.
 */
public final class IdGenerator {
  /** Length of the part after the type prefix and underscore. */
  public static final int BODY_LENGTH = 21;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Clock clock;

  public IdGenerator(Clock clock) {
    this.clock = clock;
  }

  /** A new id of the given type, e.g. {@code next("ws")} gives {@code ws_…}. */
  public String next(String type) {
    StringBuilder sb = new StringBuilder(type.length() + 1 + BODY_LENGTH);
    sb.append(type).append('_');
    Base62.appendFixed(sb, Math.max(0, clock.millis()), 9);
    Base62.appendRandom(sb, RANDOM, 12);
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
