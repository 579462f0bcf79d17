package io.github.gptoss4j.cli;

import java.io.Console;

/** Whether the user is at a terminal: prompts and ANSI styling only then. */
final class Terminal {
  private Terminal() {}

  /** True when stdin and stdout are a terminal. */
  static boolean isTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** True on a terminal unless the user opted out of colours ({@code NO_COLOR}, see no-color.org). */
  static boolean colors() {
    return isTerminal() && System.getenv("NO_COLOR") == null;
  }
}
