package io.keywarden.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.keys.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in docs/configuration.md is a configuration Keywarden accepts, as documented. */
class DocumentedConfigurationTest {
  @TempDir Path dir;

  @Test
  void theDocumentedExampleLoadsWithTheValuesItShows() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    int end = doc.indexOf("```", start);
    Path file = dir.resolve("keywarden.yaml");
    Files.writeString(file, doc.substring(start, end));

    KeywardenConfig c = ConfigLoader.load(file, Map.of(), ConfigLoader.Flags.NONE);

    assertThat(c.server().apiPort()).isEqualTo(8081);
    assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/keywarden");
    assertThat(c.model().scopes().names()).containsExactly("read", "agentic", "write", "admin");
    assertThat(c.model().scopes().grant(java.util.List.of("write")).names()).containsExactly("agentic", "write");
    assertThat(c.model().prefix(KeyType.SECRET, "live")).isEqualTo("nm_live");
    assertThat(c.model().prefix(KeyType.SECRET, "test")).isEqualTo("kw_sk_test");
    assertThat(c.model().ttl().defaultDays()).isEqualTo(90);
    assertThat(c.secrets()).isNotNull();
    assertThat(c.adminKeyFile()).isEqualTo(Path.of("admin.key"));
  }
}
