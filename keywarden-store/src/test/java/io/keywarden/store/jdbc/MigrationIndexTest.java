package io.keywarden.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flyway reads migrations from an index file; the index must list every migration file. */
class MigrationIndexTest {
  @ParameterizedTest
  @ValueSource(strings = {"db/migration/sqlite", "db/migration/postgresql"})
  void theIndexListsEverySqlFileOfTheFolder(String folder) throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getClassLoader().getResource(folder).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      var sql = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
      assertThat(MigrationResources.index(folder)).containsExactlyInAnyOrderElementsOf(sql).isNotEmpty();
    }
  }
}
