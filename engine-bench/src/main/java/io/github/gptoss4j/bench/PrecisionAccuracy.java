package io.github.gptoss4j.bench;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import io.github.gptoss4j.testkit.EndToEndBench;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The INT8 fast path against the exact path on one checkpoint: logits of every prompt position (max and mean
 * |Δ|, how often the top token agrees) and greedy continuations (how many tokens agree before the first
 * difference). The prompt is comma-separated token ids, or a count of random ordinary-text ids (seed 1).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine-bench/target/benchmarks.jar
 * io.github.gptoss4j.bench.PrecisionAccuracy MODEL_DIR PROMPT GENERATED}
 */
public final class PrecisionAccuracy {
  private PrecisionAccuracy() {}

  /** What the comparison found. */
  public record Result(
      int positions, double maxAbs, double meanAbs, int topAgree, int generated, int greedyAgree) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%d positions: max |dlogit| %.4f, mean %.5f, top token agrees at %d/%d; greedy: %d/%d tokens agree",
          positions, maxAbs, meanAbs, topAgree, positions, greedyAgree, generated);
    }
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: PrecisionAccuracy MODEL_DIR PROMPT(ids a,b,c or a count) GENERATED");
      System.exit(2);
    }
    try (Checkpoint checkpoint = Checkpoint.open(Path.of(args[0]))) {
      int vocab = checkpoint.weights().config().vocabSize();
      int[] prompt = args[1].contains(",")
          ? Arrays.stream(args[1].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray()
          : EndToEndBench.randomTokens(Integer.parseInt(args[1]), vocab, 1);
      System.out.println(compare(checkpoint, prompt, Integer.parseInt(args[2])));
    }
  }

  /** Runs both precisions on {@code prompt}, then {@code generate} greedy tokens from it with each. */
  public static Result compare(Checkpoint checkpoint, int[] prompt, int generate) {
    int vocab = checkpoint.weights().config().vocabSize();
    int threads = Kernels.get().threads();
    try (Kernels exact = KernelProvider.create(threads, Precision.EXACT);
        Kernels int8 = KernelProvider.create(threads, Precision.INT8);
        Arena repacked = Arena.ofShared()) {
      Transformer a = new Transformer(checkpoint.weights(), exact);
      Transformer b = new Transformer(checkpoint.weights().forPrecision(Precision.INT8, repacked), int8);
      float[] la = allLogits(a, prompt);
      float[] lb = allLogits(b, prompt);
      double max = 0;
      double sum = 0;
      int agree = 0;
      for (int t = 0; t < prompt.length; t++) {
        for (int i = 0; i < vocab; i++) {
          double d = Math.abs(la[t * vocab + i] - lb[t * vocab + i]);
          max = Math.max(max, d);
          sum += d;
        }
        agree += exact.argmax(la, t * vocab, vocab) == exact.argmax(lb, t * vocab, vocab) ? 1 : 0;
      }
      int[] ga = greedy(a, prompt, generate);
      int[] gb = greedy(b, prompt, generate);
      int same = 0;
      while (same < generate && ga[same] == gb[same]) {
        same++;
      }
      return new Result(prompt.length, max, sum / ((double) prompt.length * vocab), agree, generate, same);
    }
  }

  private static float[] allLogits(Transformer model, int[] tokens) {
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, Transformer.DEFAULT_MAX_BLOCK)) {
      float[] logits = new float[tokens.length * model.config().vocabSize()];
      model.forward(seq, tokens, 0, tokens.length, logits, true);
      return logits;
    }
  }

  private static int[] greedy(Transformer model, int[] prompt, int n) {
    int vocab = model.config().vocabSize();
    int[] out = new int[n];
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, Transformer.DEFAULT_MAX_BLOCK)) {
      float[] logits = new float[vocab];
      model.forward(seq, prompt, 0, prompt.length, logits, false);
      for (int i = 0; i < n; i++) {
        out[i] = model.kernels().argmax(logits, 0, vocab);
        model.forward(seq, out, i, 1, logits, false);
      }
    }
    return out;
  }
}
