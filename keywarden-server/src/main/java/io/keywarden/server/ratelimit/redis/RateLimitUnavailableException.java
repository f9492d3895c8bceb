package io.keywarden.server.ratelimit.redis;

import io.keywarden.core.errors.ErrorCode;

/**
 * Rate limits could not be checked (Redis did not answer in time) and the limiter is set to
 * refuse rather than decide locally: the request is answered {@code 503 rate_limit_unavailable}.
 * Carries no stack trace: it is an expected outcome during an outage, not a bug.
 */
public final class RateLimitUnavailableException extends RuntimeException
    implements io.keywarden.server.ratelimit.Limiter.Unavailable {
  /** The catalogue error this refusal is answered with. */
  public static final ErrorCode ERROR = ErrorCode.RATE_LIMIT_UNAVAILABLE;

  RateLimitUnavailableException() {
    super("rate limits are unavailable: Redis did not answer", null, false, false);
  }

  /** {@link ErrorCode#RATE_LIMIT_UNAVAILABLE}. */
  public ErrorCode errorCode() {
    return ERROR;
  }
}
