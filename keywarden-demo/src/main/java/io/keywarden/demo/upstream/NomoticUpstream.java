package io.keywarden.demo.upstream;

import io.vertx.ext.web.Router;

/** Nomotic's API (to come). */
final class NomoticUpstream {
  private NomoticUpstream() {}

  static void mount(Router r, DemoData data) {}
}
