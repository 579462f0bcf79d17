package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.cli.CorruptionCorpus.Case;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every corrupted checkpoint of {@link CorruptionCorpus}, through {@code inspect --check-tensors},
 * {@code logits} and {@code generate} in this JVM (its own surefire run, with {@code -Xmx1g}): each ends with exit
 * code 1 or 2 and one line naming the file, tensor or field, within 60 s, without a stack trace.
 */
class CorruptionCorpusTest {
  private static final double MAX_SECONDS = 60;

  @TempDir static Path root;
  private static List<Case> corpus;

  @BeforeAll
  static void writeCorpus() {
    corpus = CorruptionCorpus.write(root);
  }

  private static List<String> commands(Path model) {
    return List.of(
        "inspect --check-tensors --model " + model,
        "logits --tokens 1,2,3 --model " + model + " --out " + model.resolve("logits.npy"),
        "generate --prompt hi --max-tokens 2 --seed 1 --model " + model);
  }

  @Test
  void theCorpusHoldsOverAHundredCasesOfACheckpointThatWorks() {
    assertTrue(corpus.size() >= 100, corpus.size() + " cases");
    for (String command : commands(CorruptionCorpus.base(root))) {
      CliRun run = CliRun.of(command.split(" "));
      assertEquals(0, run.code(), command + ": " + run.err());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseFailsWithOneLineNamingWhatIsWrong() {
    return corpus.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      for (String command : commands(c.dir())) {
        String[] args = command.split(" ");
        long start = System.nanoTime();
        CliRun run = CliRun.of(args);
        double seconds = (System.nanoTime() - start) / 1e9;
        String what = c.name() + " × " + args[0] + ": exit " + run.code() + "\n" + run.out() + run.err();
        assertTrue(seconds < MAX_SECONDS, what + " took " + seconds + " s");
        assertTrue(run.code() == 1 || run.code() == 2, what);
        assertFalse(run.err().contains("\tat "), "no stack trace: " + what);
        List<String> errors = errorLines(args[0], run);
        assertEquals(1, errors.size(), "one error line: " + what);
        String names = args[0].equals("inspect") ? c.inspectNames() : c.forwardNames();
        assertTrue(errors.getFirst().contains(names), "'" + names + "' named: " + what);
        assertFalse(Files.exists(c.dir().resolve("logits.npy")), "no logits written: " + what);
      }
    }));
  }

  /** Lines of stderr saying "gptoss CMD: ...", and for inspect the lines after its INVALID verdicts on stdout. */
  private static List<String> errorLines(String command, CliRun run) {
    List<String> lines = new ArrayList<>(run.err().lines().filter(l -> l.startsWith("gptoss " + command + ":")).toList());
    boolean invalid = false;
    for (String line : run.out().lines().toList()) {
      if (invalid) {
        lines.add(line);
      }
      invalid |= line.contains("INVALID");
    }
    return lines;
  }
}
