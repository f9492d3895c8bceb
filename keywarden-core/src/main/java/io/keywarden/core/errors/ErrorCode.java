package io.keywarden.core.errors;

/**
 * The error catalogue: every stable error code Keywarden returns, with its HTTP status and a
 * default public message.
 *
 * <p>This is the only place that maps a code to a status. Responses, logs and metrics refer to
 * errors by {@link #code()}, which never changes once released.
 */
public enum ErrorCode {
  INVALID_REQUEST("invalid_request", 400, "The request is invalid."),
  MALFORMED_JSON("malformed_json", 400, "The request body is not one well-formed JSON value."),
  INVALID_UNICODE("invalid_unicode", 400, "A string in the request body is not valid Unicode."),
  PROJECT_REQUIRED("project_required", 400, "A project must be selected for this request."),
  UNAUTHORIZED("unauthorized", 401, "A valid API key is required."),
  FORBIDDEN("forbidden", 403, "The API key is not allowed to do this."),
  NOT_FOUND("not_found", 404, "The resource was not found."),
  METHOD_NOT_ALLOWED("method_not_allowed", 405, "The method is not allowed on this resource."),
  CONFLICT("conflict", 409, "The request conflicts with the current state."),
  PAYLOAD_TOO_LARGE("payload_too_large", 413, "The request body is too large."),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "The request body must be application/json."),
  RATE_LIMITED("rate_limited", 429, "Too many requests."),
  QUOTA_EXCEEDED("quota_exceeded", 429, "The usage quota is exhausted."),
  INTERNAL("internal", 500, "An internal error occurred."),
  BAD_GATEWAY("bad_gateway", 502, "The upstream service could not be reached."),
  SERVICE_UNAVAILABLE("service_unavailable", 503, "The service is temporarily unavailable."),
  RATE_LIMIT_UNAVAILABLE("rate_limit_unavailable", 503, "Rate limits cannot be checked right now."),
  GATEWAY_TIMEOUT("gateway_timeout", 504, "The upstream service did not answer in time.");

  private final String code;
  private final int httpStatus;
  private final String defaultMessage;

  ErrorCode(String code, int httpStatus, String defaultMessage) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.defaultMessage = defaultMessage;
  }

  /** The stable machine-readable code, e.g. {@code invalid_request}. */
  public String code() {
    return code;
  }

  /** The HTTP status this code is answered with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** A public message used when no more specific one is given. */
  public String defaultMessage() {
    return defaultMessage;
  }
}
