package io.keywarden.cli.client;

/** The connection settings cannot be used: a bad profile file, an unknown profile, no operator key. */
public final class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}
