package io.keywarden.demo.upstream;

import io.vertx.ext.web.Router;

/** Metorial's API (to come). */
final class MetorialUpstream {
  private MetorialUpstream() {}

  static void mount(Router r, DemoData data) {}
}
