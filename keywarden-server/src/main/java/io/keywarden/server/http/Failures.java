package io.keywarden.server.http;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.KeyFormat;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure handler of the API router: a {@link KeywardenException} becomes its catalogue
 * response; a status set by Vert.x (413 from the body limit, 404, 405) becomes the matching
 * catalogue entry; anything else is a fault, logged with the request id and answered with a plain
 * 500 {@code internal} that reveals nothing. A client that hung up (its connection closed, e.g.
 * mid-body) is no fault: one DEBUG line, no answer.
 */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  private static final String CLIENT_GONE = "keywarden.client-gone";

  private Failures() {}

  public static void handle(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (ctx.response().closed() || f instanceof io.vertx.core.http.HttpClosedException
        || (f instanceof java.io.IOException && !ctx.request().isEnded())) {
      // The client hung up (closed or reset mid-body): nobody to answer, nothing wrong with Keywarden.
      // A reset is reported twice (the reset, then the close): one line for both.
      if (ctx.get(CLIENT_GONE) != null) {
        return;
      }
      ctx.put(CLIENT_GONE, Boolean.TRUE);
      LOG.debug("request {} {} {}: client went away ({})", RequestIds.of(ctx), ctx.request().method(),
          safePath(ctx), f == null ? "connection closed" : Redacted.of(f).toString());
      return;
    }
    if (f instanceof KeywardenException ke) {
      Responses.error(ctx, ke.code(), ke.getMessage(), ke.field(), null);
      return;
    }
    if (f instanceof Replayed r) {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().setStatusCode(r.status()).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
            .putHeader(Replayed.HEADER, "true").end(r.body());
      }
      return;
    }
    if (f instanceof Denied d) {
      denied(ctx, d);
      return;
    }
    if (f instanceof Limited l) {
      Responses.error(ctx, l.outcome().error(), l.getMessage(), null, l.outcome().reason());
      return;
    }
    int status = ctx.statusCode();
    switch (status) {
      case 413 -> Responses.error(ctx, ErrorCode.PAYLOAD_TOO_LARGE,
          "The request body is larger than the limit of this API.", "body", null);
      case 404 -> notFound(ctx);
      case 405 -> Responses.error(ctx, ErrorCode.METHOD_NOT_ALLOWED,
          "Method " + ctx.request().method() + " is not allowed on " + safePath(ctx) + ".", null, null);
      case 400 -> Responses.error(ctx, ErrorCode.INVALID_REQUEST, "The request is malformed.", null, null);
      default -> {
        LOG.error("request {} {} {} failed (status {})", RequestIds.of(ctx), ctx.request().method(),
            safePath(ctx), status, f == null ? null : Redacted.of(f));
        Responses.error(ctx, ErrorCode.INTERNAL, "An internal error occurred; request id " + RequestIds.of(ctx) + ".", null, null);
      }
    }
  }

  /** A refused credential: 401 or 403 with {@code WWW-Authenticate} (RFC 6750) and the reason code. */
  public static void denied(RoutingContext ctx, Denied d) {
    var status = d.status();
    String header = Bearer.challenge(status, d.requiredScope());
    if (header != null) {
      ctx.response().putHeader(Headers.WWW_AUTHENTICATE, header);
    }
    Responses.error(ctx, status.error(), status.message(), null, status.reason());
  }

  /** The answer for a path that matches no route. */
  public static void notFound(RoutingContext ctx) {
    Responses.error(ctx, ErrorCode.NOT_FOUND, "No such endpoint: " + ctx.request().method() + " "
        + safePath(ctx) + ".", null, null);
  }

  /** The request path for messages and logs, with anything shaped like a key redacted. */
  static String safePath(RoutingContext ctx) {
    return KeyFormat.redact(ctx.request().path());
  }
}
