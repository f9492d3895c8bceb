package io.keywarden.demo.upstream;

import io.vertx.ext.web.Router;

/** NomaCms's API (to come). */
final class NomaCmsUpstream {
  private NomaCmsUpstream() {}

  static void mount(Router r, DemoData data) {}
}
