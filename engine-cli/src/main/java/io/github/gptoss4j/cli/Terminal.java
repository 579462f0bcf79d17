package io.github.gptoss4j.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Whether the user is at a terminal: prompts and ANSI styling only then. */
final class Terminal {
  private Terminal() {}

  /** True when stdin and stdout are a terminal. */
  static boolean isTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /**
   * True when stderr is a terminal, so progress may be redrawn in place: on Linux, file descriptor 2 is a tty
   * or pty device; elsewhere, when stdin and stdout are a terminal (stderr usually goes with them).
   */
  static boolean isStderrTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.exists(fd, LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return isTerminal();
  }

  /** True on a terminal unless the user opted out of colours ({@code NO_COLOR}, see no-color.org). */
  static boolean colors() {
    return isTerminal() && System.getenv("NO_COLOR") == null;
  }
}
