package io.keywarden.security.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends generated cases to one listener over raw sockets, one connection per case, and checks the
 * oracles: no 5xx from Keywarden itself (the echo upstream never fails, so a 502/504 is one too),
 * an answer or a close within {@link #ANSWER_BOUND_MS} for every connection, no minted key and no
 * forged identity header in what the upstream received, and (at the end) the upstream received
 * exactly the requests the gateway answered with the upstream's answers, each with the path that
 * was sent. Findings are collected with the case's bytes and what the upstream got.
 */
final class HttpFuzzer {
  static final int ANSWER_BOUND_MS = 10_000;
  static final int CLOSE_BOUND_MS = 15_000;
  static final int QUIET_MS = 300;
  private static final Pattern MARKER = Pattern.compile("/(c[0-9]+(?:p[0-9]+|end|smuggled))(?:[/?#]|$)");

  /** One finding: its kind, the case and a description. */
  record Finding(String kind, int caseId, String detail, String requestBytes) {
    @Override
    public String toString() {
      return kind + " (case " + caseId + "): " + detail + "\n  request: " + requestBytes;
    }
  }

  final List<Finding> findings = new ArrayList<>();
  final Map<String, Integer> findingCounts = new LinkedHashMap<>();
  final Map<Integer, Integer> statusCounts = new HashMap<>();
  long requests;
  long connections;
  long upstreamAnswersSeen;
  private final Set<Long> seqSeen = new HashSet<>();
  private final Map<String, String> sentPaths = new HashMap<>();
  private final Map<String, Integer> markerCase = new HashMap<>();
  private final Map<Integer, String> caseBytes = new HashMap<>();
  private final List<EchoUpstream.Received> upstreamSaw = new ArrayList<>();

  void finding(String kind, int caseId, String detail, byte[] bytes) {
    int seen = findingCounts.merge(kind, 1, Integer::sum);
    if (seen <= 3) { // the first three examples of each kind
      findings.add(new Finding(kind, caseId, detail, bytes == null ? "" : show(bytes)));
    }
  }

  static String show(byte[] b) {
    String s = new String(b, 0, Math.min(b.length, 600), StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r").replace("\n", "\\n\n    ").replace("\u0000", "\\0");
    return b.length > 600 ? s + "…(" + b.length + " bytes)" : s;
  }

  /** Runs one case against {@code port}; {@code upstream} is null for the API listener. */
  void run(RequestGenerator.Case c, int port, EchoUpstream upstream) {
    connections++;
    requests += countRequests(c.bytes);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    boolean closed = false;
    boolean answered = false;
    long start = System.nanoTime();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(100);
      try {
        s.getOutputStream().write(c.bytes);
        s.getOutputStream().flush();
      } catch (IOException e) {
        // The server closed early (it refused the head): read what it answered.
      }
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16384];
      long lastByte = start;
      while (true) {
        long now = System.nanoTime();
        long ms = (now - start) / 1_000_000;
        // Unanswered: wait up to the bound. Answered: stop after a quiet moment (a server may
        // keep a connection open when the framing swallowed the closing sentinel).
        if ((!answered && ms > ANSWER_BOUND_MS) || ms > CLOSE_BOUND_MS
            || (answered && (now - lastByte) / 1_000_000 > QUIET_MS)) {
          break;
        }
        try {
          int n = in.read(buf);
          if (n < 0) {
            closed = true;
            break;
          }
          got.write(buf, 0, n);
          answered = true;
          lastByte = System.nanoTime();
        } catch (SocketTimeoutException e) {
          // keep waiting within the bounds
        } catch (IOException e) {
          closed = true; // reset counts as a close
          break;
        }
      }
    } catch (IOException e) {
      finding("connect-failed", c.id, e.toString(), c.bytes);
      return;
    }
    if (!answered && !closed) {
      finding("hang", c.id, "no answer and no close within " + ANSWER_BOUND_MS + " ms", c.bytes);
    }
    for (Response resp : parse(got.toByteArray(), c.firstIsHead)) {
      statusCounts.merge(resp.status, 1, Integer::sum);
      if (resp.upstreamSeq != null) {
        upstreamAnswersSeen++;
        seqSeen.add(resp.upstreamSeq);
      } else if (resp.status == 501 && !standardMethod(c.bytes)) {
        findingCounts.merge("note:501-for-an-unknown-method", 1, Integer::sum); // RFC 9110 15.6.2
      } else if (resp.status >= 500) {
        finding("5xx-from-keywarden", c.id, resp.status + " " + resp.headSummary, c.bytes);
      }
      if (resp.status == 0) {
        // This client's reader loses its place after an answer to HEAD (no body despite its
        // Content-Length); elsewhere an answer it cannot read is a finding.
        if (c.firstIsHead) {
          findingCounts.merge("note:unreadable-after-head", 1, Integer::sum);
        } else {
          finding("unparsable-answer", c.id, resp.headSummary, c.bytes);
        }
      }
    }
    String answer = got.toString(StandardCharsets.ISO_8859_1);
    for (String secret : c.secrets) {
      if (answer.contains(secret)) {
        finding("raw-key-in-answer", c.id, "the answer quotes a key", c.bytes);
      }
    }
    if (upstream != null) {
      caseBytes.put(c.id, show(c.bytes));
      c.sentPaths.forEach((m, p) -> {
        sentPaths.put(m, p);
        markerCase.put(m, c.id);
      });
      for (EchoUpstream.Received rec : upstream.drain()) {
        check(rec, c);
      }
    }
  }

  /** Checks one request the upstream received (attributed to case {@code c} by arrival). */
  private void check(EchoUpstream.Received rec, RequestGenerator.Case c) {
    upstreamSaw.add(rec);
    for (String secret : c.secrets) {
      if (rec.rawHead().contains(secret)) {
        finding("raw-key-at-upstream", c.id, "upstream head:\n    " + rec.rawHead().replace("\r\n", "\n    "), c.bytes);
      }
    }
    for (String[] h : rec.headers()) {
      String name = h[0].toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.startsWith("x-keywarden-") && h[1].contains("FORGED")) {
        finding("forged-identity-at-upstream", c.id, h[0] + ": " + h[1], c.bytes);
      }
      if (name.equals("x-http-method-override")) {
        findingCounts.merge("note:method-override-forwarded", 1, Integer::sum);
      }
    }
    if (rec.target() == null) {
      finding("upstream-could-not-parse", c.id, rec.rawHead(), c.bytes);
      return;
    }
    if (!rec.target().startsWith("/")) {
      finding("non-origin-form-at-upstream", c.id, rec.method() + " " + rec.target(), c.bytes);
      return;
    }
    Matcher m = MARKER.matcher(rec.target());
    if (!m.find()) {
      finding("unattributable-request-at-upstream", c.id, rec.method() + " " + rec.target(), c.bytes);
      return;
    }
    if (m.group(1).endsWith("smuggled")) {
      finding("smuggled-request-processed", c.id, "a request hidden in the body of a request with both"
          + " Content-Length and Transfer-Encoding reached the upstream (RFC 9112 6.1: close after such a"
          + " request): " + rec.method() + " " + rec.target(), c.bytes);
      return;
    }
    String sent = sentPaths.get(m.group(1));
    String path = rec.target().split("\\?", 2)[0];
    if (sent == null) {
      finding("request-never-sent-at-upstream", c.id, rec.method() + " " + rec.target(), c.bytes);
    } else if (!path.equals(sent.split("[?#]", 2)[0])) {
      finding("path-differs-at-upstream", c.id, "sent " + sent + ", upstream got " + rec.target(), c.bytes);
    }
  }

  /** The end-of-run check: every request the upstream answered reached the client as an answer. */
  void finish(EchoUpstream upstream) {
    if (upstream == null) {
      return;
    }
    for (EchoUpstream.Received rec : upstream.drain()) {
      upstreamSaw.add(rec);
    }
    long parsed = upstreamSaw.stream().filter(r -> r.target() != null).count();
    if (parsed != upstreamAnswersSeen) {
      StringBuilder unanswered = new StringBuilder();
      upstreamSaw.stream().filter(r -> r.target() != null && !seqSeen.contains(r.seq())).limit(10)
          .forEach(r -> unanswered.append("\n    #").append(r.seq()).append(' ')
              .append(r.rawHead().replace("\r\n", "\n      ")));
      finding("count-differs", -1, "the upstream parsed " + parsed + " requests; clients got "
          + upstreamAnswersSeen + " answers from it; unanswered:" + unanswered, null);
    }
  }

  private static final Set<String> STANDARD = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "PATCH");

  /** Whether the first request line starts with a standard method. */
  private static boolean standardMethod(byte[] b) {
    int sp = 0;
    while (sp < b.length && b[sp] != ' ' && sp < 400) {
      sp++;
    }
    return STANDARD.contains(new String(b, 0, sp, StandardCharsets.ISO_8859_1));
  }

  /** Requests in the case as a naive reader counts them (request lines). */
  private static int countRequests(byte[] b) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    Matcher m = Pattern.compile("(^|\n)[A-Za-z\u00c0-\u00ff-]* [^ ]+ [Hh][Tt][Tt][Pp]/").matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return Math.max(1, n);
  }

  record Response(int status, Long upstreamSeq, String headSummary) {}

  /** Parses the answers on one connection (HTTP/1.x, Content-Length, chunked or to the end). */
  static List<Response> parse(byte[] b, boolean firstIsHead) {
    List<Response> out = new ArrayList<>();
    int pos = 0;
    boolean first = true;
    while (pos < b.length) {
      int end = indexOf(b, pos, "\r\n\r\n");
      if (end < 0) {
        out.add(new Response(0, null, "truncated head: " + show(slice(b, pos, b.length))));
        return out;
      }
      String head = new String(b, pos, end - pos, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] sl = lines[0].split(" ", 3);
      int status;
      try {
        // Vert.x echoes the request's version ("HTTP/2.0 400" to an HTTP/2.0 request line).
        status = sl[0].startsWith("HTTP/") ? Integer.parseInt(sl[1]) : 0;
      } catch (RuntimeException e) {
        status = 0;
      }
      long cl = -1;
      boolean chunked = false;
      Long seq = null;
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c < 0) {
          continue;
        }
        String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(c + 1).trim();
        switch (name) {
          case "content-length" -> cl = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "x-upstream-seq" -> seq = Long.parseLong(value);
          default -> { }
        }
      }
      out.add(new Response(status, seq, lines[0]));
      pos = end + 4;
      if (status == 0) {
        return out;
      }
      boolean noBody = status / 100 == 1 || status == 204 || status == 304 || (first && firstIsHead && status != 100);
      if (status != 100) {
        first = false;
      }
      if (noBody) {
        continue;
      }
      if (chunked) {
        while (true) {
          int le = indexOf(b, pos, "\r\n");
          if (le < 0) {
            return out;
          }
          String sz = new String(b, pos, le - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
          long size = Long.parseLong(sz, 16);
          pos = le + 2;
          if (size == 0) {
            int te = indexOf(b, pos, "\r\n");
            while (te > pos) { // trailers
              pos = te + 2;
              te = indexOf(b, pos, "\r\n");
            }
            pos = te < 0 ? b.length : te + 2;
            break;
          }
          pos += (int) size + 2;
        }
      } else if (cl >= 0) {
        pos += (int) cl;
      } else {
        return out; // to the end of the stream
      }
    }
    return out;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(b, from, out, 0, out.length);
    return out;
  }

  private static int indexOf(byte[] b, int from, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = from; i <= b.length - n.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (b[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  String report(String listener) {
    StringBuilder sb = new StringBuilder();
    sb.append(listener).append(": ").append(connections).append(" connections, ~").append(requests)
        .append(" requests; answers by status ").append(new java.util.TreeMap<>(statusCounts))
        .append("; upstream answers seen ").append(upstreamAnswersSeen).append('\n');
    sb.append("finding counts: ").append(findingCounts).append('\n');
    for (Finding f : findings) {
      sb.append(f).append('\n');
    }
    return sb.toString();
  }

  static void forEach(int n, IntConsumer body) {
    for (int i = 0; i < n; i++) {
      body.accept(i);
    }
  }
}
