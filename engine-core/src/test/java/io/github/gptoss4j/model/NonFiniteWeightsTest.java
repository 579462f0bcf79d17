package io.github.gptoss4j.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.checkpoint.Dtype;
import io.github.gptoss4j.checkpoint.TensorInfo;
import io.github.gptoss4j.kernels.Kernels;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NaN or infinity in the weights fails the forward pass naming where it surfaced, never yielding NaN logits. */
class NonFiniteWeightsTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  @TempDir Path dir;

  /** The tiny fixture with element {@code index} of {@code tensor} set to {@code value}. */
  private Path poisoned(String tensor, long index, float value) throws IOException, URISyntaxException {
    Path fixture = Path.of(getClass().getResource("/tiny-gpt-oss/config.json").toURI()).getParent();
    Path model = Files.createTempDirectory(dir, "model");
    try (var files = Files.list(fixture)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.copy(p, model.resolve(p.getFileName()));
      }
    }
    TensorInfo t;
    try (Checkpoint cp = Checkpoint.open(model)) {
      t = cp.tensors().get(tensor);
    }
    Path shard = model.resolve(t.file().getFileName());
    ByteBuffer bytes = ByteBuffer.allocate(t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    if (t.dtype() == Dtype.BF16) {
      bytes.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
    } else if (t.dtype() == Dtype.F32) {
      bytes.putFloat(value);
    } else {
      bytes.put((byte) value);
    }
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.write(bytes.flip(), t.offset() + index * t.dtype().byteSize());
    }
    return model;
  }

  private static String failure(Path model, int... tokens) {
    try (Checkpoint cp = Checkpoint.open(model)) {
      Transformer m = new Transformer(cp.weights(), Kernels.get());
      float[] logits = new float[m.config().vocabSize()];
      try (Sequence seq = m.newSequence()) {
        return assertThrows(ModelException.class, () -> m.forward(seq, tokens, 0, tokens.length, logits, false))
            .getMessage();
      }
    }
  }

  private static void assertMentions(String message, String... fragments) {
    for (String f : fragments) {
      assertTrue(message.contains(f), () -> "'" + f + "' missing from: " + message);
    }
  }

  @Test
  void anInfiniteQueryWeightIsReportedAtItsLayersAttention() throws Exception {
    String m = failure(poisoned("model.layers.1.self_attn.q_proj.weight", 7, INF), 1, 2, 3);
    assertMentions(m, "after layer 1's attention", "q/k/v/o projections", "inspect --check-tensors");
  }

  @Test
  void aNanNormScaleIsReportedAtItsLayersExperts() throws Exception {
    String m = failure(poisoned("model.layers.2.post_attention_layernorm.weight", 3, NAN), 4, 5);
    assertMentions(m, "non-finite value (NaN) after layer 2's mixture of experts at position 0", "norm scale");
  }

  @Test
  void aNanEmbeddingRowIsReportedAtTheEmbeddingForItsPosition() throws Exception {
    Path model = poisoned("model.embed_tokens.weight", 9L * 64, NAN);
    assertMentions(failure(model, 1, 2, 9), "after the embedding at position 2");
  }

  @Test
  void aNanUnembeddingIsReportedAtTheOutput() throws Exception {
    assertMentions(failure(poisoned("lm_head.weight", 100, NAN), 1), "after the output", "unembedding");
    assertMentions(failure(poisoned("model.norm.weight", 0, INF), 1), "after the output", "final norm");
  }

  @Test
  void aBatchedDecodeStepChecksEachSequencesRow() throws Exception {
    try (Checkpoint cp = Checkpoint.open(poisoned("model.layers.0.self_attn.o_proj.weight", 11, NAN))) {
      Transformer m = new Transformer(cp.weights(), Kernels.get());
      try (Sequence a = m.newSequence(); Sequence b = m.newSequence()) {
        float[] logits = new float[2 * m.config().vocabSize()];
        String message = assertThrows(ModelException.class,
            () -> m.decode(m.newDecodeBatch(2), new Sequence[] {a, b}, new int[] {3, 4}, 2, logits)).getMessage();
        assertMentions(message, "after layer 0's attention at position 0");
      }
    }
  }

  @Test
  void anE8m0ScaleOf255IsRefusedWhenTheWeightsAreBound() throws Exception {
    Path model = poisoned("model.layers.3.mlp.experts.down_proj_scales", 1000, 255);
    try (Checkpoint cp = Checkpoint.open(model)) {
      CheckpointException e = assertThrows(CheckpointException.class, cp::weights);
      assertMentions(e.getMessage(), "tensor 'model.layers.3.mlp.experts.down_proj_scales' holds the E8M0 scale 255",
          "at element 1000 (expert ");
    }
  }
}
