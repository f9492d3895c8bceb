package io.keywarden.server.listener;

import io.keywarden.core.errors.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
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
 * <p>A refused request gets 400 {@code invalid_request} naming the problem, with {@code
 * Connection: close}, and the connection is closed: the decoder discards every byte after it, so
 * nothing behind a refused head is ever read as a request. The check is at the decoder, the only
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

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int from = out.size();
    super.decode(ctx, buffer, out);
    for (int i = from; i < out.size(); i++) {
      if (out.get(i) instanceof HttpObject o && o.decoderResult().isFailure()
          && o.decoderResult().cause() instanceof Refused r) {
        // Nothing from here on is passed on: the client is told why, and the connection ends.
        for (int j = out.size() - 1; j >= i; j--) {
          ReferenceCountUtil.release(out.remove(j));
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal(r.getMessage()))).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
  }

  static byte[] refusal(String why) {
    String body = "{\"error\":{\"code\":\"" + ErrorCode.INVALID_REQUEST.code() + "\",\"message\":\""
        + "The request's framing is refused: " + why + ".\"}}";
    return ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + "Cache-Control: no-store\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
