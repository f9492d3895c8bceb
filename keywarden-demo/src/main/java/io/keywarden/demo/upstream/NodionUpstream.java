package io.keywarden.demo.upstream;

import io.vertx.ext.web.Router;

/** Nodion's API (to come). */
final class NodionUpstream {
  private NodionUpstream() {}

  static void mount(Router r, DemoData data) {}
}
