package io.keywarden.server.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.server.http.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.Map;

/**
 * How the gateway words its own error answers, so that a deployment can keep the exact bodies its
 * API documents. Three styles:
 *
 * <ul>
 *   <li>{@code envelope} (default): {@code {"error": {"code", "message", "reason"?}}};
 *   <li>{@code problem}: RFC 9457 {@code application/problem+json} with {@code type}, {@code
 *       title}, {@code status}, {@code detail} and the extension members {@code code} and {@code
 *       reason};
 *   <li>{@code text}: a plain body per status, configurable (NomaCMS: 400 {@code Project header
 *       missing.}, 404 {@code Project not found.}, 403 {@code Forbidden}); statuses without a
 *       configured body get the catalogue message.
 * </ul>
 *
 * Whatever the style, the status comes from the error catalogue and messages are redacted.
 */
public sealed interface ErrorStyle {
  /** Writes the answer for {@code code} and ends the response. */
  void write(HttpServerResponse response, ErrorCode code, String message, String reason);

  /** The envelope style. */
  ErrorStyle ENVELOPE = new Envelope();

  /** The RFC 9457 problem style. */
  ErrorStyle PROBLEM = new Problem();

  /** A text style with these bodies by status (others: the catalogue message). */
  static ErrorStyle text(Map<Integer, String> bodies) {
    return new Text(Map.copyOf(bodies));
  }

  /** The style of this name with no text bodies: {@code envelope}, {@code problem} or {@code text}. */
  static ErrorStyle named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "envelope" -> ENVELOPE;
      case "problem" -> PROBLEM;
      case "text" -> text(Map.of());
      default -> throw new IllegalArgumentException("error style must be envelope, problem or text, not " + name);
    };
  }

  /** {@code {"error": {"code", "message", "reason"?}}}. */
  record Envelope() implements ErrorStyle {
    @Override
    public void write(HttpServerResponse r, ErrorCode code, String message, String reason) {
      ObjectNode body = Json.object();
      ObjectNode e = body.putObject("error");
      e.put("code", code.code());
      e.put("message", KeyFormat.redact(message == null ? code.defaultMessage() : message));
      if (reason != null) {
        e.put("reason", reason);
      }
      end(r, code.httpStatus(), "application/json", Buffer.buffer(Json.bytes(body)));
    }
  }

  /** RFC 9457 problem details. */
  record Problem() implements ErrorStyle {
    @Override
    public void write(HttpServerResponse r, ErrorCode code, String message, String reason) {
      ObjectNode body = Json.object();
      body.put("type", "urn:keywarden:problem:" + code.code());
      body.put("title", code.defaultMessage());
      body.put("status", code.httpStatus());
      body.put("detail", KeyFormat.redact(message == null ? code.defaultMessage() : message));
      body.put("code", code.code());
      if (reason != null) {
        body.put("reason", reason);
      }
      end(r, code.httpStatus(), "application/problem+json", Buffer.buffer(Json.bytes(body)));
    }
  }

  /** Plain text bodies by status. */
  record Text(Map<Integer, String> bodies) implements ErrorStyle {
    @Override
    public void write(HttpServerResponse r, ErrorCode code, String message, String reason) {
      String text = bodies.get(code.httpStatus());
      if (text == null) {
        text = KeyFormat.redact(message == null ? code.defaultMessage() : message);
      }
      end(r, code.httpStatus(), "text/plain; charset=utf-8", Buffer.buffer(text));
    }
  }

  private static void end(HttpServerResponse r, int status, String contentType, Buffer body) {
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(status).putHeader("Content-Type", contentType).end(body);
  }
}
