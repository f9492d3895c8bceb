package io.keywarden.security.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates one fuzz case: the exact bytes of one to three requests (odd methods, targets,
 * versions, headers, framings, line endings and bodies), followed by a well-formed sentinel
 * request with {@code Connection: close}, so every connection ends with a close once the server
 * has read what it accepts. Every request target carries a marker {@code /c<case>p<n>} so that
 * what the upstream receives can be traced back to what was sent. Bodies are never shorter than
 * any framing the bytes declare, so a server never has a reason to wait.
 */
final class RequestGenerator {
  /** One generated case. */
  static final class Case {
    final int id;
    byte[] bytes;
    boolean firstIsHead;
    /** marker -> the decoded-free path the request was sent with (origin-form or absolute path). */
    final Map<String, String> sentPaths = new java.util.HashMap<>();
    final List<String> secrets = new ArrayList<>();

    Case(int id) {
      this.id = id;
    }
  }

  private final Random r;
  private final String validKey;
  private final List<String> otherKeys;
  private final boolean api;
  private final java.util.Set<String> realKeys;

  /**
   * @param realKeys the keys that exist (valid, revoked, under-scoped): none may ever reach the
   *     upstream; a mistyped key in {@code otherKeys} is no secret
   */
  RequestGenerator(long seed, String validKey, List<String> otherKeys, java.util.Set<String> realKeys, boolean api) {
    this.realKeys = realKeys;
    this.r = new Random(seed);
    this.validKey = validKey;
    this.otherKeys = otherKeys;
    this.api = api;
  }

  private int currentId;

  Case next(int id) {
    currentId = id;
    Case c = new Case(id);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
    for (int i = 0; i < n; i++) {
      request(c, "c" + id + "p" + i, out, i == 0);
    }
    String sentinel = api ? "/v1/health" : "/open/c" + id + "end";
    write(out, "GET " + sentinel + " HTTP/1.1\r\nHost: sentinel.test\r\nConnection: close\r\n\r\n");
    if (!api) {
      c.sentPaths.put("c" + id + "end", sentinel);
    }
    c.bytes = out.toByteArray();
    return c;
  }

  private void request(Case c, String marker, ByteArrayOutputStream out, boolean first) {
    String eol = pick(8, "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r");
    String method = first && r.nextInt(12) == 0 ? "HEAD"
        : pick(20, "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
            "CONNECT", "get", "PURGE", "G\u00c9T", "GET ", "", "A".repeat(300), "M-SEARCH", "PRI", "POST");
    c.firstIsHead |= first && method.equals("HEAD");
    String route = api ? pick(6, "/v1/workspaces", "/v1/keys/verify", "/v1/users", "/v1/keys", "/v1/audit-events", "/v1/health")
        : pick(4, "/open", "/v1", "/hdr", "/q");
    boolean authenticated = api || !route.equals("/open");
    String path = route + "/" + marker + pathTail();
    String target = target(path);
    String query = query(c, authenticated);
    if (target.startsWith("/") || target.startsWith("http")) {
      String p = target.startsWith("http") ? target.replaceFirst("^[a-zA-Z]+://[^/]*", "") : target;
      if (!api) {
        c.sentPaths.put(marker, p);
      }
    }
    String version = pick(12, "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1",
        "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 ");
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(query).append(' ').append(version).append(eol);
    headers(c, head, eol, authenticated);
    byte[] body = body();
    framing(head, eol, body, out);
  }

  private String pathTail() {
    return switch (r.nextInt(16)) {
      case 0 -> "/../admin";
      case 1 -> "/%2e%2e/admin";
      case 2 -> "/a%2Fb";
      case 3 -> "//x";
      case 4 -> "/" + "a".repeat(5000 + r.nextInt(4000));
      case 5 -> "/%252e%252e";
      case 6 -> "/caf\u00e9";
      case 7 -> "/a%00b";
      case 8 -> "/a;jsessionid=1";
      case 9 -> "/a\\b";
      case 10 -> "/x%ff%fe";
      case 11 -> "/" + "s/".repeat(300) + "t";
      default -> "/x" + r.nextInt(100);
    };
  }

