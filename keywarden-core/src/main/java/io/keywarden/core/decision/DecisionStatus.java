package io.keywarden.core.decision;

import io.keywarden.core.errors.ErrorCode;
import java.util.Locale;

/**
 * The outcome of verifying a key, with a stable reason code and the error it maps to.
 *
 * <p>Statuses are listed in the order the checks run (see {@link DecisionEngine}). Reason codes
 * ({@link #reason()}) are part of the API: responses, logs and metrics use them, and they never
 * change once released.
 */
public enum DecisionStatus {
  VALID(null, "The key is valid."),
  MISSING(ErrorCode.UNAUTHORIZED, "An API key is required."),
  MALFORMED(ErrorCode.UNAUTHORIZED, "The API key is malformed."),
  BAD_CHECKSUM(ErrorCode.UNAUTHORIZED, "The API key is invalid."),
  NOT_FOUND(ErrorCode.UNAUTHORIZED, "The API key is invalid."),
  WRONG_REALM(ErrorCode.UNAUTHORIZED, "This kind of API key is not accepted here."),
  REVOKED(ErrorCode.UNAUTHORIZED, "The API key has been revoked."),
  EXPIRED(ErrorCode.UNAUTHORIZED, "The API key has expired."),
  DISABLED(ErrorCode.UNAUTHORIZED, "The API key is disabled."),
  WORKSPACE_SUSPENDED(ErrorCode.WORKSPACE_SUSPENDED, "The workspace of this API key is suspended."),
  IP_NOT_ALLOWED(ErrorCode.FORBIDDEN, "The API key may not be used from this IP address."),
  ORIGIN_NOT_ALLOWED(ErrorCode.FORBIDDEN, "The API key may not be used from this origin."),
  PUBLISHABLE_NOT_ALLOWED(ErrorCode.FORBIDDEN, "Publishable keys may not be used here; use a secret key."),
  OWNER_NOT_MEMBER(ErrorCode.FORBIDDEN, "The key's owner is no longer a member of its workspace."),
  PROJECT_REQUIRED(ErrorCode.PROJECT_REQUIRED, "A project must be selected for this request."),
  PROJECT_NOT_FOUND(ErrorCode.NOT_FOUND, "Project not found."),
  PROJECT_NOT_ALLOWED(ErrorCode.FORBIDDEN, "The API key is not allowed to access this project."),
  INSUFFICIENT_SCOPE(ErrorCode.FORBIDDEN, "The API key lacks a scope this request needs.");

  private final ErrorCode error;
  private final String reason;
  private final String message;

  DecisionStatus(ErrorCode error, String message) {
    this.error = error;
    this.reason = name().toLowerCase(Locale.ROOT);
    this.message = message;
  }

  /** The stable reason code, e.g. {@code insufficient_scope}. */
  public String reason() {
    return reason;
  }

  /** The catalogue error this status is answered with; {@code null} for {@link #VALID}. */
  public ErrorCode error() {
    return error;
  }

  /** The HTTP status of a denial; 200 for {@link #VALID}. */
  public int httpStatus() {
    return error == null ? 200 : error.httpStatus();
  }

  /** A public message; never contains the key. */
  public String message() {
    return message;
  }

  /** Whether this status means the credential itself was not accepted (HTTP 401). */
  public boolean isAuthenticationFailure() {
    return error == ErrorCode.UNAUTHORIZED;
  }
}
