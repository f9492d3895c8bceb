package io.keywarden.core.ratelimit;

import java.time.Duration;

/** Shared fixtures. */
final class Limiters {
  static final RateSubject ALICE = RateSubject.builder()
      .key("key_a").user("usr_a").project("prj_a").workspace("ws_a")
      .clientIp("203.0.113.7").environment("live").routeGroup("default").build();
  static final RateSubject BOB = RateSubject.builder()
      .key("key_b").user("usr_b").project("prj_b").workspace("ws_b")
      .clientIp("198.51.100.9").environment("live").routeGroup("default").build();

  private Limiters() {}

  /** A limiter on {@code time} that never sweeps by itself. */
  static LocalRateLimiter on(MicroTime time) {
    return LocalRateLimiter.builder().microClock(time).sweepInterval(Duration.ZERO).build();
  }

  static RatePolicy perKey(String name, long limit, Duration window) {
    return RatePolicy.rolling(name, limit, window, Dimension.KEY);
  }

  static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
