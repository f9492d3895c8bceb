package io.keywarden.security.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw-socket HTTP/1.1 upstream that records exactly what it received: each request's head as
 * bytes, its method, target, headers and body length, read the way a typical origin server reads
 * them (Content-Length or chunked, keep-alive). It answers every request {@code 200} with an
 * {@code X-Upstream-Seq} header, so a client can tell which answers came from the upstream.
 */
final class EchoUpstream implements AutoCloseable {
  /** One request as the upstream parsed it; {@code target} is null when it could not parse it. */
  record Received(String method, String target, List<String[]> headers, long bodyBytes, String rawHead, long seq) {}

  private final ServerSocket server;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  /** Requests whose body never arrived complete (the gateway reset them). */
  final AtomicLong aborted = new AtomicLong();
  private volatile boolean closed;

  EchoUpstream() throws IOException {
    server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("echo-accept").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Takes everything received so far. */
  List<Received> drain() {
    List<Received> out = new ArrayList<>();
    Received r;
    while ((r = received.poll()) != null) {
      out.add(r);
    }
    return out;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] rl = lines[0].split(" ", -1);
        if (rl.length != 3 || !rl[2].startsWith("HTTP/1.")) {
          received.add(new Received(null, null, List.of(), 0, text, 0));
          return;
        }
        List<String[]> headers = new ArrayList<>();
        long cl = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
          if (lines[i].isEmpty()) {
            continue;
          }
          int c = lines[i].indexOf(':');
          if (c <= 0) {
            received.add(new Received(rl[0], null, headers, 0, text, 0));
            return;
          }
          String name = lines[i].substring(0, c);
          String value = lines[i].substring(c + 1).trim();
          headers.add(new String[] {name, value});
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.equals("content-length")) {
            cl = Long.parseLong(value);
          } else if (lower.equals("transfer-encoding")) {
            chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
          }
        }
        long body;
        try {
          body = chunked ? readChunked(in) : cl > 0 ? skip(in, cl) : 0;
        } catch (IOException | RuntimeException e) {
          body = -1;
        }
        if (body < 0) {
          // The gateway reset the request mid-body (what it must do when the client's framing
          // breaks): no request was delivered.
          aborted.incrementAndGet();
          return;
        }
        long n = seq.incrementAndGet();
        received.add(new Received(rl[0], rl[1], headers, body, text, n));
        boolean headReq = rl[0].equals("HEAD");
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream-Seq: " + n
            + "\r\nContent-Length: 2\r\n\r\n" + (headReq ? "" : "ok")).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // A connection the gateway reset or closed: nothing was recorded for a partial request.
    }
  }

  /** The head up to and including the blank line, or null at a clean end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      state = switch (state) {
        case 0, 2 -> c == '\r' ? state + 1 : 0;
        case 1, 3 -> c == '\n' ? state + 1 : c == '\r' ? 1 : 0;
        default -> 0;
      };
      if (b.size() > 1 << 20) {
        throw new IOException("head too long");
      }
    }
    return b.toByteArray();
  }

  private static long skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      if (in.read() < 0) {
        return -1;
      }
      left--;
    }
    return n;
  }

  private static long readChunked(InputStream in) throws IOException {
    long total = 0;
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return -1;
      }
      int semi = line.indexOf(';');
      long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (true) { // trailers
          String t = readLine(in);
          if (t == null) {
            return -1;
          }
          if (t.isEmpty()) {
            return total;
          }
        }
      }
      if (skip(in, size) < 0 || readLine(in) == null) {
        return -1;
      }
      total += size;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
