package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Options;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCheckpointTest {
  /** e2m1 values of the 16 FP4 codes (sign in bit 3), from the OCP MX spec. */
  private static final float[] FP4 = {0, .5f, 1, 1.5f, 2, 3, 4, 6, -0f, -.5f, -1, -1.5f, -2, -3, -4, -6};

  @TempDir Path dir;

  private static Options tiny(long seed, boolean hf, boolean original) {
    return new Options(Preset.TINY.config(), seed, hf, original, null, Preset.TINY.maxShardBytes());
  }

  @Test
  void bothLayoutsOfOneSynthBindToIdenticalWeights() {
    Path out = dir.resolve("tiny");
    AtomicLong last = new AtomicLong();
    SyntheticCheckpoint.write(tiny(7, true, true), out, (done, total) -> {
      assertTrue(done <= total);
      last.set(done);
    });
    assertEquals(SyntheticCheckpoint.totalBytes(tiny(7, true, true)), last.get());
    try (Checkpoint hf = Checkpoint.open(out); Checkpoint original = Checkpoint.open(out.resolve("original"))) {
      assertEquals(Checkpoint.Layout.HUGGING_FACE, hf.layout());
      assertEquals(Checkpoint.Layout.ORIGINAL, original.layout());
      assertEquals(Preset.TINY.config(), hf.config());
      assertTrue(Files.exists(out.resolve("model-00002-of-00003.safetensors")), "tiny preset is sharded");
      WeightsEquality.assertSameWeights(hf.weights(), original.weights());
    }
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() throws IOException {
    SyntheticCheckpoint.write(tiny(1, false, true), dir.resolve("a"), (d, t) -> {});
    SyntheticCheckpoint.write(tiny(1, false, true), dir.resolve("b"), (d, t) -> {});
    SyntheticCheckpoint.write(tiny(2, false, true), dir.resolve("c"), (d, t) -> {});
    byte[] a = Files.readAllBytes(dir.resolve("a/original/model.safetensors"));
    assertEquals(-1, Files.mismatch(dir.resolve("a/original/model.safetensors"), dir.resolve("b/original/model.safetensors")));
    assertNotEquals(-1, Files.mismatch(dir.resolve("a/original/model.safetensors"), dir.resolve("c/original/model.safetensors")));
    assertTrue(a.length > 500_000);
  }

  @Test
  void magnitudesAreRealistic() {
    Path out = dir.resolve("m");
    SyntheticCheckpoint.write(tiny(3, true, false), out, (d, t) -> {});
    try (Checkpoint cp = Checkpoint.open(out)) {
      ModelWeights w = cp.weights();
      assertEquals(0.02, std(bf16(((Bf16Matrix) w.embedding()).data())), 0.002);
      float[] norm = w.layers().get(0).attention().norm();
      double mean = 0;
      for (float v : norm) {
        mean += v / norm.length;
      }
      assertEquals(1.0, mean, 0.01);
      Mxfp4Matrix up = w.layers().get(1).moe().experts().get(5).gateUp();
      assertEquals(0.02, std(dequantize(up)), 0.005);
      double sinkStd = std(w.layers().get(0).attention().sinks());
      assertTrue(sinkStd > 0.2 && sinkStd < 3, "sinks are O(1): std " + sinkStd);
    }
  }

  @Test
  void configStatesFloatFieldsAsTheirDecimalValues() throws IOException {
    Path out = dir.resolve("c");
    SyntheticCheckpoint.write(tiny(1, true, false), out, (d, t) -> {});
    var config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("1.0E-5", config.get("rms_norm_eps").asText());
    assertEquals("7.0", config.get("swiglu_limit").asText());
  }

  @Test
  void refusesToOverwriteADirectoryItDidNotWrite() throws IOException {
    Path out = dir.resolve("user");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> SyntheticCheckpoint.write(tiny(1, true, false), out, (d, t) -> {}));
    assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void replacesItsOwnEarlierOutputButNotFilesAddedSince() throws IOException {
    Path out = dir.resolve("again");
    SyntheticCheckpoint.write(tiny(1, true, true), out, (d, t) -> {});
    SyntheticCheckpoint.write(tiny(2, true, false), out, (d, t) -> {});
    assertFalse(Files.exists(out.resolve("original/model.safetensors")), "files of the earlier run are removed");
    try (Checkpoint cp = Checkpoint.open(out)) {
      assertEquals(Checkpoint.Layout.HUGGING_FACE, cp.layout());
    }
    Files.writeString(out.resolve("added.txt"), "mine");
    assertThrows(CheckpointException.class, () -> SyntheticCheckpoint.write(tiny(3, true, false), out, (d, t) -> {}));
    assertTrue(Files.exists(out.resolve("added.txt")));
  }

  @Test
  void copiesTokenizerFilesWhenGiven() throws IOException {
    Path tok = dir.resolve("tok");
    Files.createDirectories(tok);
    Files.writeString(tok.resolve("tokenizer.json"), "{\"t\":1}");
    Files.writeString(tok.resolve("tokenizer_config.json"), "{\"c\":2}");
    Path out = dir.resolve("with-tok");
    SyntheticCheckpoint.write(new Options(Preset.TINY.config(), 1, true, false, tok, 1 << 30), out, (d, t) -> {});
    assertEquals("{\"t\":1}", Files.readString(out.resolve("tokenizer.json")));
    assertEquals("{\"c\":2}", Files.readString(out.resolve("tokenizer_config.json")));
    assertTrue(Files.exists(out.resolve("model-00001-of-00001.safetensors")));
  }

  @Test
  void layerCountCanBeOverridden() {
    GptOssConfig c = SyntheticCheckpoint.withLayers(Preset.GPT_OSS_20B.config(), 2);
    assertEquals(2, c.numLayers());
    assertEquals(2880, c.hiddenSize());
    assertEquals(Preset.GPT_OSS_120B, Preset.byName("gpt-oss-120b"));
    assertThrows(IllegalArgumentException.class, () -> Preset.byName("gpt-oss-7b"));
  }

  private static float[] bf16(MemorySegment s) {
    short[] raw = s.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
    float[] out = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = Float.intBitsToFloat(raw[i] << 16);
    }
    return out;
  }

  private static float[] dequantize(Mxfp4Matrix m) {
    byte[] blocks = m.blocks().toArray(ValueLayout.JAVA_BYTE);
    byte[] scales = m.scales().toArray(ValueLayout.JAVA_BYTE);
    float[] out = new float[blocks.length * 2];
    for (int i = 0; i < blocks.length; i++) {
      float scale = (float) Math.pow(2, (scales[i / 16] & 0xFF) - 127);
      out[2 * i] = FP4[blocks[i] & 0xF] * scale;
      out[2 * i + 1] = FP4[(blocks[i] >> 4) & 0xF] * scale;
    }
    return out;
  }

  private static double std(float[] v) {
    double sum = 0;
    double sq = 0;
    for (float x : v) {
      sum += x;
      sq += (double) x * x;
    }
    double mean = sum / v.length;
    return Math.sqrt(sq / v.length - mean * mean);
  }
}
