package io.keywarden.server.listener;

import io.keywarden.core.errors.ErrorCode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder with the framing rules of RFC 9112 made strict, because the
 * gateway is a proxy and any head its upstream could frame differently is a smuggling vector:
 *
 * <ul>
 *   <li>a request with both {@code Transfer-Encoding} and {@code Content-Length} is refused
 *       (Netty would drop the length and read chunks, keeping the connection open, so the bytes
 *       after the last chunk became a further request);
 *   <li>a {@code Transfer-Encoding} other than exactly one {@code chunked} coding, over all its
 *       lines (case-insensitive, optional whitespace), is refused: no other coding, no repeated
 *       {@code chunked}, no empty element, no garbage;
 *   <li>a request line whose version is not exactly {@code HTTP/1.0} or {@code HTTP/1.1} is
 *       refused (HTTP/2 is spoken by preface or upgrade, never in a request line);
 *   <li>{@code CONNECT} is refused: Keywarden is not a forward proxy, and a tunnel to an upstream
 *       would carry everything after it past the gateway's checks.
 * </ul>
 *
 * <p>A refused request fails its decoder result and the decoder discards every byte after it, so
 * nothing behind a refused head is ever read as a request; the listener's invalid-request handler
 * ({@link #answerInvalid}) answers it in turn, after any earlier pipelined request's answer, with
 * 400 {@code invalid_request} naming the problem and {@code Connection: close}, and Vert.x closes
 * the connection. The check is at the decoder, the only
 * place that sees every head before it is framed, not in the gateway: a head it lets through has
 * one framing only.
 */
public class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Why a head was refused; its message is the client's. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  public StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    if ("CONNECT".equals(initialLine[0])) {
      // Keywarden is no forward proxy: a CONNECT the upstream answers 2xx became a raw tunnel to
      // it, and every byte after it reached the upstream unchecked.
      throw new Refused("CONNECT is not supported: Keywarden is not a forward proxy");
    }
    String v = initialLine[2];
    if (!"HTTP/1.1".equals(v) && !"HTTP/1.0".equals(v)) {
      throw new Refused("unsupported HTTP version in the request line (HTTP/1.1 or HTTP/1.0 only)");
    }
    return super.createMessage(initialLine);
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    checkFraming(msg);
    return super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // checkFraming refused it already; never let Netty pick one of the two framings.
    throw new Refused("both Transfer-Encoding and Content-Length");
  }

  /** Refuses any framing but none, one Content-Length, or exactly {@code Transfer-Encoding: chunked}. */
  static void checkFraming(HttpMessage msg) {
    List<String> te = msg.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (te.isEmpty()) {
      return;
    }
    if (msg.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      throw new Refused("both Transfer-Encoding and Content-Length");
    }
    int codings = 0;
    for (String line : te) {
      int i = 0;
      int n = line.length();
      while (i <= n) {
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        int s = i;
        int e = end;
        while (s < e && (line.charAt(s) == ' ' || line.charAt(s) == '\t')) {
          s++;
        }
        while (e > s && (line.charAt(e - 1) == ' ' || line.charAt(e - 1) == '\t')) {
          e--;
        }
        if (e - s != 7 || !line.regionMatches(true, s, "chunked", 0, 7)) {
          throw new Refused("Transfer-Encoding other than exactly one chunked coding");
        }
        codings++;
        if (comma < 0) {
          break;
        }
        i = comma + 1;
      }
    }
    if (codings != 1) {
      throw new Refused("Transfer-Encoding other than exactly one chunked coding");
    }
  }

  /**
   * The listeners' handler for requests the decoder could not read ({@link
   * io.vertx.core.http.HttpServer#invalidRequestHandler}): Vert.x calls it in order, after the
   * answers to the requests before it on the connection, and closes the connection once it is
   * answered. A refusal of this decoder gets 400 {@code invalid_request} naming the problem; any
   * other failure Vert.x's default answer (400, 414 or 431).
   */
  public static void answerInvalid(io.vertx.core.http.HttpServerRequest req) {
    if (req.decoderResult() != null && req.decoderResult().cause() instanceof Refused r) {
      String body = "{\"error\":{\"code\":\"" + ErrorCode.INVALID_REQUEST.code() + "\",\"message\":\""
          + "The request's framing is refused: " + r.getMessage() + ".\"}}";
      req.response().setStatusCode(400)
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Connection", "close")
          .end(body);
    } else {
      io.vertx.core.http.HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(req);
    }
  }
}
