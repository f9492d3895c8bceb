package io.keywarden.server;

import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.store.Actor;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * First start of a deployment: when no operator key has ever existed, creates one with the
 * {@code admin} scope and hands it over exactly once: printed to the terminal, or written only
 * to the admin key file (mode 0600). Later starts find an operator key and do nothing.
 */
final class Bootstrap {
  private Bootstrap() {}

  /** Returns the new key's id, or {@code null} when the deployment already had an operator key. */
  static String ensureOperatorKey(Keywarden kw, Path adminKeyFile, PrintStream terminal) throws IOException {
    var existing = kw.store().keys(new KeyFilter(null, null, null, KeyKind.OPERATOR, null), PageRequest.first(1));
    if (!existing.items().isEmpty()) {
      return null;
    }
    IssuedKey issued = kw.keys().createOperatorKey("bootstrap admin", List.of("admin"), null, Actor.SYSTEM);
    if (adminKeyFile != null) {
      write(adminKeyFile, issued.secret());
      terminal.println("Keywarden admin key written to " + adminKeyFile.toAbsolutePath() + " (mode 0600).");
    } else {
      String line = "=".repeat(72);
      terminal.println(line);
      terminal.println(" Keywarden admin key. It is shown ONCE and cannot be recovered; store it safely:");
      terminal.println();
      terminal.println("   " + issued.secret());
      terminal.println();
      terminal.println(" Use it as:  Authorization: Bearer <key>   (scope: admin)");
      terminal.println(line);
    }
    terminal.flush();
    return issued.key().id();
  }

  private static void write(Path file, String secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
  }
}
