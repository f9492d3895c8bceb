package io.keywarden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.store.Page;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * Writes every API response: {@code {"data": …}} on success, {@code {"error": {"code",
 * "message", …}}} on failure, lists with a {@code pagination} object. The error body and status
 * come from the {@link ErrorCode} catalogue; this is the only place that turns one into a
 * response.
 */
public final class Responses {
  public static final String JSON = "application/json";

  private Responses() {}

  /** {@code {"data": data}} with the given status. */
  public static void data(RoutingContext ctx, int status, JsonNode data) {
    ObjectNode body = Json.object();
    body.set("data", data);
    send(ctx, status, body);
  }

  /** A complete JSON body written by the caller (hot paths that stream their JSON). */
  public static void body(RoutingContext ctx, int status, Buffer json) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(status).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(json);
  }

  /** A page of a list, with its pagination object. */
  public static <T> void page(RoutingContext ctx, Page<T> page, Function<T, JsonNode> item) {
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    page.items().forEach(i -> data.add(item.apply(i)));
    ObjectNode p = body.putObject("pagination");
    p.put("has_more", page.hasMore());
    p.put("next_cursor", page.nextCursor());
    p.put("has_more_before", page.hasMoreBefore());
    p.put("prev_cursor", page.prevCursor());
    send(ctx, 200, body);
  }

  /** 204 with no body. */
  public static void noContent(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(204).end();
    }
  }

  /**
   * An error from the catalogue.
   *
   * @param field the field, header or parameter at fault, or {@code null}
   * @param reason a decision's reason code, or {@code null}
   */
  public static void error(RoutingContext ctx, ErrorCode code, String message, String field, String reason) {
    ObjectNode body = Json.object();
    ObjectNode e = body.putObject("error");
    e.put("code", code.code());
    // Messages may quote client input (a path, a field name, a JSON token): never a key.
    e.put("message", message == null ? code.defaultMessage() : KeyFormat.redact(message));
    if (field != null) {
      e.put("field", KeyFormat.redact(field));
    }
    if (reason != null) {
      e.put("reason", reason);
    }
    HttpServerResponse r = ctx.response();
    if (code.httpStatus() == 401 && r.headers().get("WWW-Authenticate") == null) {
      r.putHeader(Headers.WWW_AUTHENTICATE, Bearer.REALM);
    }
    send(ctx, code.httpStatus(), body);
  }

  /** The context key of an {@link AnswerListener}. */
  public static final String ON_ANSWER = AnswerListener.class.getName();

  /**
   * Told of a JSON answer just before it is written, on the thread that writes it (idempotent
   * creations keep their first answer this way).
   */
  @FunctionalInterface
  public interface AnswerListener {
    void answered(int status, ObjectNode body);
  }

  private static void send(RoutingContext ctx, int status, ObjectNode body) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    AnswerListener listener = ctx.get(ON_ANSWER);
    if (listener != null) {
      ctx.remove(ON_ANSWER);
      listener.answered(status, body);
    }
    r.setStatusCode(status).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(Buffer.buffer(Json.bytes(body)));
  }
}
