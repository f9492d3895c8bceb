package io.keywarden.server.ratelimit;

import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.ratelimit.RateLimitHeaders;
import io.keywarden.core.ratelimit.RatePlans;
import io.keywarden.core.ratelimit.RatePolicy;
import java.util.List;

/**
 * What {@link RateLimits} needs of the configuration's {@code rate_limits:} section. The
 * configuration package implements it (its {@code RateLimitConfig}), so the dependency runs one
 * way: configuration to rate limits.
 */
public interface RateLimitSettings {
  /** The configured plans and common policies. */
  RatePlans plans();

  /** How the limit headers are written. */
  RateLimitHeaders headers();

  /** The failed-authentication budget per client IP; {@code null}: none. */
  RatePolicy failedAuth();

  /** The management API's limit per operator key; {@code null}: none. */
  RatePolicy management();

  /**
   * A stored plan's policies (JSON as the plans API stores them) read by the configuration
   * file's rules; a problem is an unchecked exception naming the entry.
   */
  List<RatePolicy> readPlanPolicies(com.fasterxml.jackson.databind.JsonNode policies, String path, AccessModel model,
      RatePlans configured);
}
