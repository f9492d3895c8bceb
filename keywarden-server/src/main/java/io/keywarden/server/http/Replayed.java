package io.keywarden.server.http;

/**
 * Thrown to answer a request with an answer given before (an idempotent creation repeated): the
 * failure handler writes {@code status} and {@code body} as they were, with {@code
 * Idempotent-Replayed: true}. Carries no stack trace.
 */
public final class Replayed extends RuntimeException {
  /** The header that marks a replayed answer. */
  public static final String HEADER = "Idempotent-Replayed";

  private final int status;
  private final String body;

  public Replayed(int status, String body) {
    super("idempotent replay", null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }
}
