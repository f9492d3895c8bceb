package io.keywarden.server.http;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.store.PageRequest;
import io.vertx.ext.web.RoutingContext;

/** Reads {@code ?limit=}, {@code ?cursor=} and {@code ?before=} into a {@link PageRequest}. */
public final class Pagination {
  private Pagination() {}

  public static PageRequest of(RoutingContext ctx) {
    String limitText = ctx.request().getParam("limit");
    int limit = PageRequest.DEFAULT_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        throw KeywardenException.invalid("limit", "limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT + ".");
      }
    }
    String after = emptyToNull(ctx.request().getParam("cursor"));
    String before = emptyToNull(ctx.request().getParam("before"));
    return new PageRequest(limit, after, before);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
