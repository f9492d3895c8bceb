package io.keywarden.security.fuzz;

import java.io.PrintWriter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * Runs the fuzz test of one class outside Maven: {@code java -cp … FuzzMain KeyFormatFuzzTest}.
 * With {@code JAZZER_FUZZ=1} it fuzzes (each class holds one {@code @FuzzTest}); the libFuzzer
 * arguments come from {@code jazzer.internal.arg.N} system properties (see scripts/fuzz). Exits 0
 * when the test passed, 1 when it found something.
 */
public final class FuzzMain {
  private FuzzMain() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: FuzzMain <fuzz test class, e.g. KeyFormatFuzzTest>");
      System.exit(2);
    }
    String name = args[0].contains(".") ? args[0] : FuzzMain.class.getPackageName() + "." + args[0];
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(DiscoverySelectors.selectClass(name))
        .build();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, summary);
    PrintWriter out = new PrintWriter(System.out, true);
    summary.getSummary().printTo(out);
    summary.getSummary().printFailuresTo(out, 40);
    out.flush();
    long failed = summary.getSummary().getTotalFailureCount();
    long run = summary.getSummary().getTestsSucceededCount() + failed;
    System.exit(failed == 0 && run > 0 ? 0 : 1);
  }
}
