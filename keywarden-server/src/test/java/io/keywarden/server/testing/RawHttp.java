package io.keywarden.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A client on a raw socket, for requests no HTTP library would send: absolute-form targets,
 * repeated or malformed {@code Host} lines, headers spelt with underscores, broken chunked bodies.
 */
public final class RawHttp {
  /** An answer: status, head and body (read by {@code Content-Length}); status 0 if none came. */
  public record Answer(int status, String head, String body) {
    /** The first value of header {@code name}, or {@code null}. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private RawHttp() {}

  /** Sends {@code request} (ISO-8859-1) to 127.0.0.1:{@code port} and reads one answer. */
  public static Answer exchange(int port, String request) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one answer from {@code in}; status 0 when the connection ended without one. */
  public static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (java.net.SocketException e) {
        b = -1;
      }
      if (b < 0) {
        return new Answer(0, head.toString(StandardCharsets.ISO_8859_1), "");
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(h.substring(9, 12));
    String lower = h.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("\r\ncontent-length:");
    byte[] body = new byte[0];
    if (at >= 0) {
      int eol = lower.indexOf("\r\n", at + 2);
      int n = Integer.parseInt(lower.substring(at + 17, eol).trim());
      body = in.readNBytes(n);
    }
    return new Answer(status, h, new String(body, StandardCharsets.UTF_8));
  }
}
