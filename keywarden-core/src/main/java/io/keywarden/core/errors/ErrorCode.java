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
  WORKSPACE_SUSPENDED("workspace_suspended", 403, "The workspace of this API key is suspended."),
  SCOPE_ESCALATION("scope_escalation", 403, "An operator key cannot grant scopes it does not hold."),
  NOT_FOUND("not_found", 404, "The resource was not found."),
  METHOD_NOT_ALLOWED("method_not_allowed", 405, "The method is not allowed on this resource."),
  REQUEST_TIMEOUT("request_timeout", 408, "The request was not received in time."),
  CONFLICT("conflict", 409, "The request conflicts with the current state."),
  EXTERNAL_ID_TAKEN("external_id_taken", 409, "Another object of this kind already has this external_id."),
  IDEMPOTENCY_KEY_REUSED("idempotency_key_reused", 409,
      "This Idempotency-Key was already used for a different request."),
  IDEMPOTENCY_IN_PROGRESS("idempotency_in_progress", 409,
      "A request with this Idempotency-Key is still being processed."),
  IDEMPOTENCY_REPLAYED_SECRET("idempotency_replayed_secret", 409,
      "The key was created by the first request with this Idempotency-Key; its secret is shown only once."),
  LAST_ADMIN_KEY("last_admin_key", 409, "The last unbound admin key cannot be revoked or made to expire."),
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
