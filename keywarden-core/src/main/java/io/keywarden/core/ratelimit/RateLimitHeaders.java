package io.keywarden.core.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Formats a {@link RateOutcome} as response headers, in the common {@code X-RateLimit-*} form, the
 * IETF form of draft-ietf-httpapi-ratelimit-headers-11, or both; pure, no I/O.
 *
 * <pre>
 * X-RateLimit-Limit: 120
 * X-RateLimit-Remaining: 37
 * X-RateLimit-Reset: 1705000800        (epoch seconds; or 21, delta seconds)
 * RateLimit-Policy: "minute";q=120;w=60
 * RateLimit: "minute";r=37;t=21
 * Retry-After: 21                      (rejections only)
 * </pre>
 *
 * Times are rounded up to whole seconds, so a client that waits as told is never early; {@code
 * Retry-After} is at least 1. An outcome with no policy gives no headers.
 */
public final class RateLimitHeaders {
  /** How {@code X-RateLimit-Reset} is written. */
  public enum ResetFormat {
    /** The epoch second at which the counter is back to zero (GitHub, Nometria). */
    EPOCH_SECONDS,
    /** Seconds from now until the counter is back to zero. */
    DELTA_SECONDS
  }

  /** One header field. */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
    }
  }

  private static final RateLimitHeaders DEFAULTS = builder().build();

  private final boolean common;
  private final boolean ietf;
  private final ResetFormat resetFormat;

  private RateLimitHeaders(Builder b) {
    this.common = b.common;
    this.ietf = b.ietf;
    this.resetFormat = b.resetFormat;
  }

  /** {@code X-RateLimit-*} with epoch seconds, no IETF form. */
  public static RateLimitHeaders defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The headers for {@code outcome}, in a fixed order. */
  public List<Header> format(RateOutcome outcome) {
    if (!outcome.limited()) {
      return List.of();
    }
    List<Header> out = new ArrayList<>(6);
    long resetSeconds = ceilSeconds(outcome.resetMicros());
    if (common) {
      out.add(new Header("X-RateLimit-Limit", Long.toString(outcome.limit())));
      out.add(new Header("X-RateLimit-Remaining", Long.toString(outcome.remaining())));
      long reset = resetFormat == ResetFormat.EPOCH_SECONDS
          ? ceilSeconds(outcome.decidedAtMicros() + outcome.resetMicros())
          : resetSeconds;
      out.add(new Header("X-RateLimit-Reset", Long.toString(reset)));
    }
    if (ietf) {
      String name = quoted(outcome.policy().name());
      out.add(new Header("RateLimit-Policy",
          name + ";q=" + outcome.limit() + ";w=" + ceilSeconds(outcome.windowMicros())));
      out.add(new Header("RateLimit", name + ";r=" + outcome.remaining() + ";t=" + resetSeconds));
    }
    if (!outcome.allowed()) {
      out.add(new Header("Retry-After", Long.toString(retryAfterSeconds(outcome))));
    }
    return out;
  }

  /** The {@code Retry-After} value of a rejection: whole seconds, rounded up, at least 1. */
  public static long retryAfterSeconds(RateOutcome outcome) {
    return Math.max(1, ceilSeconds(outcome.retryAfterMicros()));
  }

  static long ceilSeconds(long micros) {
    return Math.ceilDiv(micros, 1_000_000L);
  }

  /** An sf-string (RFC 9651): quoted, with {@code "} and {@code \} escaped. */
  private static String quoted(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  /** Builds {@link RateLimitHeaders}. */
  public static final class Builder {
    private boolean common = true;
    private boolean ietf;
    private ResetFormat resetFormat = ResetFormat.EPOCH_SECONDS;

    private Builder() {}

    /** Whether to write {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset} (default yes). */
    public Builder common(boolean enabled) {
      this.common = enabled;
      return this;
    }

    /** Whether to write {@code RateLimit-Policy} and {@code RateLimit} (default no). */
    public Builder ietf(boolean enabled) {
      this.ietf = enabled;
      return this;
    }

    /** How {@code X-RateLimit-Reset} is written (default epoch seconds). */
    public Builder resetFormat(ResetFormat format) {
      this.resetFormat = Objects.requireNonNull(format, "reset format");
      return this;
    }

    public RateLimitHeaders build() {
      return new RateLimitHeaders(this);
    }
  }
}