  private String target(String path) {
    return switch (r.nextInt(14)) {
      case 0 -> "http://admin.internal" + path;
      case 1 -> "https://admin.internal:443" + path;
      case 2 -> "*";
      case 3 -> "admin.internal:443";
      case 4 -> "HTTP://ADMIN.INTERNAL" + path;
      case 5 -> path + "#frag";
      default -> path;
    };
  }

  private String query(Case c, boolean authenticated) {
    if (r.nextInt(3) != 0) {
      return "";
    }
    String key = key(c, authenticated);
    return pick(8, "?api_key=" + key, "?api%5Fkey=" + key, "?API_KEY=" + key, "?a=1;api_key=" + key,
        "?api_key=" + key + "&api_key=" + key, "?x=%ff", "?x=" + "q".repeat(3000), "?api_key=");
  }

  /** A credential: mostly the valid key (recorded as a secret), else a revoked/odd one. */
  private String key(Case c, boolean authenticated) {
    if (!authenticated) {
      return "kw_sk_live_notakeynotakeynotakeynotakeynotakey";
    }
    String k = r.nextInt(3) == 0 ? otherKeys.get(r.nextInt(otherKeys.size())) : validKey;
    if (!c.secrets.contains(k) && realKeys.contains(k)) {
      c.secrets.add(k);
    }
    return k;
  }

