package io.github.gptoss4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.KvType;
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
 * A verification pass ({@link Transformer#verify}) gives every position exactly (bit for bit) the logits and
 * the cache of its tokens run one at a time, and truncating its unconfirmed tail leaves the cache the
 * following tokens would have seen: what speculative decoding's greedy identity rests on.
 */
class VerifyTest {
  private static Checkpoint checkpoint;

  @BeforeAll
  static void open() throws URISyntaxException {
    checkpoint = Checkpoint.open(
        Path.of(VerifyTest.class.getResource("/tiny-gpt-oss/config.json").toURI()).getParent());
  }

  @AfterAll
  static void close() {
    checkpoint.close();
  }

  @Test
  void everyPositionOfAVerificationIsExactlyItsOneTokenStep() {
    boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    for (KernelProvider.Impl impl : KernelProvider.Impl.values()) {
      if (impl == KernelProvider.Impl.VECTOR && !vectorApi) {
        continue;
      }
      for (Precision precision : Precision.values()) {
        for (KvType kvType : KvType.values()) {
          try (Kernels kernels = KernelProvider.create(impl, 2, precision); Arena arena = Arena.ofShared()) {
            Transformer model = new Transformer(checkpoint.weights().forPrecision(precision, arena), kernels);
            assertVerifyMatchesSteps(model, kvType, impl + "/" + precision + "/" + kvType);
          }
        }
      }
    }
  }

  /**
   * Rounds of a verification of up to 8 tokens, a rollback of a random part of them, then the same tokens
   * one at a time on a copy; with a block of 8 the sliding rings (window 8) wrap many times.
   */
  private static void assertVerifyMatchesSteps(Transformer model, KvType kvType, String what) {
    int vocab = model.config().vocabSize();
    int maxBlock = 8;
    Random rnd = new Random(5);
    try (Sequence verified = model.newSequence(kvType, Long.MAX_VALUE, maxBlock)) {
      int[] prompt = rnd.ints(13, 0, vocab).toArray();
      model.forward(verified, prompt, 0, prompt.length, null, false);
      float[] rows = new float[maxBlock * vocab];
      float[] one = new float[vocab];
      for (int round = 0; round < 12; round++) {
        int n = 1 + rnd.nextInt(maxBlock);
        int[] block = rnd.ints(n, 0, vocab).toArray();
        int pos0 = verified.position();
        try (Sequence stepped = verified.copy()) {
          model.verify(verified, block, 0, n, rows);
          for (int t = 0; t < n; t++) {
            model.forward(stepped, block, t, 1, one, false);
            assertArrayEquals(one, Arrays.copyOfRange(rows, t * vocab, (t + 1) * vocab),
                what + ", round " + round + ", row " + t);
          }
          assertEquals(stepped.position(), verified.position());
        }
        int kept = rnd.nextInt(n + 1);
        verified.truncate(pos0 + kept);
      }
      // After the rollbacks the cache is still what one-token steps of the kept tokens give: continue both.
      try (Sequence stepped = verified.copy()) {
        int[] next = rnd.ints(3, 0, vocab).toArray();
        model.verify(verified, next, 0, 3, rows);
        for (int t = 0; t < 3; t++) {
          model.forward(stepped, next, t, 1, one, false);
          assertArrayEquals(one, Arrays.copyOfRange(rows, t * vocab, (t + 1) * vocab), what + ", after rollbacks");
        }
      }
    }
  }

  @Test
  void aVerificationTooLongOrWithABadTokenIsRefused() {
    Transformer model = new Transformer(checkpoint.weights(), Kernels.get());
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, 4)) {
      float[] rows = new float[5 * model.config().vocabSize()];
      assertThrows(ModelException.class, () -> model.verify(seq, new int[] {1, 2, 3, 4, 5}, 0, 5, rows));
      assertThrows(ModelException.class, () -> model.verify(seq, new int[] {1, -1}, 0, 2, rows));
      assertEquals(0, seq.position());
    }
  }
}
