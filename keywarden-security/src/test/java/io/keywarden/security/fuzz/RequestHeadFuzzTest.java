package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keywarden.core.routes.HostPattern;
import io.keywarden.core.routes.RequestPath;
import io.keywarden.core.routes.RouteMatch;
import io.keywarden.core.routes.RouteTable;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import io.keywarden.server.listener.StrictRequestDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP/1.1 request head as the gateway's listener reads it: the decoder Vert.x puts on the
 * listener ({@link StrictRequestDecoder}, Vert.x's decoder made strict about framing, with the limits of the gateway's {@link
 * HttpServerOptions}: Keywarden keeps Vert.x's defaults, 4096-byte request line and 8192-byte
 * head) in an embedded channel, then Keywarden's own reading of the target and Host. Any bytes
 * give requests or a clean decode failure, never an exception; nothing decodes after a failure;
 * no decoded request carries two framings (Content-Length with Transfer-Encoding, or two
 * different lengths); the body of a message is exactly as long as its framing says; and bytes
 * split at any point decode to the same requests as in one piece.
 */
class RequestHeadFuzzTest {
  private static final HttpServerOptions GATEWAY_OPTIONS = new HttpServerOptions();
  private static final RouteTable ROUTES = FuzzRoutes.TABLE;

  /** One decoded message, reduced to what a proxy forwards. */
  record Seen(String head, long bodyBytes, boolean complete, boolean failed) {}

  @FuzzTest(maxDuration = "30s")
  // libFuzzer dictionary syntax: control characters are written \xNN.
  @DictionaryEntries({"GET ", "POST ", " HTTP/1.1\\x0D\\x0A", " HTTP/1.0\\x0D\\x0A", "\\x0D\\x0A", "\\x0A",
      "\\x0D\\x0A\\x0D\\x0A", "Host: ", "Content-Length: ", "Transfer-Encoding: chunked",
      "Transfer-Encoding: ", "Connection: keep-alive", "Expect: 100-continue", "0\\x0D\\x0A\\x0D\\x0A",
      "http://", "*", ":443", "Authorization: Bearer ", "X-Keywarden-User-Id: ", " chunked", ",chunked",
      "\\x09", "\\x00"})
  void anyBytesDecodeToRequestsOrACleanFailure(byte[] bytes) {
    // Seed files are raw request bytes; where they are split in two comes from the first byte.
    int split = bytes.length == 0 ? 0 : (bytes[0] & 0xff) * 7 % (bytes.length + 1);
    List<Seen> whole = decode(bytes, bytes.length);
    List<Seen> parts = decode(bytes, Math.min(split, bytes.length));
    assertThat(parts).as("the same bytes split at %d", split).isEqualTo(whole);
  }

  private static List<Seen> decode(byte[] bytes, int split) {
    EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(GATEWAY_OPTIONS));
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
      if (split < bytes.length) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
      }
      ch.checkException();
      List<Seen> seen = new ArrayList<>();
      boolean failedBefore = false;
      HttpRequest current = null;
      long body = 0;
      long expected = -1;
      Object msg;
      while ((msg = ch.readInbound()) != null) {
        try {
          HttpObject o = (HttpObject) msg;
          boolean failed = o.decoderResult().isFailure();
          if (failed) {
            assertThat(o.decoderResult().cause()).isNotNull();
          }
          if (o instanceof HttpRequest req) {
            assertThat(failedBefore && !failed).as("a request decoded after a failure").isFalse();
            current = req;
            body = 0;
            expected = failed ? -1 : checkFraming(req);
            if (!failed) {
              checkKeywardenReading(req);
            }
          }
          if (o instanceof HttpContent c) {
            body += c.content().readableBytes();
          }
          if (o instanceof LastHttpContent || (o instanceof HttpRequest && failed)) {
            boolean complete = o instanceof LastHttpContent && !failed;
            if (complete && expected >= 0) {
              assertThat(body).as("body length of %s", current).isEqualTo(expected);
            }
            seen.add(new Seen(current == null ? "" : head(current), body, complete, failed));
            current = null;
          }
          failedBefore |= failed;
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }
      if (current != null) {
        seen.add(new Seen(head(current), body, false, failedBefore));
      }
      return seen;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** The framing of a decoded request: its Content-Length, or -1 when chunked or none. */
  private static long checkFraming(HttpRequest req) {
    var h = req.headers();
    List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    assertThat(cl.isEmpty() || te.isEmpty()).as("both Content-Length and Transfer-Encoding: %s", h).isTrue();
    assertThat(cl.size()).as("Content-Length lines: %s", cl).isLessThanOrEqualTo(1);
    if (!te.isEmpty()) {
      String last = te.get(te.size() - 1).toLowerCase(Locale.ROOT).trim();
      assertThat(last).as("Transfer-Encoding %s", te).endsWith("chunked");
      return -1;
    }
    if (cl.isEmpty()) {
      return 0;
    }
    String v = cl.get(0).trim();
    assertThat(v).as("Content-Length %s", v).matches("[0-9]+");
    return Long.parseLong(v);
  }

  /** What Keywarden reads from a decoded head: its target as a path and the Host. */
  private static void checkKeywardenReading(HttpRequest req) {
    String uri = req.uri();
    String host = req.headers().get(HttpHeaderNames.HOST);
    RequestPath path = RequestPath.parse(uri);
    assertThat(path).isNotNull();
    HostPattern.parse("*.tenant.example", "fuzz").matches(host);
    RouteMatch m = ROUTES.match(req.method().name(), host, uri);
    assertThat(m).isNotNull();
  }

  private static String head(HttpRequest req) {
    StringBuilder sb = new StringBuilder(req.method().name()).append(' ').append(req.uri())
        .append(' ').append(req.protocolVersion().text());
    req.headers().forEach(e -> sb.append('\n').append(e.getKey()).append(": ").append(e.getValue()));
    return sb.toString();
  }
}
