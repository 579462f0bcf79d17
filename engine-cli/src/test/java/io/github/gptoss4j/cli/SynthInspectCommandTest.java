package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthInspectCommandTest {
  @TempDir Path dir;

  @Test
  void synthThenInspectReportsAValidCheckpoint() {
    Path out = dir.resolve("tiny");
    CliRun synth = CliRun.of("synth", "--preset", "tiny", "--layers", "2", "--seed", "5", "--out", out.toString(), "--layout", "both");
    assertEquals(0, synth.code(), synth.err());
    // stderr is not a terminal here: one plain progress line, no redrawn bar
    assertTrue(synth.err().lines().anyMatch(l -> l.matches("\\d+\\.\\d\\d GB / \\d+\\.\\d\\d GB in .* MB/s")),
        "progress line on stderr: " + synth.err());
    assertTrue(Files.exists(out.resolve("original/model.safetensors")));

    CliRun inspect = CliRun.of("inspect", "--model", out.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("layers:     2 (SF"), inspect.out());
    assertTrue(inspect.out().contains("tensors:    41"), inspect.out());
    assertTrue(inspect.out().contains("BF16"), inspect.out());
    assertTrue(inspect.out().contains("U8"), inspect.out());
    assertTrue(inspect.out().contains("verdict:    OK"), inspect.out());
  }

  @Test
  void inspectShowsTheFixturesBytesByDtype() {
    Path fixture = Path.of("../engine-core/src/test/resources/tiny-gpt-oss");
    CliRun inspect = CliRun.of("inspect", "--model", fixture.toString());
    assertEquals(0, inspect.code(), inspect.err());
    // The fixture's shards hold 79 tensors; its norms are F32: 9 of 64 floats = 2304 bytes.
    assertTrue(inspect.out().contains("tensors:    79"), inspect.out());
    assertTrue(inspect.out().matches("(?s).*F32 +2,304 bytes.*"), inspect.out());
  }

  @Test
  void inspectReportsAnInvalidCheckpointWithExitCode1() throws IOException {
    Path out = dir.resolve("broken");
    assertEquals(0, CliRun.of("synth", "--preset", "tiny", "--layers", "2", "--seed", "1", "--out", out.toString()).code());
    // Claim more layers than the shards hold: binding must list the missing tensors.
    Path config = out.resolve("config.json");
    Files.writeString(config, Files.readString(config)
        .replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3")
        .replace("\"layer_types\" : [ \"sliding_attention\", \"full_attention\" ]",
            "\"layer_types\" : [ \"sliding_attention\", \"full_attention\", \"sliding_attention\" ]"));
    CliRun inspect = CliRun.of("inspect", "--model", out.toString());
    assertEquals(1, inspect.code());
    assertTrue(inspect.out().contains("verdict:    INVALID"), inspect.out());
    assertTrue(inspect.out().contains("config.json: num_hidden_layers is 3, but the tensors hold 2 layer(s)"), inspect.out());
  }

  @Test
  void checkTensorsReadsEveryValueAndNamesATensorHoldingNan() {
    Path out = dir.resolve("values");
    assertEquals(0, CliRun.of("synth", "--preset", "tiny", "--layers", "2", "--seed", "1", "--out", out.toString()).code());
    CliRun clean = CliRun.of("inspect", "--check-tensors", "--model", out.toString());
    assertEquals(0, clean.code(), clean.out() + clean.err());
    assertTrue(clean.out().contains("values:     OK, no NaN, infinity or E8M0 scale 255"), clean.out());
    assertTrue(clean.err().matches("checked the values of 41 tensors \\(0\\.\\d\\d GB\\) in \\d+\\.\\d s\\R"), clean.err());

    CorruptionCorpus.poison(out, "model.layers.1.mlp.router.weight", 77, Float.NaN);
    CliRun plain = CliRun.of("inspect", "--model", out.toString());
    assertEquals(0, plain.code(), "without --check-tensors values are not read");
    CliRun bad = CliRun.of("inspect", "--check-tensors", "--model", out.toString());
    assertEquals(1, bad.code());
    assertTrue(bad.out().contains("values:     INVALID, 1 tensor(s)\n"), bad.out());
    assertTrue(bad.out().contains(": tensor 'model.layers.1.mlp.router.weight' (BF16 [8, 64]) holds NaN or infinity at element 77"),
        bad.out());
  }

  @Test
  void errorsAreOneLineWithoutStackTrace() throws IOException {
    CliRun missing = CliRun.of("inspect", "--model", dir.resolve("nothing").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("gptoss inspect: "), missing.err());
    assertTrue(missing.err().contains("not a directory"), missing.err());
    assertFalse(missing.err().contains("\tat "), missing.err());

    CliRun preset = CliRun.of("synth", "--preset", "gpt-oss-7b", "--seed", "1", "--out", dir.resolve("x").toString());
    assertEquals(1, preset.code());
    assertTrue(preset.err().contains("unknown preset 'gpt-oss-7b'"), preset.err());

    Path user = dir.resolve("user");
    Files.createDirectories(user);
    Files.writeString(user.resolve("keep.txt"), "mine");
    CliRun refused = CliRun.of("synth", "--preset", "tiny", "--seed", "1", "--out", user.toString());
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("refusing to overwrite"), refused.err());
    assertEquals("mine", Files.readString(user.resolve("keep.txt")));
  }
}
