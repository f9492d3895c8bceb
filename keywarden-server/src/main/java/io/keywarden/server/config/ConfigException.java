package io.keywarden.server.config;

/** A configuration that cannot be used; the message names the setting at fault. */
public final class ConfigException extends RuntimeException {
  private final String setting;

  public ConfigException(String setting, String message) {
    super(setting + ": " + message, null, false, false);
    this.setting = setting;
  }

  /** The dotted path of the setting, e.g. {@code server.api_port}. */
  public String setting() {
    return setting;
  }
}
