package io.keywarden.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A plan as stored: its name and its rate-limit policies as a JSON list, in the form of the
 * configuration file's {@code rate_limits.plans.NAME} entries (checked by the server before it is
 * stored).
 */
public record StoredPlan(String name, String policies, Instant createdAt, Instant updatedAt) {
  public StoredPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(policies, "policies");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
