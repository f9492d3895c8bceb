package io.keywarden.server.http;

import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Gives every request an id, echoed in {@code X-Request-Id}: a sane incoming one (1 to 128 of
 * {@code A-Z a-z 0-9 . _ - :}) is kept, anything else is replaced by a new random id.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "keywarden.requestId";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** Route handler: assigns the id and sets the response header. */
  public static void assign(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = isSane(incoming) ? incoming : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
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

  private static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return "req_" + HexFormat.of().formatHex(b);
  }
}
