package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress bars redraw only on a terminal; a log file or pipe gets one plain line. */
class ProgressBarTest {

  private static String run(boolean terminal) {
    StringWriter text = new StringWriter();
    SynthCommand.ProgressBar bar = new SynthCommand.ProgressBar(new PrintWriter(text), terminal);
    bar.update(1_000_000_000L, 2_000_000_000L);
    bar.update(2_000_000_000L, 2_000_000_000L);
    bar.finish();
    return text.toString();
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlace() {
    String shown = run(true);
    assertTrue(shown.startsWith("\r[####"), shown);
    assertTrue(shown.contains("100% 2.00 GB / 2.00 GB"), shown);
    assertEquals(1, shown.chars().filter(c -> c == '\n').count(), "one line, redrawn after each \\r: " + shown);
  }

  @Test
  void elsewhereOnePlainLineWithoutCarriageReturns() {
    String shown = run(false);
    assertFalse(shown.contains("\r"), shown);
    assertTrue(shown.matches("2\\.00 GB / 2\\.00 GB in \\d+\\.\\d s, \\d+ MB/s\\R"), shown);
  }

  @Test
  void synthIntoARedirectedStderrWritesNoRedraws(@TempDir Path dir) {
    // Under the test runner stderr is a pipe, as in `gptoss synth ... 2>log`.
    assertFalse(Terminal.isStderrTerminal());
    CliRun run = CliRun.of("synth", "--preset", "tiny", "--seed", "1", "--out", dir.resolve("m").toString());
    assertEquals(0, run.code(), run.err());
    assertFalse(run.err().contains("\r"), run.err());
    assertTrue(run.err().lines().anyMatch(l -> l.matches(".* GB / .* GB in .* s, \\d+ MB/s")), run.err());
  }
}
