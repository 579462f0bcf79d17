package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gptoss chat} on the demo model, with its input piped in. */
class ChatCommandTest {
  private static final Pattern STATS = Pattern.compile("(\\d+) prompt tokens \\((\\d+) cached\\), (\\d+) generated \\|.*");

  @TempDir static Path cache;
  private InputStream stdin;

  @BeforeEach
  void useTemporaryCache() {
    System.setProperty(DemoModel.CACHE_PROPERTY, cache.toString());
    stdin = System.in;
  }

  @AfterEach
  void restore() {
    System.clearProperty(DemoModel.CACHE_PROPERTY);
    System.setIn(stdin);
  }

  private static CliRun chat(String input, String... args) {
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    String[] all = new String[args.length + 1];
    all[0] = "chat";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.of(all);
  }

  /** Prompt, cached and generated tokens of each turn's stats line. */
  private static List<int[]> turns(String err) {
    return err.lines().map(STATS::matcher).filter(Matcher::matches)
        .map(m -> new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))})
        .toList();
  }

  @Test
  void turnsKeepTheHistoryAndReuseTheCacheUntilQuit() {
    CliRun run = chat("Hello there\nTell me more\n/effort high\nAnd now?\n/reset\nFresh start\n/quit\nnever answered\n",
        "--max-tokens", "4", "--seed", "3");
    assertEquals(0, run.code(), run.err());
    List<int[]> turns = turns(run.err());
    assertEquals(4, turns.size(), run.err());
    turns.forEach(t -> assertEquals(4, t[2], "tokens generated per turn"));
    assertEquals(0, turns.get(0)[1]);
    // Turn 2 holds turn 1 (user message and answer) in its prompt, and reuses all of turn 1's cache.
    assertTrue(turns.get(1)[0] > turns.get(0)[0] + 4, run.err());
    assertTrue(turns.get(1)[1] >= turns.get(0)[0], run.err());
    assertTrue(run.err().contains("(reasoning effort: high)"), run.err());
    // A new effort changes the system message: less is reused, but the history is still there.
    assertTrue(turns.get(2)[1] > 0 && turns.get(2)[1] < turns.get(1)[0], run.err());
    assertTrue(turns.get(2)[0] > turns.get(1)[0], run.err());
    assertTrue(run.err().contains("(conversation forgotten)"), run.err());
    // After /reset the prompt is a first turn again; its system message is still cached.
    assertTrue(turns.get(3)[0] < turns.get(1)[0] && turns.get(3)[1] > 0, run.err());
  }

  @Test
  void endOfInputEndsTheChatAndUnknownCommandsAreExplained() {
    CliRun run = chat("/effort extreme\n/shout\nHi\n", "--max-tokens", "2", "--seed", "1");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("usage: /effort low|medium|high"), run.err());
    assertTrue(run.err().contains("unknown command /shout; commands: /reset, /effort low|medium|high, /quit"), run.err());
    assertEquals(1, turns(run.err()).size(), run.err());
  }

  @Test
  void aTurnThatCannotRunIsReportedAndTheChatGoesOn() {
    CliRun run = chat("Hi\n/quit\n", "--max-tokens", "200000");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().lines().anyMatch(l -> l.matches(
        "error: the prompt of \\d+ tokens plus maxTokens 200000 exceeds the context limit of 131072 tokens .*")), run.err());
  }

  @Test
  void badOptionsFailBeforeReadingInput() {
    CliRun run = chat("Hi\n", "--top-k", "-2");
    assertEquals(1, run.code());
    assertEquals("gptoss chat: top_k must be >= 0, got -2", run.err().strip());
  }
}
