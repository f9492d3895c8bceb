package io.keywarden.server.listener;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.server.config.ServerSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time limits on the clients of a listener, so slow or idle connections (slowloris, a stalled
 * upload, a forgotten keep-alive) cannot hold it: a request head must arrive within the header
 * timeout, a kept-alive connection with nothing in flight is closed after the idle timeout, and a
 * request body may not fall silent for longer than the body timeout.
 *
 * <p>How: every connection a listener accepts gets a small Netty handler in front of everything
 * else (see {@link GuardedTransport}: Vert.x has no public hook at accept time), which sees raw
 * bytes arrive, and, once Vert.x has set up HTTP/1.x, a second one behind the codec, which sees the
 * decoded request head and body end and the response's head and end go out. Together they keep
 * the connection in exactly one phase: waiting for the first request (timed from the accept by the
 * header timeout, TLS handshake included), idle between requests (idle timeout until the next
 * request's first byte), reading a head (header timeout from its first byte), reading a body (body
 * timeout from the last byte, counted only while the listener is reading: back-pressure from a
 * slow upstream is not the client's silence), or waiting for the response to end (no limit: the
 * upstream's timeouts govern, and an event stream may run as long as it likes). One periodic tick
 * per connection, at a quarter of the shortest limit (at most a second), compares the phase's start
 * with the clock, so a request costs no timer and no allocation; a limit is therefore enforced
 * within 1¼ times its value.
 *
 * <p>On expiry: a head not complete in time, or a body whose answer has not started, gets 408
 * {@code request_timeout} with {@code Connection: close}; otherwise (idle, or the answer already
 * started) the connection is simply closed. A closed client connection is what the gateway's
 * forwarder already treats as a client reset: it aborts the upstream request, so the upstream never
 * sees a truncated body as a complete one.
 *
 * <p>A connection that leaves HTTP/1.x for a WebSocket (101 Switching Protocols) has no limits
 * any more. An HTTP/2 connection (TLS with ALPN {@code h2}, prior knowledge, or an {@code h2c}
 * upgrade) is closed after the idle timeout with no stream in flight; the header and body limits
 * are HTTP/1.x's (HTTP/2's own flow control and stream limits bound what a slow peer holds).
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  static final String BYTES = "keywarden-guard-bytes";
  static final String MESSAGES = "keywarden-guard-messages";

  private static final byte[] TIMEOUT_408;

  static {
    String body = "{\"error\":{\"code\":\"" + ErrorCode.REQUEST_TIMEOUT.code() + "\",\"message\":\""
        + ErrorCode.REQUEST_TIMEOUT.defaultMessage() + "\"}}";
    TIMEOUT_408 = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + "Cache-Control: no-store\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private final long headerNanos;
  private final long idleNanos;
  private final long bodyNanos;
  private final long tickNanos;

  public ConnectionGuard(ServerSettings.Timeouts timeouts) {
    this.headerNanos = timeouts.header().toNanos();
    this.idleNanos = timeouts.idle().toNanos();
    this.bodyNanos = timeouts.body().toNanos();
    long shortest = Long.MAX_VALUE;
    for (long l : new long[] {headerNanos, idleNanos, bodyNanos}) {
      if (l > 0) {
        shortest = Math.min(shortest, l);
      }
    }
    this.tickNanos = shortest == Long.MAX_VALUE ? 0 : Math.min(shortest / 4, TimeUnit.SECONDS.toNanos(1));
  }

  /**
   * The transport for a Vert.x instance whose servers this guard watches: {@code preferNative}
   * as in {@link io.vertx.core.VertxOptions#getPreferNativeTransport()}.
   */
  public io.vertx.core.transport.Transport transport(boolean preferNative) {
    io.vertx.core.transport.Transport base = io.vertx.core.transport.Transport.NIO;
    if (preferNative) {
      io.vertx.core.transport.Transport n = io.vertx.core.transport.Transport.nativeTransport();
      if (n != null && n.available()) {
        base = n;
      }
    }
    return new GuardedTransport(base, this);
  }

  /** Sets Vert.x's own limit on the TLS handshake to the header timeout. */
  public HttpServerOptions options(HttpServerOptions options) {
    if (headerNanos > 0) {
      long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(headerNanos));
      options.setSslHandshakeTimeout(ms).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    return options;
  }

  /** Puts the guard in front of a just-accepted connection's pipeline. */
  void attach(Channel ch) {
    Http1 guard = new Http1(ch);
    ch.attr(STATE).set(guard);
    ch.pipeline().addFirst(BYTES, guard.bytes);
  }

  /** Keywarden's listeners keep Vert.x's default head limits: the strict decoder uses them too. */
  private static final HttpServerOptions DECODER_OPTIONS = new HttpServerOptions();
  static final String DECODER = "httpDecoder";
  static final String SWAP = "keywarden-guard-decoder";

  /**
   * Puts the {@link StrictRequestDecoder} in place of Vert.x's HTTP/1.x decoder before the decoder
   * has seen a byte. Vert.x adds its decoder only once it knows the protocol (the first bytes, or
   * the TLS handshake), immediately before the handler its initializer computes ({@code
   * chunkedWriter}, {@code idle} or {@code handler}), in the same call that feeds it the first
   * bytes; so a small handler placed immediately before that one ends up in front of the decoder
   * and swaps it as the first bytes pass. Over TLS the decoder is added when the handshake ends, so
   * the small handler goes right behind the TLS handler instead, where the decrypted bytes come
   * out. Returns whether the swap is done (or not needed: HTTP/2).
   */
  static boolean placeDecoder(ChannelPipeline p) {
    if (p.get(DECODER) instanceof StrictRequestDecoder) {
      return true;
    }
    if (p.get(DECODER) != null) {
      p.replace(DECODER, DECODER, new StrictRequestDecoder(DECODER_OPTIONS));
      return true;
    }
    if (p.get(Http2ConnectionHandler.class) != null) {
      return true;
    }
    if (p.get(SWAP) == null) {
      // Over TLS: right behind the TLS handler, where decrypted bytes come out (an SNI handler
      // is replaced by the TLS handler in its place). Otherwise before the initializer's target.
      ChannelHandlerContext tls = p.context(io.netty.handler.ssl.SslHandler.class);
      if (tls == null) {
        tls = p.context(io.netty.handler.ssl.AbstractSniHandler.class);
      }
      String target = p.get("chunkedWriter") != null ? "chunkedWriter" : p.get("idle") != null ? "idle" : "handler";
      if (tls != null) {
        p.addAfter(tls.name(), SWAP, new Swap());
      } else if (p.get(target) != null) {
        p.addBefore(target, SWAP, new Swap());
      }
    }
    return false;
  }

  /** In front of where Vert.x will put its decoder: swaps it as the first bytes pass. */
  private static final class Swap extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ChannelPipeline p = ctx.pipeline();
      if (p.get(DECODER) != null && !(p.get(DECODER) instanceof StrictRequestDecoder)) {
        p.replace(DECODER, DECODER, new StrictRequestDecoder(DECODER_OPTIONS));
      }
      if (p.get(DECODER) != null || p.get(Http2ConnectionHandler.class) != null) {
        p.remove(this);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Called by the listener for every request, before its handler: Vert.x sets HTTP/1.x up only
   * when the first bytes arrive, so the first head of a connection may pass before the guard's
   * second handler is in place; and HTTP/2 requests are streams the idle limit must wait for.
   * Costs an attribute lookup per request.
   */
  public void onRequest(HttpServerRequest request) {
    if (request.connection() instanceof ConnectionBase base) {
      Channel ch = base.channel();
      Http1 guard = ch.attr(STATE).get();
      if (guard != null && ch.eventLoop().inEventLoop()) {
        guard.request(request);
      }
    }
  }

  private static final AttributeKey<Http1> STATE = AttributeKey.valueOf(ConnectionGuard.class.getName());

  private enum Phase { FIRST_HEAD, IDLE, HEAD, BODY, RESPONSE, H2 }

  /** The phases of one HTTP/1.x connection; touched only on its event loop. */
  private final class Http1 implements Runnable {
    final Channel ch;
    final Bytes bytes = new Bytes();
    final Messages messages = new Messages();
    ChannelHandlerContext bytesCtx;
    Phase phase = Phase.FIRST_HEAD;
    /** When the phase began (for the head and idle limits). */
    long since;
    /** When the last byte arrived (for the body limit). */
    long lastRead;
    boolean requestEnded;
    boolean responseEnded;
    boolean responseStarted;
    boolean informational;
    /** Bytes of the next request arrived while the answer to this one was still going out. */
    boolean nextStarted;
    /** The connection left HTTP/1.x (101 Switching Protocols, or HTTP/2): no phases any more. */
    boolean switched;
    boolean messagesAdded;
    /** The strict decoder is in place (or not needed). */
    boolean decoderPlaced;
    /** The second handler has seen a request head: the listener's signal is no longer needed. */
    boolean headsSeen;
    /** HTTP/2 streams in flight. */
    int streams;
    ScheduledFuture<?> tick;

    Http1(Channel ch) {
      this.ch = ch;
    }

    void start() {
      since = lastRead = System.nanoTime();
      if (tickNanos <= 0) {
        return;
      }
      tick = ch.eventLoop().scheduleAtFixedRate(this, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
      ch.closeFuture().addListener(f -> tick.cancel(false));
    }

    /**
     * Once Vert.x has set up HTTP/1.x, puts the second handler behind its codec, and takes Vert.x's
     * idle handler out (it counts writes as activity and would cut a long wait for an upstream).
     * Once it has set up HTTP/2, hands the connection to an idle handler and steps out.
     */
    void followPipeline() {
      if (messagesAdded || switched || phase == Phase.H2) {
        return;
      }
      ChannelPipeline p = ch.pipeline();
      if (p.get("httpEncoder") != null) {
        p.addAfter("httpEncoder", MESSAGES, messages);
        messagesAdded = true;
        while (p.get(IdleStateHandler.class) != null) {
          p.remove(IdleStateHandler.class);
        }
      } else if (p.get(Http2ConnectionHandler.class) != null) {
        toHttp2();
      }
    }

    /** A request reached the listener's handler (see {@link #onRequest}). */
    void request(HttpServerRequest request) {
      if (!ch.isOpen() || switched) {
        return;
      }
      if (request.version() == HttpVersion.HTTP_2) {
        if (phase != Phase.H2) {
          toHttp2();
        }
        streams++;
        boolean[] done = {false};
        io.vertx.core.Handler<Void> end = v -> {
          if (!done[0]) {
            done[0] = true;
            streams--;
            since = System.nanoTime();
          }
        };
        request.response().endHandler(end).closeHandler(end);
        return;
      }
      if (!headsSeen && (phase == Phase.FIRST_HEAD || phase == Phase.HEAD)) {
        followPipeline();
        headRead();
      }
    }

    void headRead() {
      phase = Phase.BODY;
      lastRead = System.nanoTime();
      requestEnded = false;
      responseEnded = false;
      responseStarted = false;
    }

    /** HTTP/2 from here on: idle means no stream in flight for the idle timeout. */
    void toHttp2() {
      phase = Phase.H2;
      since = System.nanoTime();
      ChannelPipeline p = ch.pipeline();
      while (p.get(IdleStateHandler.class) != null) {
        p.remove(IdleStateHandler.class);
      }
    }

    @Override
    public void run() {
      if (switched && ch.isOpen() && ch.pipeline().get(Http2ConnectionHandler.class) != null) {
        switched = false; // an h2c upgrade: HTTP/2 from here on
        toHttp2();
      }
      if (switched || !ch.isOpen()) {
        tick.cancel(false);
        return;
      }
      followPipeline();
      long now = System.nanoTime();
      switch (phase) {
        case FIRST_HEAD, HEAD -> {
          if (headerNanos > 0 && now - since >= headerNanos) {
            // A connection that sent nothing at all is closed quietly; a partial head is told why.
            expire(phase == Phase.HEAD, "the request head did not arrive within " + millis(headerNanos));
          }
        }
        case IDLE -> {
          if (idleNanos > 0 && now - since >= idleNanos) {
            expire(false, "kept-alive connection idle for " + millis(idleNanos));
          }
        }
        case BODY -> {
          if (!ch.config().isAutoRead()) {
            lastRead = now; // the listener holds the client back; its silence is not the client's
          } else if (bodyNanos > 0 && now - lastRead >= bodyNanos) {
            expire(!responseStarted, "no request body byte for " + millis(bodyNanos));
          }
        }
        case RESPONSE -> {
          // the answer's own time: no limit here
        }
        case H2 -> {
          if (streams == 0 && idleNanos > 0 && now - since >= idleNanos) {
            expire(false, "HTTP/2 connection idle for " + millis(idleNanos));
          }
        }
      }
    }

    private void expire(boolean answer408, String why) {
      tick.cancel(false);
      LOG.debug("closing connection from {}: {}", ch.remoteAddress(), why);
      if (answer408 && bytesCtx != null) {
        bytesCtx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_408)).addListener(ChannelFutureListener.CLOSE);
      } else {
        ch.close();
      }
    }

    private void betweenRequests() {
      since = System.nanoTime();
      phase = nextStarted ? Phase.HEAD : Phase.IDLE;
      nextStarted = false;
    }

    /** In front of the decoder: raw bytes arriving. */
    final class Bytes extends ChannelInboundHandlerAdapter {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        bytesCtx = ctx;
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!decoderPlaced) {
          decoderPlaced = placeDecoder(ctx.pipeline());
        }
        if (switched || phase == Phase.H2 || tickNanos <= 0) {
          ctx.fireChannelRead(msg);
          return;
        }
        followPipeline();
        lastRead = System.nanoTime();
        switch (phase) {
          case IDLE -> {
            phase = Phase.HEAD;
            since = lastRead;
          }
          case FIRST_HEAD -> phase = Phase.HEAD; // still timed from the accept
          case RESPONSE -> nextStarted = true;
          default -> { }
        }
        ctx.fireChannelRead(msg);
      }
    }

    /** Behind the codec: request heads and ends coming in, response heads and ends going out. */
    final class Messages extends ChannelDuplexHandler {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A head decoded before this handler was in place shows as its body.
        if (msg instanceof HttpRequest) {
          headsSeen = true;
          headRead();
        } else if (msg instanceof HttpContent && (phase == Phase.FIRST_HEAD || phase == Phase.HEAD)) {
          headRead();
        }
        if (msg instanceof LastHttpContent) {
          requestEnded = true;
          if (responseEnded) {
            betweenRequests();
          } else {
            phase = Phase.RESPONSE;
          }
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r) {
          int status = r.status().code();
          if (status == 101) {
            switched = true; // a WebSocket (or h2c, picked up by the next tick) from here on
          } else if (status < 200) {
            informational = true;
          } else {
            informational = false;
            responseStarted = true;
          }
        }
        if (msg instanceof LastHttpContent) {
          if (informational) {
            informational = false;
          } else {
            responseEnded = true;
            if (requestEnded && phase == Phase.RESPONSE) {
              betweenRequests();
            }
          }
        }
        ctx.write(msg, promise);
      }
    }
  }

  private static String millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis() + " ms";
  }
}
