package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random bytes and mutated valid inputs for {@code tokenize}, {@code harmony render} and {@code harmony parse}:
 * each succeeds (exit 0) or fails with exit 1 and one line naming the input, never an internal error.
 */
class InputFuzzTest {
  private static final int CASES = 150;
  private static final String SIGNIFICANT = "{}[],:\"\\ 0123456789\n\r\t<|>";

  @TempDir Path dir;

  private void fuzz(List<String> command, byte[] valid, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    Path in = dir.resolve("input");
    int failed = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = valid.clone();
      switch (i % 4) {
        case 0 -> {
          bytes = new byte[random.nextInt(200)];
          random.nextBytes(bytes);
        }
        case 1 -> {
          for (int k = 0; k < 1 + random.nextInt(6); k++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 2 -> {
          for (int k = 0; k < 1 + random.nextInt(6); k++) {
            bytes[random.nextInt(bytes.length)] = (byte) SIGNIFICANT.charAt(random.nextInt(SIGNIFICANT.length()));
          }
        }
        default -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      Files.write(in, bytes);
      String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--in", in.toString()))
          .toArray(String[]::new);
      CliRun run = CliRun.of(args);
      String what = "case " + i + " " + command + ": exit " + run.code() + " " + run.err();
      assertTrue(run.code() == 0 || run.code() == 1, what);
      if (run.code() == 1) {
        failed++;
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), what);
        assertTrue(lines.getFirst().contains(in.toString()), "names the input: " + what);
        assertFalse(lines.getFirst().matches(".*\\b\\w+(Exception|Error)\\b.*"), "no internal error: " + what);
      }
    }
    assertTrue(failed > 0 && failed < CASES, command + ": " + failed + " of " + CASES + " refused");
  }

  @Test
  void tokenizeInputs() throws IOException {
    fuzz(List.of("tokenize"), Files.readAllBytes(TokenizeCommandTest.PUBLIC_CASES), 1);
  }

  @Test
  void harmonyRenderInputs() throws IOException {
    byte[] firstCases = String.join("\n", Files.readAllLines(HarmonyCommandTest.PUBLIC_CASES).subList(0, 3))
        .getBytes(StandardCharsets.UTF_8);
    fuzz(List.of("harmony", "render"), firstCases, 2);
  }

  @Test
  void harmonyParseInputs() throws IOException {
    byte[] completion = "200005 35644 200008 1844 31064 25 200007 200006 173781 200005 17196 200008 13225 200002"
        .getBytes(StandardCharsets.UTF_8);
    fuzz(List.of("harmony", "parse", "--role", "assistant"), completion, 3);
  }
}
