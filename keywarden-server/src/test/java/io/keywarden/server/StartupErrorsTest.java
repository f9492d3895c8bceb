package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import io.keywarden.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that cannot use its data directory says why, not only where. */
class StartupErrorsTest {
  @TempDir Path dir;

  private static void start(Path dataDir) {
    KeywardenConfig cfg = KeywardenConfig.defaults()
        .withServer(new ServerSettings("127.0.0.1", 0, 0, ServerSettings.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(1), 1))
        .withDataDir(dataDir);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    KeywardenServer.start(cfg, MutableClock.atFixedStart(), quiet).close();
  }

  @Test
  void aDataDirectoryThatIsAFileIsNamedWithNotADirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("data"), "not a directory");

    assertThatThrownBy(() -> start(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("Not a directory");
  }

  @Test
  void aDataDirectoryUnderAFileIsNamedWithNotADirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("blocker"), "x");

    assertThatThrownBy(() -> start(file.resolve("data")))
        .hasMessageContaining("blocker")
        .hasMessageContaining("Not a directory");
  }
}
