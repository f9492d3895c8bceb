package io.keywarden.core.tenancy;

import java.time.Instant;
import java.util.Objects;

/** A person who can be a member of workspaces and own user keys. */
public record User(String id, String email, String name, Instant createdAt, Instant updatedAt) {
  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
