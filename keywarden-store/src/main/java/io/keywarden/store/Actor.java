package io.keywarden.store;

/**
 * Who made a change, recorded on every audit event of the change.
 *
 * @param id the actor, e.g. {@code operator:key_…}, {@code user:usr_…} or {@code system}
 * @param clientIp the client's IP address, or {@code null}
 * @param userAgent the client's User-Agent, or {@code null}
 */
public record Actor(String id, String clientIp, String userAgent) {
  /** Keywarden itself (start-up, background jobs). */
  public static final Actor SYSTEM = new Actor("system", null, null);

  public Actor {
    java.util.Objects.requireNonNull(id, "id");
  }
}
