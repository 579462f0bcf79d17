package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gptoss chat} on a pseudo-terminal, typed at as a user would: util-linux {@code script} gives the
 * command a pty of 80×24 (xterm keys: the line editor switches the keypad to application mode, so arrows send
 * {@code ESC O x}). Skipped where {@code script} is missing (not Linux).
 */
class ChatTerminalTest {
  private static final String LEFT = "\u001bOD";
  private static final String RIGHT = "\u001bOC";
  private static final String UP = "\u001bOA";
  private static final String CTRL_C = "\u0003";
  private static final String CTRL_D = "\u0004";
  private static final String PROMPT = "\u001b[?2004h> "; // bracketed paste on, then the prompt

  @TempDir Path cache;

  /** {@code gptoss chat} with {@code args} on a pty of its own. */
  private Process chat(String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String command = "stty cols 80 rows 24; exec '" + java + "' --add-modules jdk.incubator.vector"
        + " --enable-native-access=ALL-UNNAMED -D" + DemoModel.CACHE_PROPERTY + "='" + cache + "'"
        + " -cp '" + System.getProperty("java.class.path") + "' io.github.gptoss4j.cli.Main chat "
        + String.join(" ", args);
    ProcessBuilder builder = new ProcessBuilder(List.of("/usr/bin/script", "-qefc", command, "/dev/null"))
        .redirectErrorStream(true);
    builder.environment().put("TERM", "xterm-256color");
    return builder.start();
  }

  @Test
  void arrowsEditTheLineUpRecallsHistoryAndCtrlDEndsWithANewline() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
    Process process = chat("--max-tokens", "2");
    Screen screen = new Screen(process.getInputStream());
    try (OutputStream keys = process.getOutputStream()) {
      screen.await(PROMPT, 1);
      // "/effort hg", back one, insert "i", forward one, "h": the line is "/effort high" only if the arrows
      // move the cursor (raw, they would arrive as text and /effort would refuse the word).
      type(keys, "/effort hg" + LEFT + "i" + RIGHT + "h\r");
      screen.await("(reasoning effort: high)", 1);
      screen.await(PROMPT, 2);
      type(keys, UP + "\r"); // the same line again, from history
      screen.await("(reasoning effort: high)", 2);
      screen.await(PROMPT, 3);
      type(keys, CTRL_D);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chat did not end on Ctrl-D:\n" + screen);
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), screen.toString());
    assertTrue(!screen.toString().contains("usage: /effort"), screen.toString());
    assertTrue(screen.toString().endsWith("\n"), "Ctrl-D leaves the cursor on a new line:\n" + screen);
  }

  @Test
  void ctrlCCancelsTheAnswerAndTheChatGoesOn() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
    Process process = chat("--max-tokens", "100000");
    Screen screen = new Screen(process.getInputStream());
    try (OutputStream keys = process.getOutputStream()) {
      screen.await(PROMPT, 1);
      type(keys, "Hello\r");
      int before = screen.toString().length();
      screen.awaitGrowth(before + 300); // past the line editor's mode resets (~100 bytes): the answer is streaming
      type(keys, CTRL_C);
      screen.await("| cancelled", 1);
      screen.await(PROMPT, 2);
      type(keys, CTRL_D);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chat did not end on Ctrl-D:\n" + screen);
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), "Ctrl-C cancelled the answer, not the program:\n" + screen);
  }

  private static void type(OutputStream keys, String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** Everything the pty showed, collected by a reader thread; waits are bounded. */
  private static final class Screen {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Screen(InputStream in) {
      Thread reader = new Thread(() -> {
        byte[] buffer = new byte[4096];
        try {
          for (int n; (n = in.read(buffer)) > 0; ) {
            synchronized (bytes) {
              bytes.write(buffer, 0, n);
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits until {@code text} has appeared {@code times} times; the line editor ignores keys typed earlier. */
    void await(String text, int times) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (count(toString(), text) < times) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no " + times + "× " + text.replace("\u001b", "ESC") + " on the screen:\n" + this);
        }
        Thread.sleep(50);
      }
      Thread.sleep(200); // the editor switches the terminal to raw mode right after drawing the prompt
    }

    /** Waits until the screen holds at least {@code length} characters. */
    void awaitGrowth(int length) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (toString().length() < length) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the screen stopped at " + toString().length() + " characters:\n" + this);
        }
        Thread.sleep(50);
      }
    }

    private static int count(String s, String text) {
      int n = 0;
      for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + text.length())) {
        n++;
      }
      return n;
    }

    @Override
    public String toString() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
