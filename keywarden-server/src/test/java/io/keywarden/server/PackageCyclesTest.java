package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other one way only: each main source file's references to
 * {@code io.keywarden.server.*} types (imports and fully qualified names) form a package graph,
 * and that graph has no cycle.
 */
class PackageCyclesTest {
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  /** A qualified name of a server type: lower-case package segments, then an upper-case type. */
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.keywarden\\.server(?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]");

  @Test
  void theServersPackagesFormNoCycle() throws IOException {
    Map<String, Set<String>> graph = graph(Path.of("src/main/java"));
    assertThat(graph).as("server packages found").containsKeys("io.keywarden.server.gateway",
        "io.keywarden.server.config", "io.keywarden.server.ratelimit", "io.keywarden.server.api");
    assertThat(cycle(graph)).as("a cycle among the server's packages").isEmpty();
  }

  @Test
  void aCycleIsFoundWhereThereIsOne() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("c"));
    graph.put("c", Set.of("a"));
    assertThat(cycle(graph)).containsExactly("a", "b", "c", "a");
    graph.put("c", Set.of());
    assertThat(cycle(graph)).isEmpty();
  }

  /** Package to the other server packages its main sources reference. */
  static Map<String, Set<String>> graph(Path root) throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path f : files) {
      String text = Files.readString(f);
      Matcher pm = PACKAGE.matcher(text);
      if (!pm.find()) {
        continue;
      }
      String pkg = pm.group(1);
      Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
      Matcher rm = REFERENCE.matcher(stripComments(text));
      while (rm.find()) {
        if (!rm.group(1).equals(pkg)) {
          deps.add(rm.group(1));
        }
      }
    }
    return graph;
  }

  /** The first cycle found, as the packages along it (first repeated at the end), or empty. */
  static List<String> cycle(Map<String, Set<String>> graph) {
    Set<String> done = new HashSet<>();
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> found = visit(start, graph, done, path);
      if (found != null) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> visit(String node, Map<String, Set<String>> graph, Set<String> done, List<String> path) {
    int at = path.indexOf(node);
    if (at >= 0) {
      List<String> c = new ArrayList<>(path.subList(at, path.size()));
      c.add(node);
      return c;
    }
    if (done.contains(node)) {
      return null;
    }
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      List<String> found = visit(next, graph, done, path);
      if (found != null) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    done.add(node);
    return null;
  }

  /** Drops comments, so a {@code {@link}} in Javadoc is not a dependency. */
  private static String stripComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
  }
}
