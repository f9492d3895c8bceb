package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.demo.DemoSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code keywarden demo}: alone it lists the systems; with a system it runs as a real child JVM,
 * and every command it prints, pasted into a shell (curl), gets the status its {@code # expect}
 * line claims. Without curl on the machine, the same commands are sent with Java's HttpClient.
 */
class DemoCommandTest {
  private static final Pattern EXPECT = Pattern.compile("^# expect (\\d{3}): (.*)$");

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static String run(int[] exit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    exit[0] = cl.execute(args);
    return out + err.toString();
  }

  @Test
  void demoWithoutASystemListsTheFiveSystemsAndTheirBasePaths() {
    int[] exit = new int[1];
    String out = run(exit, "demo");
    assertThat(exit[0]).isZero();
    assertThat(out).contains("nometria", "metorial", "nomacms", "nodion", "nomotic", "/api/v1");
  }

  @Test
  void anUnknownSystemIsRefusedWithExitCode2() {
    int[] exit = new int[1];
    String out = run(exit, "demo", "acme");
    assertThat(exit[0]).isEqualTo(2);
    assertThat(out).contains("unknown system \"acme\"");
  }

  @Test
  void demoTakesTheFlagsOfServeAndStopsWhenAskedToExitWhenReady() throws IOException {
    int[] exit = new int[1];
    String out = run(exit, "demo", "nomotic", "--data-dir", dir.resolve("d").toString(), "--api-port", "0",
        "--gateway-port", "0", "--bind", "127.0.0.1", "--admin-key-file", dir.resolve("admin.key").toString(), "--exit-when-ready");
    assertThat(exit[0]).as(out).isZero();
    assertThat(Files.readString(dir.resolve("admin.key"))).startsWith("kw_op_");
    assertThat(out).contains("/api/v1/", "# expect 403", "nm_live_");
  }

  /** A printed command and the status it claims. */
  record Printed(int status, String title, String command) {}

  @ParameterizedTest
  @EnumSource(DemoSystem.class)
  void everyPrintedCommandGetsTheStatusItClaims(DemoSystem system) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "demo", system.id(), "--data-dir", dir.resolve("data").toString(), "--api-port", "0",
        "--gateway-port", "0", "--admin-key-file", dir.resolve("admin.key").toString())
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWARDEN_"));
    Process p = pb.start();
    started.add(p);
    List<Printed> printed = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Matcher pending = null;
      while ((line = r.readLine()) != null) {
        all.append(line).append('\n');
        if (line.startsWith("Stop with Ctrl-C.")) {
          break;
        }
        Matcher m = EXPECT.matcher(line);
        if (m.matches()) {
          pending = m;
        } else if (pending != null && line.contains("curl ")) {
          printed.add(new Printed(Integer.parseInt(pending.group(1)), pending.group(2), line));
          pending = null;
        }
      }
      assertThat(printed).as(all.toString()).hasSizeGreaterThanOrEqualTo(6);
      assertThat(printed).extracting(Printed::status).as("an allowed call, denials and a rate limit")
          .contains(401, 429).anyMatch(s -> s < 300).anyMatch(s -> s == 403 || s == 400 || s == 404);
      for (Printed c : printed) {
        assertThat(execute(c.command())).as(c.title() + "\n" + c.command()).isEqualTo(c.status());
      }
    }
    p.destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  private static boolean curlPresent() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, "curl"))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a printed line as pasted into bash (curl), or, without curl, sends the same request. */
  private static int execute(String command) throws Exception {
    if (curlPresent()) {
      Process sh = new ProcessBuilder("bash", "-c", command + " -o /dev/null -w '%{http_code}'").redirectErrorStream(true).start();
      String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(sh.waitFor(120, TimeUnit.SECONDS)).isTrue();
      return Integer.parseInt(out.substring(Math.max(0, out.length() - 3)));
    }
    return sendWithHttpClient(command);
  }

  private static int sendWithHttpClient(String command) throws Exception {
    int repeat = 0;
    Matcher loop = Pattern.compile("^for i in \\$\\(seq (\\d+)\\); do .*?; done; (curl .*)$").matcher(command);
    if (loop.matches()) {
      repeat = Integer.parseInt(loop.group(1));
      command = loop.group(2);
    }
    List<String> words = shellWords(command);
    String method = "GET";
    String url = null;
    String body = null;
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < words.size(); i++) {
      switch (words.get(i)) {
        case "-s", "-i" -> { }
        case "-X" -> method = words.get(++i);
        case "-H" -> {
          String h = words.get(++i);
          int colon = h.indexOf(':');
          headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        case "-d" -> body = words.get(++i);
        default -> url = words.get(i);
      }
    }
    HttpClient http = HttpClient.newHttpClient();
    int status = 0;
    for (int n = 0; n <= repeat; n++) {
      HttpRequest.Builder one = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(h -> one.header(h[0], h[1]));
      status = http.send(one.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
    return status;
  }

  /** Splits a line of single-quoted words (the only quoting the demo prints). */
  static List<String> shellWords(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == '\\' && !quoted && i + 1 < line.length()) {
        w.append(line.charAt(++i));
      } else if (c == ' ' && !quoted) {
        if (any || w.length() > 0) {
          out.add(w.toString());
        }
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
      }
    }
    if (any || w.length() > 0) {
      out.add(w.toString());
    }
    return out;
  }

  @Test
  void thePrintedQuotingSplitsBackIntoTheSameWords() throws Exception {
    assertThat(shellWords("curl -s -X POST 'http://h/x' -H 'A: b c' -d '{\"a\": \"it'\\''s\"}'"))
        .containsExactly("curl", "-s", "-X", "POST", "http://h/x", "-H", "A: b c", "-d", "{\"a\": \"it's\"}");
  }
}
