package io.keywarden.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories only the user running Keywarden may read: the data directory (0700 when
 * Keywarden creates it), the SQLite database with its WAL and shared-memory files, and {@code
 * secret.key} (0600). On a file system without POSIX permissions these are plain creations.
 */
public final class OwnerOnly {
  /** rw------- */
  public static final Set<PosixFilePermission> FILE = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  /** rwx------ */
  public static final Set<PosixFilePermission> DIRECTORY = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private OwnerOnly() {}

  /**
   * Creates {@code dir} (and missing parents) as 0700 if it does not exist; an existing directory
   * keeps its mode, which is the operator's choice.
   */
  public static void directory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Makes {@code file} exist with mode 0600: creates it empty if absent, narrows its mode if it is
   * there (a database made by an older version was 0644).
   */
  public static void file(Path file) throws IOException {
    if (!posix(file)) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (FileAlreadyExistsException e) {
      narrow(file);
    }
  }

  /** Narrows {@code file} to 0600 if it exists. */
  public static void narrow(Path file) throws IOException {
    if (posix(file) && Files.exists(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
