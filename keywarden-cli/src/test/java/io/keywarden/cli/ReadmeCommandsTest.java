package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keywarden.core.keys.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Managing keys from the command line" block, run as written: each line in one bash
 * session against a real server, with {@code KEYWARDEN_URL} and {@code KEYWARDEN_TOKEN} set as the
 * README tells the reader to, and {@code ./keywarden} being the command as the launcher runs it.
 * Every line must exit 0 and print what a reader expects.
 */
class ReadmeCommandsTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path dir;

  /** The fenced shell blocks of the README section headed {@code heading}, in order. */
  private static List<String> blocks(String heading) throws Exception {
    String readme = Files.readString(README);
    int start = heading == null ? 0 : readme.indexOf("## " + heading + "\n");
    assertThat(start).as("README has the section %s", heading).isGreaterThanOrEqualTo(0);
    int end = heading == null ? -1 : readme.indexOf("\n## ", start + 3);
    Matcher m = BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void theReadmeStillGivesANewUserExactlyServeAndTestFirst() throws Exception {
    List<String> lines = blocks(null).getFirst().lines().map(l -> l.replaceAll("\\s+#.*", "").strip()).toList();
    assertThat(lines).containsExactly("./keywarden serve", "./scripts/test");
  }

  @Test
  void theCommandLineSectionRunsAsWritten() throws Exception {
    List<String> lines = blocks("Managing keys from the command line").getFirst().lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(6);
    try (CliHarness cli = CliHarness.start(dir)) {
      Path work = dir.resolve("work");
      cli.launcherShim(work);
      StringBuilder script = new StringBuilder("cd '" + work + "'\n");
      for (int i = 0; i < lines.size(); i++) {
        script.append("echo '@@line ").append(i).append("'\n")
            .append(lines.get(i)).append('\n')
            .append("echo \"@@exit ").append(i).append(" $?\"\n");
      }
      Path out = dir.resolve("readme.out");
      Path err = dir.resolve("readme.err");
      Process bash = cli.start(List.of("bash", "-c", script.toString()), cli.env(), out, err);
      assertThat(bash.waitFor(10, TimeUnit.MINUTES)).isTrue();
      String stdout = Files.readString(out);
      Map<String, String> outputOf = new LinkedHashMap<>();
      for (int i = 0; i < lines.size(); i++) {
        int from = stdout.indexOf("@@line " + i + "\n");
        int to = stdout.indexOf("@@exit " + i + " ");
        assertThat(from).as("line %d ran: %s%n%s", i, lines.get(i), stdout).isGreaterThanOrEqualTo(0);
        assertThat(to).as("line %d finished: %s", i, lines.get(i)).isGreaterThan(from);
        String exit = stdout.substring(to).lines().findFirst().orElseThrow();
        assertThat(exit).as("exit code of %s%n%s%n%s", lines.get(i), stdout, Files.readString(err))
            .isEqualTo("@@exit " + i + " 0");
        outputOf.put(lines.get(i), stdout.substring(from + ("@@line " + i + "\n").length(), to));
      }
      assertThat(Files.readString(err)).as("nothing on stderr").isEmpty();

      String list = output(outputOf, "keys list");
      assertThat(list.lines().findFirst().orElseThrow()).startsWith("ID");
      assertThat(list).contains(" ci ", "active", "read");
      assertThat(output(outputOf, "verify")).startsWith("valid");
      String rotate = output(outputOf, "keys rotate");
      assertThat(rotate).contains("Rotated key_", "Secret, shown this once");
      List<String> exported = Files.readAllLines(work.resolve("keys.jsonl"));
      assertThat(exported).as("the key and its successor").hasSize(2);
      for (String line : exported) {
        JsonNode k = CliHarness.JSON.readTree(line);
        assertThat(k.get("name").asText()).isEqualTo("ci");
        assertThat(Pattern.compile(KeyFormat.SCANNER_REGEX).matcher(line).find()).isFalse();
      }
    }
  }

  private static String output(Map<String, String> outputOf, String command) {
    return outputOf.entrySet().stream().filter(e -> e.getKey().contains("./keywarden " + command))
        .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no line runs " + command));
  }
}
