package io.keywarden.demo;

import io.keywarden.demo.upstream.DemoData;
import java.util.List;

/** What {@code keywarden demo <system>} does for one system: set up its tenants, then show it. */
interface SystemDemo {
  /** Creates workspaces, projects, users and keys through the management API and mirrors them upstream. */
  World setUp(Management api, DemoData upstream, String runTag);

  /** The commands to paste, against the gateway at {@code gateway} ({@code http://host:port}). */
  List<Step> walkthrough(World w, String gateway);

  /** The demo of {@code system}. */
  static SystemDemo of(DemoSystem system) {
    return switch (system) {
      case NOMETRIA -> new NometriaDemo();
      case METORIAL -> new MetorialDemo();
      case NOMACMS -> new NomaCmsDemo();
      case NODION -> new NodionDemo();
      case NOMOTIC -> new NomoticDemo();
    };
  }
}
