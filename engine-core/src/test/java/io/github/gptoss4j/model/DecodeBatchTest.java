package io.github.gptoss4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.Precision;
import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One pass over the next token of several sequences gives each of them exactly (bit for bit) what its token
 * alone would: logits and the cache the following tokens see.
 */
class DecodeBatchTest {
  private static Checkpoint checkpoint;

  @BeforeAll
  static void open() throws URISyntaxException {
    checkpoint = Checkpoint.open(
        Path.of(DecodeBatchTest.class.getResource("/tiny-gpt-oss/config.json").toURI()).getParent());
  }

  @AfterAll
  static void close() {
    checkpoint.close();
  }

  @Test
  void eachSequenceOfABatchGetsExactlyItsOwnLogits() {
    boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    for (KernelProvider.Impl impl : KernelProvider.Impl.values()) {
      if (impl == KernelProvider.Impl.VECTOR && !vectorApi) {
        continue;
      }
      for (Precision precision : Precision.values()) {
        try (Kernels kernels = KernelProvider.create(impl, 2, precision); Arena arena = Arena.ofShared()) {
          Transformer model = new Transformer(checkpoint.weights().forPrecision(precision, arena), kernels);
          assertBatchMatchesAlone(model, impl + "/" + precision);
        }
      }
    }
  }

  private static void assertBatchMatchesAlone(Transformer model, String what) {
    int vocab = model.config().vocabSize();
    Random rnd = new Random(3);
    int count = 4;
    Sequence[] batched = new Sequence[count];
    Sequence[] alone = new Sequence[count];
    for (int i = 0; i < count; i++) {
      // Prompts of different lengths, some past the sliding window, so positions and rings differ.
      int[] prompt = rnd.ints(3 + 25 * i, 0, vocab).toArray();
      batched[i] = model.newSequence();
      model.forward(batched[i], prompt, 0, prompt.length, null, false);
      alone[i] = batched[i].copy();
    }
    DecodeBatch batch = model.newDecodeBatch(count);
    float[] logits = new float[count * vocab];
    float[] one = new float[vocab];
    int[] tokens = new int[count];
    for (int step = 0; step < 5; step++) {
      int live = step < 3 ? count : count - 2; // sequences leave the batch between steps
      for (int i = 0; i < live; i++) {
        tokens[i] = rnd.nextInt(vocab);
      }
      model.decode(batch, batched, tokens, live, logits);
      for (int i = 0; i < live; i++) {
        model.forward(alone[i], tokens, i, 1, one, false);
        assertArrayEquals(one, Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab),
            what + ", step " + step + ", sequence " + i);
        assertEquals(alone[i].position(), batched[i].position());
      }
    }
    for (int i = 0; i < count; i++) {
      batched[i].close();
      alone[i].close();
    }
  }

  @Test
  void aBatchTooLargeOrWithABadTokenIsRefused() {
    Transformer model = new Transformer(checkpoint.weights(), Kernels.get());
    DecodeBatch batch = model.newDecodeBatch(2);
    try (Sequence a = model.newSequence(); Sequence b = model.newSequence(); Sequence c = model.newSequence()) {
      Sequence[] three = {a, b, c};
      float[] logits = new float[3 * model.config().vocabSize()];
      assertThrows(ModelException.class, () -> model.decode(batch, three, new int[] {1, 2, 3}, 3, logits));
      assertThrows(ModelException.class, () -> model.decode(batch, three, new int[] {1, -1}, 2, logits));
      assertEquals(0, a.position());
    }
  }
}
