package io.github.gptoss4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointBindTest {

  @Test
  void bindsTheHuggingFaceLayoutOfTheTinyFixture() {
    try (Checkpoint cp = Checkpoint.open(TinyFixture.dir())) {
      assertEquals(Checkpoint.Layout.HUGGING_FACE, cp.layout());
      assertEquals(79, cp.tensors().size());
      ModelWeights w = cp.weights();
      GptOssConfig c = w.config();
      // Values from the fixture's README / config.json.
      assertEquals(4, c.numLayers());
      assertEquals(64, c.hiddenSize());
      assertEquals(16, c.headDim());
      assertEquals(4, c.numHeads());
      assertEquals(2, c.numKvHeads());
      assertEquals(8, c.numExperts());
      assertEquals(4, c.expertsPerToken());
      assertEquals(64, c.intermediateSize());
      assertEquals(1024, c.vocabSize());
      assertEquals(8, c.slidingWindow());
      assertEquals(List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION,
          LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION), c.layerTypes());
      assertEquals(new GptOssConfig.Rope(150000, 32, 4096, 32, 1), c.rope());
      assertEquals(1e-5f, c.rmsNormEps());
      assertEquals(7f, c.swigluLimit());
      assertEquals(131072, c.maxPositionEmbeddings());

      assertShape(w.embedding(), Bf16Matrix.class, 1024, 64);
      assertShape(w.unembedding(), Bf16Matrix.class, 1024, 64);
      assertEquals(64, w.finalNorm().length);
      assertEquals(4, w.layers().size());
      ModelWeights.Layer l = w.layers().get(1);
      assertShape(l.attention().q(), Bf16Matrix.class, 64, 64);
      assertShape(l.attention().k(), Bf16Matrix.class, 32, 64);
      assertShape(l.attention().v(), Bf16Matrix.class, 32, 64);
      assertShape(l.attention().o(), Bf16Matrix.class, 64, 64);
      assertEquals(4, l.attention().sinks().length);
      assertShape(l.moe().router(), Bf16Matrix.class, 8, 64);
      assertEquals(8, l.moe().experts().size());
      ModelWeights.Expert e = l.moe().experts().get(7);
      assertShape(e.gateUp(), Mxfp4Matrix.class, 128, 64);
      assertShape(e.down(), Mxfp4Matrix.class, 64, 64);
      assertEquals(128, e.gateUpBias().length);
      assertEquals(64, e.downBias().length);
    }
  }

  @Test
  void viewsPointAtTheTensorBytesWithoutCopying() {
    try (Checkpoint cp = Checkpoint.open(TinyFixture.dir())) {
      ModelWeights w = cp.weights();
      Bf16Matrix emb = (Bf16Matrix) w.embedding();
      assertEquals(cp.segment("model.embed_tokens.weight").address(), emb.data().address());
      // Expert 3's blocks start 3 experts × 128 rows × 32 bytes into the layer's blocks tensor.
      MemorySegment blocks = cp.segment("model.layers.2.mlp.experts.gate_up_proj_blocks");
      Mxfp4Matrix up = w.layers().get(2).moe().experts().get(3).gateUp();
      assertEquals(blocks.address() + 3L * 128 * 32, up.blocks().address());
      MemorySegment scales = cp.segment("model.layers.2.mlp.experts.gate_up_proj_scales");
      assertEquals(scales.address() + 3L * 128 * 2, up.scales().address());
    }
  }

  @Test
  void widensF32NormsAndBf16BiasesExactly() {
    try (Checkpoint cp = Checkpoint.open(TinyFixture.dir())) {
      ModelWeights w = cp.weights();
      MemorySegment norm = cp.segment("model.norm.weight");
      assertEquals(Dtype.F32, cp.tensors().get("model.norm.weight").dtype());
      float[] expectedNorm = norm.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
      assertArrayEquals(expectedNorm, w.finalNorm());
      MemorySegment sinks = cp.segment("model.layers.0.self_attn.sinks");
      short[] raw = sinks.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
      float[] sinksF = w.layers().get(0).attention().sinks();
      for (int i = 0; i < raw.length; i++) {
        assertEquals(Float.intBitsToFloat(raw[i] << 16), sinksF[i]);
      }
    }
  }

  @Test
  void theOriginalLayoutBindsToTheSameBytes() {
    Path dir = TinyFixture.dir();
    try (Checkpoint hf = Checkpoint.open(dir); Checkpoint orig = Checkpoint.open(dir.resolve("original"))) {
      assertEquals(Checkpoint.Layout.ORIGINAL, orig.layout());
      assertEquals(hf.config(), orig.config());
      WeightsEquality.assertSameWeights(hf.weights(), orig.weights());
    }
  }

  @Test
  void viewsAreUnreadableAfterClose() {
    Checkpoint cp = Checkpoint.open(TinyFixture.dir());
    Bf16Matrix emb = (Bf16Matrix) cp.weights().embedding();
    cp.close();
    assertThrows(IllegalStateException.class, () -> emb.data().get(ValueLayout.JAVA_BYTE, 0));
  }

  private static void assertShape(WeightMatrix m, Class<? extends WeightMatrix> type, int rows, int cols) {
    assertInstanceOf(type, m);
    assertEquals(rows, m.rows());
    assertEquals(cols, m.cols());
  }
}
