package io.keywarden.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.keywarden.core.ids.IdGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key that {@code insertKey} reported as stored survives {@code kill -9} of the process that
 * stored it: a child JVM inserts keys and prints each id once stored; after 50 ids it is killed
 * with SIGKILL, and every printed id must be in the reopened store.
 *
 * <p>This proves durability against a process crash. Against a power cut it rests on {@code
 * synchronous=FULL}, which a test cannot pull the plug on.
 */
class SqliteKillDurabilityTest {
  private static final int KEYS_BEFORE_KILL = 50;
  private static final long DEADLINE_MS = 50_000;

  @Test
  @Timeout(60)
  void everyKeyReportedAsStoredSurvivesKillMinusNine(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("data");
    Path childErr = dir.resolve("child.err");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SqliteKillChild.class.getName(), dataDir.toString())
        .redirectError(childErr.toFile())
        .start();
    List<String> stored = new ArrayList<>();
    CountDownLatch enough = new CountDownLatch(KEYS_BEFORE_KILL);
    Thread reader = Thread.ofPlatform().daemon().start(() -> readStored(child, stored, enough));
    try {
      if (!enough.await(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
        fail("child stored " + size(stored) + " keys, alive=" + child.isAlive() + "; stderr:\n"
            + Files.readString(childErr));
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    reader.join(10_000);

    List<String> reported;
    synchronized (stored) {
      reported = List.copyOf(stored);
    }
    Clock clock = Clock.systemUTC();
    try (JdbcStore store = JdbcStore.openSqlite(dataDir, clock, new IdGenerator(clock))) {
      assertThat(reported).hasSizeGreaterThanOrEqualTo(KEYS_BEFORE_KILL);
      assertThat(reported).allSatisfy(id -> assertThat(store.key(id)).as(id).isPresent());
    }
  }

  private static void readStored(Process child, List<String> stored, CountDownLatch enough) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(SqliteKillChild.STORED)) {
          synchronized (stored) {
            stored.add(line.substring(SqliteKillChild.STORED.length()));
          }
          enough.countDown();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int size(List<String> stored) {
    synchronized (stored) {
      return stored.size();
    }
  }
}
