package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code gptoss logits} writes the reference's logits as a NumPy file a checker can load. */
class LogitsCommandTest {
  private static final Path FIXTURE = Path.of("../engine-core/src/test/resources/tiny-gpt-oss");
  /** The fixture's "short" sequence; expected/short.logits.npy holds the reference's logits for it. */
  private static final String SHORT = "967,640,700,918,592,794,853";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"prefill", "decode", "chunked"})
  void everyModeWritesTheReferenceLogits(String mode) throws IOException {
    Path out = dir.resolve("short.npy");
    CliRun run = CliRun.of("logits", "--model", FIXTURE.toString(), "--tokens", SHORT, "--out", out.toString(), "--mode", mode);
    assertEquals(0, run.code(), run.err());
    byte[] written = Files.readAllBytes(out);
    byte[] reference = Files.readAllBytes(FIXTURE.resolve("expected/short.logits.npy"));
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 1024), }", header(written));
    float[] ours = body(written);
    float[] theirs = body(reference);
    assertEquals(theirs.length, ours.length);
    for (int i = 0; i < ours.length; i++) {
      assertTrue(Math.abs(ours[i] - theirs[i]) <= 1e-3, "logit " + i + ": " + ours[i] + " vs " + theirs[i]);
    }
  }

  /** The fast path stays within the bound its docs state (max |Δlogit| ≤ 1 on the fixture) but is not exact. */
  @Test
  void int8PrecisionIsCloseToTheReferenceButNotExact() throws IOException {
    Path out = dir.resolve("int8.npy");
    CliRun run = CliRun.of("logits", "--model", FIXTURE.toString(), "--tokens", SHORT, "--out", out.toString(), "--precision", "int8");
    assertEquals(0, run.code(), run.err());
    float[] ours = body(Files.readAllBytes(out));
    float[] theirs = body(Files.readAllBytes(FIXTURE.resolve("expected/short.logits.npy")));
    double worst = 0;
    for (int i = 0; i < ours.length; i++) {
      worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
    }
    assertTrue(worst <= 1.0 && worst > 1e-3, "int8 max |Δlogit| " + worst);
  }

  @Test
  void anUnknownPrecisionIsOneClearLine() {
    CliRun run = CliRun.of("logits", "--model", FIXTURE.toString(), "--tokens", "1", "--out", dir.resolve("x.npy").toString(), "--precision", "fp8");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--precision") && run.err().contains("expected exact or int8, got 'fp8'"), run.err());
  }

  @Test
  void aTokenOutsideTheVocabularyIsOneClearLine() {
    Path out = dir.resolve("x.npy");
    CliRun run = CliRun.of("logits", "--model", FIXTURE.toString(), "--tokens", "1,1024", "--out", out.toString());
    assertEquals(1, run.code());
    assertEquals("gptoss logits: token id 1024 at index 1 is outside the vocabulary of 1024", run.err().strip());
    assertFalse(Files.exists(out));
  }

  @Test
  void aMissingModelIsOneClearLine() {
    CliRun run = CliRun.of("logits", "--model", dir.resolve("none").toString(), "--tokens", "1", "--out", dir.resolve("x.npy").toString());
    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("gptoss logits: ") && run.err().contains("none"), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run.err());
  }

  private static String header(byte[] npy) {
    int length = Short.toUnsignedInt(ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
    assertEquals(0, (10 + length) % 64, "header padded to 64 bytes");
    return new String(npy, 10, length, StandardCharsets.US_ASCII).strip();
  }

  private static float[] body(byte[] npy) {
    int length = Short.toUnsignedInt(ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
    ByteBuffer data = ByteBuffer.wrap(npy, 10 + length, npy.length - 10 - length).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[data.remaining() / 4];
    data.asFloatBuffer().get(out);
    return out;
  }
}
