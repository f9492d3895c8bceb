package io.keywarden.server;

import io.keywarden.core.policy.IssuedKey;
import io.keywarden.store.service.Keywarden;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start of a deployment: when no admin key has ever been issued, makes one with the {@code
 * admin} scope and hands it over exactly once: printed to the terminal, or written only to the
 * admin key file (mode 0600). The server calls this once its listeners are bound, so a start that
 * fails (a busy port) issues nothing; and the key is handed over before it is stored, so a key
 * file that cannot be written leaves nothing behind either. Later starts find the key and say so
 * when asked for a key file, naming {@code keywarden admin reset-key}.
 */
final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {}

  /**
   * Returns the new key's id, or {@code null} when the deployment already had an admin key.
   *
   * @param resetCommand the {@code keywarden admin reset-key …} command for this deployment, for
   *     the log line of a later start
   */
  static String ensureOperatorKey(Keywarden kw, Path adminKeyFile, PrintStream terminal,
      String resetCommand) throws IOException {
    if (kw.store().adminKeyIssued()) {
      if (adminKeyFile != null) {
        LOG.warn("admin key file {} not written: this deployment's admin key was already issued and"
            + " shown on its first start, and cannot be shown again; to revoke it and issue a new one, run: {}",
            adminKeyFile.toAbsolutePath(), resetCommand);
      }
      return null;
    }
    IssuedKey issued;
    try {
      issued = kw.operatorKeys().issueBootstrapKey(k -> {
        try {
          handOver(k.secret(), adminKeyFile, terminal);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return issued.key().id();
  }

  /** Prints the key, or writes it to {@code adminKeyFile} (mode 0600) when one is given. */
  static void handOver(String secret, Path adminKeyFile, PrintStream terminal) throws IOException {
    if (adminKeyFile != null) {
      write(adminKeyFile, secret);
      terminal.println("Keywarden admin key written to " + adminKeyFile.toAbsolutePath() + " (mode 0600).");
    } else {
      String line = "=".repeat(72);
      terminal.println(line);
      terminal.println(" Keywarden admin key. It is shown ONCE and cannot be recovered; store it safely:");
      terminal.println();
      terminal.println("   " + secret);
      terminal.println();
      terminal.println(" Use it as:  Authorization: Bearer <key>   (scope: admin)");
      terminal.println(line);
    }
    terminal.flush();
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
