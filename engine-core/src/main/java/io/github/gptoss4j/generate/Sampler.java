package io.github.gptoss4j.generate;

import io.github.gptoss4j.kernels.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The last stage of a generation: picks the next token from logits according to {@link SamplingOptions}; one
 * per generation, not thread-safe. The repetition, presence and frequency penalties are not here: they are a
 * {@link LogitsProcessor} ({@link Penalties}) that runs before.
 *
 * <p>Each {@link #sample} applies, in this order (llama.cpp's chain with temperature moved before top-p):
 *
 * <ol>
 *   <li>greedy: with temperature 0, the highest logit wins (lowest id on ties) and nothing random happens;
 *   <li>top-k: keep the k highest logits;
 *   <li>temperature: divide the logits by it;
 *   <li>softmax;
 *   <li>top-p: keep the smallest most-likely set whose probability reaches top_p;
 *   <li>min-p: drop tokens less likely than min_p times the most likely one;
 *   <li>renormalise what is left and draw one token with the seeded random generator.
 * </ol>
 *
 * <p>Deterministic: the same options, seed and logits give the same tokens on any thread and with either
 * kernel implementation (their softmax weights agree bit for bit); a non-greedy sample consumes exactly one
 * draw of a {@link SplittableRandom} seeded with {@link #seed()}. Working buffers are owned by the sampler and
 * reused, so sampling allocates nothing after the first call, and the caller's logits are never modified.
 */
final class Sampler {
  private final SamplingOptions options;
  private final Kernels kernels;
  private final long seed;
  private final SplittableRandom random;

  // Reused working buffers, grown to the vocabulary size on first use.
  private int[] ids = new int[0];
  private float[] weights = new float[0];
  // Index e sums the weights in [2^-e, 2^(1-e)); the last holds subnormals and zero, never a cut-off.
  private final double[] exponentSums = new double[-Float.MIN_EXPONENT + 2];

  /** A sampler using the default kernels; picks a random seed when {@code options} has none. */
  Sampler(SamplingOptions options) {
    this(options, Kernels.get());
  }

  /** A sampler whose softmax runs on {@code kernels}; picks a random seed when {@code options} has none. */
  Sampler(SamplingOptions options, Kernels kernels) {
    if (options == null) {
      throw new GenerationException("sampling options must not be null");
    }
    this.options = options;
    this.kernels = kernels;
    this.seed = options.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
    this.random = new SplittableRandom(seed);
  }

  /** The options this sampler applies. */
  SamplingOptions options() {
    return options;
  }

  /** The seed in use: the options' seed, or the one picked; set it in the options to reproduce a run. */
  long seed() {
    return seed;
  }

  /**
   * The next token id, in {@code [0, vocab)}, for logits {@code logits[off, off + vocab)}.
   *
   * @throws GenerationException if the slice is outside the array, a logit is NaN or +Infinity, or every logit
   *     is -Infinity
   */
  int sample(float[] logits, int off, int vocab) {
    Logits.checkSlice(logits, off, vocab);
    float[] src = logits;
    int base = off;
    int best = Logits.argmax(src, base, vocab);
    // A temperature too small for a float is greedy too.
    float temperature = (float) options.temperature();
    if (temperature == 0) {
      return best;
    }
    if (ids.length < vocab) {
      ids = new int[vocab];
      weights = new float[vocab];
    }
    int n = weigh(src, base, vocab, src[base + best], temperature);
    double total = kernels.sum(weights, 0, n);
    if (options.topP() < 1) {
      n = nucleus(n, options.topP() * total);
      total = kernels.sum(weights, 0, n);
    }
    if (options.minP() > 0) {
      // The most likely token has weight exp(0) = 1, so min-p's threshold is min_p itself.
      n = dropBelow(n, options.minP());
      total = kernels.sum(weights, 0, n);
    }
    return draw(n, total);
  }

  /**
   * Fills {@code ids} with the top-k tokens, or with all of them when top-k is off, and {@code weights} with
   * their softmax weights {@code exp((logit - max) / T)}, so the top token's weight is exactly 1.
   */
  private int weigh(float[] src, int base, int vocab, float max, float temperature) {
    int k = options.topK();
    if (k > 0 && k < vocab) {
      int n = Logits.top(src, base, vocab, k, ids);
      for (int i = 0; i < n; i++) {
        weights[i] = src[base + ids[i]];
      }
      kernels.softmaxWeights(weights, 0, n, max, temperature, weights, 0);
      return n;
    }
    for (int i = 0; i < vocab; i++) {
      ids[i] = i;
    }
    kernels.softmaxWeights(src, base, vocab, max, temperature, weights, 0);
    return vocab;
  }

  /**
   * Moves the top-p set to the front and returns its size: the fewest highest-ranked candidates whose weights
   * reach {@code target}. A quickselect on (weight desc, id asc) finds it in expected linear time, sorting
   * nothing; its pivots come from a fixed-seed generator, so the result depends only on the input.
   */
  private int nucleus(int n, double target) {
    n = dropOutsideNucleus(n, target);
    long pivotState = 0;
    int lo = 0;
    int hi = n;
    double need = target;
    while (lo < hi) {
      pivotState += 0x9E3779B97F4A7C15L;
      int p = lo + (int) Long.remainderUnsigned(mix(pivotState), hi - lo);
      swap(p, hi - 1);
      int store = lo;
      double aboveSum = 0;
      for (int i = lo; i < hi - 1; i++) {
        if (weightRanksAbove(i, hi - 1)) {
          aboveSum += weights[i];
          swap(i, store++);
        }
      }
      swap(store, hi - 1);
      if (aboveSum >= need) {
        hi = store;
      } else if (aboveSum + weights[store] >= need) {
        return store + 1;
      } else {
        need -= aboveSum + weights[store];
        lo = store + 1;
      }
    }
    // Reached only when rounding leaves the target a hair above the sum of everything before hi.
    return Math.max(lo, 1);
  }

  /**
   * Drops, in one cheap pass, the candidates provably outside the top-p set, so the quickselect works on a
   * few instead of the whole vocabulary: weights (all in [0, 1]) are binned by binary exponent, and once the
   * bins at and above {@code 2^-e} reach the target, every weight below {@code 2^-e} ranks under a set that
   * already does.
   */
  private int dropOutsideNucleus(int n, double target) {
    Arrays.fill(exponentSums, 0);
    for (int i = 0; i < n; i++) {
      exponentSums[-Math.getExponent(weights[i])] += weights[i];
    }
    double cumulative = 0;
    for (int e = 0; e < exponentSums.length - 1; e++) {
      cumulative += exponentSums[e];
      if (cumulative >= target) {
        return dropBelow(n, Math.scalb(1f, -e));
      }
    }
    return n;
  }

  private boolean weightRanksAbove(int a, int b) {
    return weights[a] > weights[b] || (weights[a] == weights[b] && ids[a] < ids[b]);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void swap(int a, int b) {
    int id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
    float w = weights[a];
    weights[a] = weights[b];
    weights[b] = w;
  }

  private int dropBelow(int n, double threshold) {
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (weights[i] >= threshold) {
        ids[kept] = ids[i];
        weights[kept++] = weights[i];
      }
    }
    return kept;
  }

  private int draw(int n, double total) {
    double u = random.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0) {
        last = i;
        u -= weights[i];
        if (u < 0) {
          return ids[i];
        }
      }
    }
    // Rounding can leave u a hair above 0 after the last token; that token is the right pick then.
    return ids[last];
  }
}
