package io.keywarden.server.ratelimit;

import io.keywarden.core.ratelimit.LocalRateLimiter;
import io.keywarden.core.ratelimit.PolicyUsage;
import io.keywarden.core.ratelimit.RateOutcome;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/** The in-process backend: decides on the calling thread and answers with completed futures. */
public final class LocalLimiter implements Limiter {
  private final LocalRateLimiter limiter;

  public LocalLimiter(LocalRateLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /** The core limiter, for callers that decide synchronously. */
  public LocalRateLimiter core() {
    return limiter;
  }

  @Override
  public Future<RateOutcome> check(List<RatePolicy> policies, RateSubject subject, long cost) {
    return Future.succeededFuture(limiter.check(policies, subject, cost));
  }

  @Override
  public Future<RateOutcome> peek(List<RatePolicy> policies, RateSubject subject, long cost) {
    return Future.succeededFuture(limiter.peek(policies, subject, cost));
  }

  @Override
  public Future<List<PolicyUsage>> usage(List<RatePolicy> policies, RateSubject subject) {
    return Future.succeededFuture(limiter.usage(policies, subject));
  }

  @Override
  public String backend() {
    return "local";
  }

  @Override
  public void close() {}
}
