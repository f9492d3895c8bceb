package io.keywarden.cli.client;

/** No answer from the server: refused connection, unknown host, timeout, or a broken exchange. */
public final class ConnectionException extends RuntimeException {
  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
