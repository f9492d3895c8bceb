package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A person who can be a member of workspaces and own user keys.
 *
 * @param externalId the provider's own id (unique among users), or {@code null}
 * @param metadata the provider's labels, string to string (sorted by name)
 */
public record User(String id, String email, String name, Instant createdAt, Instant updatedAt,
    String externalId, Map<String, String> metadata) {
  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Labels.copy(metadata);
  }

  /** A user without labels. */
  public User(String id, String email, String name, Instant createdAt, Instant updatedAt) {
    this(id, email, name, createdAt, updatedAt, null, Map.of());
  }
}
