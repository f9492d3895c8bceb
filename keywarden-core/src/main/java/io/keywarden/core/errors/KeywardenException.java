package io.keywarden.core.errors;

import io.keywarden.core.keys.KeyFormat;
import java.util.Objects;

/**
 * A client-facing failure with a stable {@link ErrorCode} and a public message.
 *
 * <p>The public message is safe to return to the caller and to log: it names the field or header
 * at fault, and anything in it shaped like a key is replaced by the key's display form. {@link #field()} is the offending input, when there is one.
 */
public class KeywardenException extends RuntimeException {
  private final ErrorCode code;
  private final String field;

  public KeywardenException(ErrorCode code, String publicMessage) {
    this(code, null, publicMessage);
  }

  public KeywardenException(ErrorCode code, String field, String publicMessage) {
    // Messages often quote client input; whoever logs or returns one must never see a key in it.
    super(KeyFormat.redact(publicMessage), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field == null ? null : KeyFormat.redact(field);
  }

  /** The catalogue entry of this failure. */
  public ErrorCode code() {
    return code;
  }

  /** The name of the offending field, header or parameter, or {@code null}. */
  public String field() {
    return field;
  }

  /** Shorthand for a 400 {@code invalid_request} naming a field. */
  public static KeywardenException invalid(String field, String message) {
    return new KeywardenException(ErrorCode.INVALID_REQUEST, field, message);
  }

  /** Shorthand for a 404 {@code not_found}. */
  public static KeywardenException notFound(String what) {
    return new KeywardenException(ErrorCode.NOT_FOUND, null, what + " not found.");
  }

  /** Shorthand for a 409 {@code conflict}. */
  public static KeywardenException conflict(String field, String message) {
    return new KeywardenException(ErrorCode.CONFLICT, field, message);
  }
}
