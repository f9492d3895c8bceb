package io.keywarden.core.ratelimit;

/**
 * The values one request has for each {@link Dimension}; any of them may be {@code null} when the
 * request has none (no user for a project key, no key for a failed authentication).
 */
public record RateSubject(
    String keyId,
    String userId,
    String projectId,
    String workspaceId,
    String clientIp,
    String environment,
    String routeGroup) {

  /** A subject with no values; fill it with the builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** This subject with another workspace. */
  public RateSubject withWorkspace(String id) {
    return new RateSubject(keyId, userId, projectId, id, clientIp, environment, routeGroup);
  }

  /** This subject with another route group. */
  public RateSubject withRouteGroup(String name) {
    return new RateSubject(keyId, userId, projectId, workspaceId, clientIp, environment, name);
  }

  /** The value for {@code dimension}, or {@code null}. */
  public String value(Dimension dimension) {
    return switch (dimension) {
      case KEY -> keyId;
      case USER -> userId;
      case PROJECT -> projectId;
      case WORKSPACE -> workspaceId;
      case CLIENT_IP -> clientIp;
      case ENVIRONMENT -> environment;
      case ROUTE_GROUP -> routeGroup;
    };
  }

  /** Builds a {@link RateSubject}; every value is optional. */
  public static final class Builder {
    private String keyId;
    private String userId;
    private String projectId;
    private String workspaceId;
    private String clientIp;
    private String environment;
    private String routeGroup;

    private Builder() {}

    public Builder key(String id) {
      this.keyId = id;
      return this;
    }

    public Builder user(String id) {
      this.userId = id;
      return this;
    }

    public Builder project(String id) {
      this.projectId = id;
      return this;
    }

    public Builder workspace(String id) {
      this.workspaceId = id;
      return this;
    }

    public Builder clientIp(String ip) {
      this.clientIp = ip;
      return this;
    }

    public Builder environment(String name) {
      this.environment = name;
      return this;
    }

    public Builder routeGroup(String name) {
      this.routeGroup = name;
      return this;
    }

    public RateSubject build() {
      return new RateSubject(keyId, userId, projectId, workspaceId, clientIp, environment, routeGroup);
    }
  }
}
