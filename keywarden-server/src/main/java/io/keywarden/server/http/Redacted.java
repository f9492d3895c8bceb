package io.keywarden.server.http;

import io.keywarden.core.keys.KeyFormat;

/**
 * A copy of a throwable for the log: same class name in the message, same stack trace, causes
 * copied the same way, and every message with key-shaped text redacted.
 */
final class Redacted extends RuntimeException {
  private static final int MAX_DEPTH = 8;

  private Redacted(Throwable original, int depth) {
    super(original.getClass().getName() + (original.getMessage() == null ? "" : ": "
        + KeyFormat.redact(original.getMessage())),
        original.getCause() == null || depth >= MAX_DEPTH ? null : new Redacted(original.getCause(), depth + 1),
        false, true);
    setStackTrace(original.getStackTrace());
  }

  static Redacted of(Throwable original) {
    return new Redacted(original, 0);
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
