package io.keywarden.store.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.store.Actor;
import io.keywarden.store.jdbc.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data a SQLite deployment keeps on disk (the database, its write-ahead log and shared-memory
 * index, the deployment secret) is readable by the user running Keywarden only, and the data
 * directory it creates is closed to everyone else.
 */
class DataFilesAreOwnerOnlyTest {
  @TempDir Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aFreshStartCreatesTheDatabaseItsWalAndTheSecretAs0600InA0700Directory() throws Exception {
    Path data = dir.resolve("data");
    try (Keywarden kw = Keywarden.builder().dataDir(data).open()) {
      kw.store().createWorkspace("acme", "free", null, null, Actor.SYSTEM);
      Path db = data.resolve(JdbcStore.SQLITE_FILE);
      assertThat(Files.exists(data.resolve(JdbcStore.SQLITE_FILE + "-wal"))).as("WAL open while running").isTrue();
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(db)).isEqualTo("rw-------");
      assertThat(mode(data.resolve(JdbcStore.SQLITE_FILE + "-wal"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve(JdbcStore.SQLITE_FILE + "-shm"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve(DeploymentSecrets.FILE_NAME))).isEqualTo("rw-------");
    }
  }

  @Test
  void aDatabaseLeftReadableByAnOlderVersionIsNarrowedOnStart() throws Exception {
    Path data = dir.resolve("old");
    try (Keywarden kw = Keywarden.builder().dataDir(data).open()) {
      kw.store().createWorkspace("acme", "free", null, null, Actor.SYSTEM);
    }
    Path db = data.resolve(JdbcStore.SQLITE_FILE);
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
    try (Keywarden kw = Keywarden.builder().dataDir(data).open()) {
      assertThat(kw.store().workspaces(io.keywarden.store.PageRequest.first(10)).items()).hasSize(1);
      assertThat(mode(db)).isEqualTo("rw-------");
      assertThat(mode(data.resolve(JdbcStore.SQLITE_FILE + "-wal"))).isEqualTo("rw-------");
    }
  }

  @Test
  void anExistingDataDirectoryKeepsTheModeTheOperatorGaveIt() throws Exception {
    Path data = Files.createDirectory(dir.resolve("given"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-x---")));
    try (Keywarden kw = Keywarden.builder().dataDir(data).open()) {
      assertThat(mode(data)).isEqualTo("rwxr-x---");
      assertThat(mode(data.resolve(JdbcStore.SQLITE_FILE))).isEqualTo("rw-------");
    }
  }
}
