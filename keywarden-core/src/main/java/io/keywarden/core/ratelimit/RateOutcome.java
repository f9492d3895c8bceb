package io.keywarden.core.ratelimit;

import io.keywarden.core.errors.ErrorCode;
import java.time.Duration;

/**
 * The answer to a rate-limit check: whether the request may proceed, and the state of one policy
 * for the response headers.
 *
 * <p>When the request is admitted, {@link #policy()} is the most restrictive applicable policy
 * after this request was counted: the one with the fewest remaining units, ties broken by the
 * shortest reset, then by order. When it is rejected, it is the rejecting policy (of several, the
 * one the client must wait longest for), and {@link #retryAfterMicros()} says how long until the
 * same request would be admitted. {@link #policy()} is {@code null} when no policy applied.
 *
 * @param limit the policy's limit, in units
 * @param remaining how many more units would be admitted right now (after this request, if it
 *     was admitted)
 * @param resetMicros time until the policy's counter is back to zero if nothing more arrives
 * @param retryAfterMicros for a rejection, time until this request would be admitted; 0 when
 *     admitted. A cost above the limit can never pass; it is told to wait one window.
 * @param windowMicros the policy's window; for a calendar quota, the length of the current month
 * @param decidedAtMicros the limiter's clock when it decided, in microseconds since the epoch
 */
public record RateOutcome(
    boolean allowed,
    RatePolicy policy,
    long limit,
    long remaining,
    long resetMicros,
    long retryAfterMicros,
    long windowMicros,
    long decidedAtMicros) {

  /** An admission with no policy to report. */
  public static RateOutcome unlimited(long decidedAtMicros) {
    return new RateOutcome(true, null, 0, 0, 0, 0, 0, decidedAtMicros);
  }

  /** Whether a policy applied (and so whether there is anything to put in headers). */
  public boolean limited() {
    return policy != null;
  }

  /** Time until the counter is back to zero. */
  public Duration reset() {
    return Duration.ofNanos(resetMicros * 1000);
  }

  /** Time until a rejected request would be admitted; zero when admitted. */
  public Duration retryAfter() {
    return Duration.ofNanos(retryAfterMicros * 1000);
  }

  /**
   * The catalogue error of a rejection: {@link ErrorCode#QUOTA_EXCEEDED} for a calendar quota,
   * {@link ErrorCode#RATE_LIMITED} otherwise; {@code null} when admitted.
   */
  public ErrorCode error() {
    if (allowed) {
      return null;
    }
    return policy.isQuota() ? ErrorCode.QUOTA_EXCEEDED : ErrorCode.RATE_LIMITED;
  }

  /** The stable reason code: {@code rate_limited}, {@code quota_exceeded}, or {@code null} when admitted. */
  public String reason() {
    ErrorCode e = error();
    return e == null ? null : e.code();
  }

  @Override
  public String toString() {
    return "RateOutcome[" + (allowed ? "allowed" : reason())
        + (policy == null ? "" : ", policy=" + policy.name() + ", limit=" + limit
            + ", remaining=" + remaining + ", reset=" + resetMicros + "us")
        + (allowed ? "" : ", retryAfter=" + retryAfterMicros + "us") + "]";
  }
}
