package io.keywarden.server.http;

import io.vertx.core.http.HttpHeaders;

/**
 * Header names and values used on every response, pre-encoded once so that Vert.x neither
 * validates nor re-encodes them per request.
 */
public final class Headers {
  public static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  public static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  public static final CharSequence CACHE_CONTROL = HttpHeaders.CACHE_CONTROL;
  public static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  public static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  public static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");

  private Headers() {}
}
