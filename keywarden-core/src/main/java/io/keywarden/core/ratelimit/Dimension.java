package io.keywarden.core.ratelimit;

import java.util.Locale;

/** What a policy counts by: each distinct value (or combination of values) has its own counter. */
public enum Dimension {
  /** The API key's id. */
  KEY,
  /** The id of the user who owns the key; project keys have none. */
  USER,
  /** The selected project's id. */
  PROJECT,
  /** The workspace's id. */
  WORKSPACE,
  /** The client's IP address, as the gateway determined it. */
  CLIENT_IP,
  /** The key's environment, e.g. {@code live} or {@code development}. */
  ENVIRONMENT,
  /** The route group the request matched, e.g. {@code default} or {@code auth}. */
  ROUTE_GROUP;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case wire name, e.g. {@code client_ip}. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name, or returns {@code null} if it names no dimension. */
  public static Dimension fromWire(String name) {
    for (Dimension d : values()) {
      if (d.wireName.equals(name)) {
        return d;
      }
    }
    return null;
  }
}