  private void headers(Case c, StringBuilder h, String eol, boolean authenticated) {
    switch (r.nextInt(10)) {
      case 0 -> { }
      case 1 -> h.append("Host: a..").append(eol);
      case 2 -> h.append("Host: a:abc").append(eol);
      case 3 -> h.append("Host: a, b").append(eol);
      case 4 -> h.append("Host: a").append(eol).append("Host: b").append(eol);
      default -> h.append("Host: gw.test").append(eol);
    }
    if (!api || r.nextBoolean()) {
      String key = key(c, authenticated);
      switch (r.nextInt(8)) {
        case 0 -> { }
        case 1 -> h.append("authorization: bearer ").append(key).append(eol);
        case 2 -> h.append("Authorization: Bearer ").append(key).append(eol)
            .append("Authorization: Bearer ").append(key).append(eol);
        case 3 -> h.append("X-Api-Key: ").append(key).append(eol);
        case 4 -> h.append("Authorization: Basic ").append(java.util.Base64.getEncoder()
            .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8))).append(eol);
        default -> h.append("Authorization: Bearer ").append(key).append(eol);
      }
    }
    int extras = r.nextInt(4);
    for (int i = 0; i < extras; i++) {
      switch (r.nextInt(18)) {
        case 0 -> h.append("X-Keywarden-User-Id: FORGED").append(eol);
        case 1 -> h.append("X_Keywarden_User_Id: FORGED").append(eol);
        case 2 -> h.append("x-keywarden_scopes: FORGED").append(eol);
        case 3 -> h.append("X-KEYWARDEN-WORKSPACE-ID: FORGED").append(eol);
        case 4 -> h.append("X-Keywarden-Key-Id:FORGED").append(eol);
        case 5 -> h.append("X-HTTP-Method-Override: DELETE").append(eol);
        case 6 -> h.append("X-Forwarded-For: 10.0.0.").append(r.nextInt(250)).append(eol)
            .append("X-Forwarded-For: 203.0.113.").append(r.nextInt(250)).append(eol);
        case 7 -> h.append("X-A: b").append(eol).append(" folded").append(eol);
        case 8 -> h.append("X-Nul: a\u0000b").append(eol);
        case 9 -> h.append("X-Bad : value").append(eol);
        case 10 -> h.append("X-Big: ").append("b".repeat(9000)).append(eol);
        case 11 -> {
          for (int k = 0; k < 150; k++) {
            h.append("X-Flood-").append(k).append(": v").append(eol);
          }
        }
        case 12 -> h.append("X-Utf8: \u00ff\u00fe").append(eol);
        case 13 -> h.append("Expect: 100-continue").append(eol);
        case 14 -> h.append("Connection: keep-alive, X-Keywarden-User-Id").append(eol);
        case 15 -> h.append("Upgrade: websocket").append(eol).append("Connection: Upgrade").append(eol);
        case 16 -> h.append("X-Keywarden-Scopes: admin FORGED").append(eol);
        default -> h.append("X-Request-Id: r").append(r.nextInt()).append(eol);
      }
    }
  }

  private byte[] body() {
    return switch (r.nextInt(12)) {
      case 0, 1, 2, 3, 4 -> new byte[0];
      case 5 -> "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
      case 6 -> ("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8);
      case 7 -> ("{\"a\":\"" + "x".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 8 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xc0, (byte) 0x80, '"', '}'};
      case 9 -> "{\"name\":\"x\"} {\"name\":\"y\"}".getBytes(StandardCharsets.UTF_8);
      case 10 -> "{\"key\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8);
      default -> "plain".getBytes(StandardCharsets.UTF_8);
    };
  }

  /** Writes the framing headers, the blank line and the body, in one of the shapes below. */
  private void framing(StringBuilder h, String eol, byte[] body, ByteArrayOutputStream out) {
    if (body.length > 0 && r.nextBoolean()) {
      h.append("Content-Type: application/json").append(eol);
    }
    String chunked = Integer.toHexString(body.length) + "\r\n" + latin1(body) + "\r\n0\r\n\r\n";
    String smuggled = "GET /open/c" + currentId + "smuggled HTTP/1.1\r\nX: ";
    switch (r.nextInt(16)) {
      case 0 -> { // no body at all
        h.append(eol);
        write(out, h.toString());
        return;
      }
      case 1 -> { // CL.TE: a front end reading Content-Length sees a smuggled prefix in the body
        String b = "0\r\n\r\n" + smuggled;
        h.append("Content-Length: ").append(b.length()).append(eol)
            .append("Transfer-Encoding: chunked").append(eol).append(eol).append(b);
      }
      case 2 -> { // TE.CL
        h.append("Transfer-Encoding: chunked").append(eol).append("Content-Length: 3").append(eol)
            .append(eol).append(chunked);
      }
      case 3 -> { // TE.TE obfuscations
        h.append(pick(8, "Transfer-Encoding: chunked" + eol + "Transfer-Encoding: x",
            "Transfer-Encoding: xchunked", "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked",
            "Transfer-Encoding: chunked, identity", "Transfer-Encoding: identity, chunked",
            "Transfer-Encoding: Chunked", "Transfer-encoding: chunked" + eol + " x"))
            .append(eol).append("Content-Length: ").append(chunked.length()).append(eol).append(eol)
            .append(chunked);
      }
      case 4 -> { // duplicate Content-Length, same or different
        int other = r.nextBoolean() ? body.length : Math.max(0, body.length - 1);
        h.append("Content-Length: ").append(body.length).append(eol)
            .append("Content-Length: ").append(other).append(eol).append(eol).append(latin1(body));
      }
      case 5 -> h.append("Content-Length: ").append(body.length).append(", ").append(body.length)
          .append(eol).append(eol).append(latin1(body));
      case 6 -> h.append("Content-Length: +").append(body.length).append(eol).append(eol).append(latin1(body));
      case 7 -> h.append("Content-Length: 0").append(body.length).append(eol).append(eol).append(latin1(body));
      case 8 -> { // broken chunked bodies
        h.append("Transfer-Encoding: chunked").append(eol).append(eol).append(pick(6,
            "zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFFF\r\n",
            "5;ext=\"a\r\n\"\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\nTrailer: x\r\n\r\n", "-1\r\n\r\n"));
      }
      case 9 -> h.append("Transfer-Encoding: chunked").append(eol).append(eol).append(chunked);
      default -> h.append("Content-Length: ").append(body.length).append(eol).append(eol).append(latin1(body));
    }
    write(out, h.toString());
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** Writes chars below 256 as single bytes, others as UTF-8 (so non-Latin-1 text stays UTF-8). */
  private static void write(ByteArrayOutputStream out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 256) {
        out.write(ch);
      } else {
        out.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @SafeVarargs
  private <T> T pick(int n, T... options) {
    return options[r.nextInt(Math.min(n, options.length))];
  }
}
