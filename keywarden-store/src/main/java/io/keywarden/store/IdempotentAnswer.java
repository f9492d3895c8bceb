package io.keywarden.store;

import java.time.Instant;

/**
 * What is kept of a creation made with an {@code Idempotency-Key}: a hash of the request, and,
 * once the first request has finished, its status and body.
 *
 * @param status the first answer's HTTP status, or {@code null} while it is still being made
 * @param body the first answer's body (never a key's secret), or {@code null}
 */
public record IdempotentAnswer(String requestHash, Integer status, String body, Instant createdAt) {
  /** Whether the first request is still running. */
  public boolean inProgress() {
    return status == null;
  }
}
