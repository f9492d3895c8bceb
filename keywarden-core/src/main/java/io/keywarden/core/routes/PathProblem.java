package io.keywarden.core.routes;

/**
 * Why a request path was refused before routing: a path trick that an upstream might resolve
 * differently from the gateway, or a path that is not well-formed.
 *
 * <p>Keywarden refuses such paths instead of normalizing them: whatever normalization it chose,
 * some upstream would resolve the path differently, and the difference is exactly where access
 * rules get bypassed ({@code /v1/public/../admin}). The gateway answers every problem with 400
 * ({@code invalid_request}) and logs and counts it by {@link #code()}; {@link #code()} never
 * changes once released.
 */
public enum PathProblem {
  /** The path is empty or does not start with {@code /} (e.g. {@code *} or an absolute URI). */
  NOT_ABSOLUTE("path_not_absolute", "The path must start with '/'."),
  /** An empty segment ({@code //}) anywhere but the single trailing slash. */
  EMPTY_SEGMENT("path_empty_segment", "The path must not contain empty segments."),
  /** A {@code .} or {@code ..} segment, written plainly or percent-encoded ({@code %2e%2E}). */
  DOT_SEGMENT("path_dot_segment", "The path must not contain '.' or '..' segments."),
  /** {@code %2F}: an encoded slash, which upstreams disagree on (separator or data). */
  ENCODED_SLASH("path_encoded_slash", "The path must not contain an encoded '/'."),
  /** A backslash, plain or {@code %5C}, which some servers treat as a separator. */
  BACKSLASH("path_backslash", "The path must not contain a backslash."),
  /** {@code %25} followed by {@code 2E}, {@code 2F} or {@code 5C}: a dot, slash or backslash encoded twice. */
  DOUBLE_ENCODED("path_double_encoded", "The path must not contain double-encoded '.', '/' or '\\'."),
  /** {@code %} not followed by two hex digits, or escapes that do not decode to valid UTF-8. */
  BAD_ESCAPE("path_bad_escape", "The path contains a malformed percent-escape."),
  /** An escape that decodes to a control character ({@code %00}-{@code %1F}, {@code %7F}). */
  ENCODED_CONTROL("path_encoded_control", "The path must not contain encoded control characters."),
  /**
   * A character that RFC 3986 requires to be percent-encoded in a path: space, control
   * characters, non-ASCII, {@code " < > ^ ` { | } [ ] #}.
   */
  ILLEGAL_CHARACTER("path_illegal_character", "The path contains a character that must be percent-encoded."),
  /**
   * A plain {@code ;}, which servlet containers treat as the start of path parameters and strip
   * before routing ({@code /admin;x=1} reaches {@code /admin}). Encoded as {@code %3B} it is data.
   */
  PATH_PARAMETER("path_parameter", "The path must not contain ';' (encode it as %3B)."),
  /** More than {@link RequestPath#MAX_SEGMENTS} segments. */
  TOO_MANY_SEGMENTS("path_too_long", "The path has too many segments.");

  private final String code;
  private final String message;

  PathProblem(String code, String message) {
    this.code = code;
    this.message = message;
  }

  /** The stable reason code for logs and metrics, e.g. {@code path_dot_segment}. */
  public String code() {
    return code;
  }

  /** A public message, safe to return to the client. */
  public String message() {
    return message;
  }
}
