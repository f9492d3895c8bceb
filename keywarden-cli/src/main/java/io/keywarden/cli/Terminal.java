package io.keywarden.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is a terminal, where the JDK cannot tell (it only knows about the console). */
final class Terminal {
  /** Set by the launcher from the shell's {@code -t 2}; wins over the check below. */
  static final String PROPERTY = "keywarden.stderr.tty";

  private Terminal() {}

  /**
   * The launcher's answer if it gave one; otherwise, on Linux, whether file descriptor 2 is a
   * terminal device; otherwise {@code false}, so that nothing is drawn into a file or a pipe.
   */
  static boolean stderrIsTerminal() {
    String told = System.getProperty(PROPERTY);
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    try {
      Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
      String t = target.toString();
      return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
