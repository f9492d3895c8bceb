package io.keywarden.server.http;

import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id, echoed in {@code X-Request-Id}: a sane incoming one (1 to 128 of
 * {@code A-Z a-z 0-9 . _ - :}) is kept, anything else is replaced by a new random id.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "keywarden.requestId";

  private RequestIds() {}

  /** Route handler: assigns the id and sets the response header. */
  public static void assign(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = isSane(incoming) ? incoming : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(Headers.X_REQUEST_ID, id);
    ctx.next();
  }

  /** The request's id. */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  static boolean isSane(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A new id: 96 random bits in hex. Request ids need uniqueness, not secrecy, so they come from
   * {@link ThreadLocalRandom}, which is lock-free; a {@code SecureRandom} here cost a lock (and on
   * some systems a system call) on every request.
   */
  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    return "req_" + hex.toHexDigits(r.nextLong()) + hex.toHexDigits(r.nextInt());
  }
}
