package io.keywarden.cli;

import io.keywarden.demo.Demo;
import io.keywarden.demo.DemoSystem;
import io.keywarden.server.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code keywarden demo [system]}: with a system, starts Keywarden with that system's profile and
 * its demo upstream, creates tenants and keys through the management API and prints commands to
 * paste; alone, lists the systems. Takes the same flags as {@code serve}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run one of the reference systems (nometria, metorial, nomacms, nodion, nomotic) on Keywarden with a demo upstream.")
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ServerFlags flags;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SYSTEM", description = "The system; none lists them.")
  String system;

  @Option(names = "--data-dir", description = "Data directory (default: ./demo-data/<system>).")
  Path dataDir;

  @Option(names = "--admin-key-file", description = "Where the first admin key is written (default: <data-dir>/admin.key).")
  Path adminKeyFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (system == null) {
      out.println("Reference systems (run one with: keywarden demo <system>):");
      for (DemoSystem s : DemoSystem.values()) {
        out.printf("  %-9s %-8s %s%n", s.id(), s.basePath().isEmpty() ? "/" : s.basePath(), s.summary());
      }
      out.flush();
      return 0;
    }
    DemoSystem s = DemoSystem.of(system);
    if (s == null) {
      err.println("keywarden: unknown system \"" + system + "\"; run keywarden demo to list them");
      err.flush();
      return 2;
    }
    Demo demo;
    try {
      demo = Demo.start(s, new Demo.Options(dataDir, flags.apiPort, flags.gatewayPort, flags.bind, adminKeyFile), Clock.systemUTC(), System.out);
    } catch (ConfigException e) {
      err.println("keywarden: configuration error: " + e.getMessage());
      err.flush();
      return 2;
    } catch (RuntimeException e) {
      err.println("keywarden: cannot start the demo: " + e.getMessage());
      err.flush();
      return 1;
    }
    demo.print(out);
    if (flags.exitWhenReady) {
      demo.close();
      return 0;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), sig -> stop.countDown());
    Signal.handle(new Signal("INT"), sig -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    demo.close();
    return 0;
  }
}
