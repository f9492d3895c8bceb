package io.keywarden.server.http;

import io.keywarden.core.ratelimit.RateOutcome;

/**
 * A request refused by a rate limit or quota: 429 with the policy's code ({@code rate_limited} or
 * {@code quota_exceeded}); the limit's headers are already on the response.
 */
public final class Limited extends RuntimeException {
  private final transient RateOutcome outcome;

  public Limited(RateOutcome outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }

  /** The rejection. */
  public RateOutcome outcome() {
    return outcome;
  }
}
