package io.keywarden.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 upstream on raw sockets that reports exactly what it received: every request's bytes
 * (head and body, framing included) are recorded, with whether the request arrived complete (the
 * whole {@code Content-Length}, or the terminating zero-size chunk) or was cut off (the connection
 * closed or was reset first). A complete request is answered 200 with its own bytes as the body.
 * No HTTP library sits between the wire and the record, so nothing is normalized away.
 */
public final class RawEchoUpstream implements AutoCloseable {
  /** One request as it arrived. */
  public record Received(byte[] bytes, boolean complete) {
    /** The bytes as ISO-8859-1 text (one char per byte). */
    public String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The request line, e.g. {@code GET /x HTTP/1.1}. */
    public String requestLine() {
      String t = text();
      int eol = t.indexOf("\r\n");
      return eol < 0 ? t : t.substring(0, eol);
    }

    /** The header lines of the head, as received. */
    public List<String> headerLines() {
      String t = text();
      int end = t.indexOf("\r\n\r\n");
      String head = end < 0 ? t : t.substring(0, end);
      String[] lines = head.split("\r\n");
      List<String> out = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        out.add(lines[i]);
      }
      return out;
    }

    /** Every value of header {@code name} (exact name, ignoring case), in order. */
    public List<String> header(String name) {
      List<String> out = new ArrayList<>();
      for (String line : headerLines()) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          out.add(line.substring(colon + 1).trim());
        }
      }
      return out;
    }
  }

  private final ServerSocket server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closed;

  public RawEchoUpstream() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "raw-echo-upstream");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The next request received, waiting at most {@code timeout}; {@code null} if none came. */
  public Received next(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Forgets what was received so far. */
  public void clear() {
    received.clear();
  }

  /** Whether nothing was received so far (or since {@link #clear}). */
  public boolean isEmpty() {
    return received.isEmpty();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "raw-echo-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String head = readHead(in, raw);
        if (head == null) {
          if (raw.size() > 0) {
            received.add(new Received(raw.toByteArray(), false));
          }
          return;
        }
        boolean complete = readBody(in, raw, head);
        received.add(new Received(raw.toByteArray(), complete));
        if (!complete) {
          return;
        }
        byte[] body = raw.toByteArray();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      // the peer went away; what arrived was recorded
    }
  }

  /** Reads up to the blank line; {@code null} if the stream ended first. */
  private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        return null;
      }
      if (b < 0) {
        return null;
      }
      raw.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return raw.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads the body as the head frames it; whether it arrived whole. */
  private static boolean readBody(InputStream in, ByteArrayOutputStream raw, String head) {
    try {
      String lower = head.toLowerCase(Locale.ROOT);
      if (lower.contains("\r\ntransfer-encoding: chunked")) {
        while (true) {
          String sizeLine = readLine(in, raw);
          if (sizeLine == null) {
            return false;
          }
          int semi = sizeLine.indexOf(';');
          int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
          if (size == 0) {
            // trailers, then the blank line
            while (true) {
              String t = readLine(in, raw);
              if (t == null) {
                return false;
              }
              if (t.isEmpty()) {
                return true;
              }
            }
          }
          if (!copy(in, raw, size + 2)) {
            return false;
          }
        }
      }
      int at = lower.indexOf("\r\ncontent-length:");
      if (at >= 0) {
        int eol = lower.indexOf("\r\n", at + 2);
        long n = Long.parseLong(lower.substring(at + 17, eol).trim());
        return copy(in, raw, n);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder sb = new StringBuilder();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      raw.write(b);
      if (prev == '\r' && b == '\n') {
        return sb.substring(0, sb.length() - 1);
      }
      sb.append((char) b);
      prev = b;
    }
  }

  private static boolean copy(InputStream in, ByteArrayOutputStream raw, long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        return false;
      }
      raw.write(buf, 0, r);
      n -= r;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
