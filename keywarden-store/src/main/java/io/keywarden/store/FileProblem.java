package io.keywarden.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The cause of a file-system failure in the words a person expects ({@code Permission denied},
 * {@code Not a directory}, {@code Read-only file system}): Java's exceptions often carry only the
 * path, which told a newcomer nothing about what was wrong with it.
 */
public final class FileProblem {
  private FileProblem() {}

  /** The cause of {@code e}, without the path (the caller names it). */
  public static String cause(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    if (e instanceof FileAlreadyExistsException f) {
      // createDirectories on a path that is a file, or a file where a directory must be made.
      return "Not a directory (a file is in the way" + (f.getFile() == null ? "" : ": " + f.getFile()) + ")";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
