package io.keywarden.cli.client;

/**
 * The API answered with an error: its HTTP status and the {@code error} object of the answer
 * ({@code code}, {@code message}, and {@code field} and {@code reason} when given).
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private final String reason;

  public ApiException(int status, String code, String message, String field, String reason) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** The stable error code, e.g. {@code not_found}. */
  public String code() {
    return code;
  }

  /** The field, header or parameter at fault, or {@code null}. */
  public String field() {
    return field;
  }

  /** The decision code of a refused credential, or {@code null}. */
  public String reason() {
    return reason;
  }
}
