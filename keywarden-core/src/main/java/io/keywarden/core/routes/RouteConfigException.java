package io.keywarden.core.routes;

import java.util.Objects;

/**
 * An invalid route setting; the message starts with the setting, as in {@code routes[3].path: must
 * start with '/', was "v1/x"}.
 *
 * <p>A configuration loader reports {@link #getMessage()} as is, or uses {@link #setting()} and
 * {@link #problem()} to place the error itself.
 */
public final class RouteConfigException extends IllegalArgumentException {
  private final String setting;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param setting the setting at fault, e.g. {@code routes[3].path}
   * @param problem what is wrong with it, e.g. {@code must start with '/'}
   */
  public RouteConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = Objects.requireNonNull(setting, "setting");
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** The setting at fault, e.g. {@code routes[3].path}. */
  public String setting() {
    return setting;
  }

  /** What is wrong with the setting, without the setting's name. */
  public String problem() {
    return problem;
  }
}
