package io.keywarden.core.ratelimit;

import java.util.List;

/**
 * Checks requests against rate policies. Every implementation (in-process, Redis) has the same
 * semantics: all applicable policies are checked at once, and the request is counted by all of
 * them or, if any rejects, by none.
 */
public interface RateLimiter {
  /**
   * Checks a request of {@code cost} units against {@code policies} and, if every one admits it,
   * counts it in all of them. Policies that do not count {@code subject} (a dimension without a
   * value) are skipped.
   *
   * @param policies with distinct names
   * @param cost at least 1
   */
  RateOutcome check(List<RatePolicy> policies, RateSubject subject, long cost);

  /**
   * Whether {@link #check} would admit the request now, without counting anything; the outcome's
   * {@code remaining} is what is left before this request. For example, to refuse a client IP that
   * has used up its failed-authentication budget before doing any work for it.
   */
  RateOutcome peek(List<RatePolicy> policies, RateSubject subject, long cost);

  /** The current count of each policy that counts {@code subject}, in order. */
  List<PolicyUsage> usage(List<RatePolicy> policies, RateSubject subject);
}
