package io.keywarden.server.ratelimit;

import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.vertx.core.Future;
import java.util.List;

/**
 * A rate-limit backend as the server uses it: the same semantics as {@link
 * io.keywarden.core.ratelimit.RateLimiter} (every applicable policy checked at once, the request
 * counted by all or by none), with answers that may arrive later, so that a remote backend never
 * blocks an event loop.
 *
 * <p>The local backend answers with already-completed futures; callers on the hot path test
 * {@link Future#isComplete()} and read the result without a callback.
 */
public interface Limiter extends AutoCloseable {
  /** Checks and, if every policy admits it, counts a request of {@code cost} units. */
  Future<RateOutcome> check(List<RatePolicy> policies, RateSubject subject, long cost);

  /** Whether {@link #check} would admit the request now, counting nothing. */
  Future<RateOutcome> peek(List<RatePolicy> policies, RateSubject subject, long cost);

  /** The current count of each policy that counts {@code subject}, in order. */
  Future<List<PolicyUsage>> usage(List<RatePolicy> policies, RateSubject subject);

  /** {@code local} or {@code redis}: for health output and metrics. */
  String backend();

  /**
   * Marks a failure that means the backend could not answer (an outage set to refuse): expected,
   * answered {@code 503 rate_limit_unavailable} and not logged as a bug.
   */
  interface Unavailable {}

  /** Releases connections and timers; idempotent. */
  @Override
  void close();
}
