package io.keywarden.demo;

import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/** Nodion (to come). */
final class NodionDemo implements SystemDemo {
  @Override
  public World setUp(Management api, DemoData upstream, String tag) {
    return new World();
  }

  @Override
  public List<Step> walkthrough(World w, String gw) {
    return List.of();
  }
}
