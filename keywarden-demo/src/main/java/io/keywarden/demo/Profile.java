package io.keywarden.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A system's configuration, {@code examples/<system>/keywarden.yaml} (packaged as a resource),
 * made runnable: the demo upstream's address replaces the example one, and the result is written
 * next to the data so that {@code keywarden serve --config} could run it again.
 */
public final class Profile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Profile() {}

  /** The example configuration of {@code system}, as in {@code examples/}. */
  public static String text(DemoSystem system) {
    String res = "/io/keywarden/demo/profiles/" + system.id() + "/keywarden.yaml";
    try (InputStream in = Profile.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalStateException("profile " + res + " is not packaged");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the runnable configuration of {@code system} to {@code file}, pointing its default
   * upstream at {@code upstreamUrl}, and loads it with these flags.
   *
   * @throws io.keywarden.server.config.ConfigException when the configuration does not load
   */
  public static KeywardenConfig load(DemoSystem system, String upstreamUrl, Path file, ConfigLoader.Flags flags) {
    JsonNode tree;
    try {
      tree = YAML.readTree(text(system));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode upstreams = (ObjectNode) tree.path("gateway").path("upstreams");
    ((ObjectNode) upstreams.path("default")).put("url", upstreamUrl);
    write(tree, file);
    return ConfigLoader.load(file, Map.of(), flags);
  }

  private static void write(JsonNode tree, Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.writeString(file, "# Written by keywarden demo from examples/; the upstream is the demo's.\n"
          + YAML.writeValueAsString(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
