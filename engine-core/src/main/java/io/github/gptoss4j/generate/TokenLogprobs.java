package io.github.gptoss4j.generate;

import io.github.gptoss4j.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probabilities for one generated token, as OpenAI's API reports them. They come from the model's raw
 * distribution, the log-softmax of the logits before any penalty, temperature or filter, so they describe
 * the model rather than the sampling settings, and stay comparable across runs with different options.
 *
 * @param token the generated token's id
 * @param logprob natural log of its probability ({@code -Infinity} for a masked logit)
 * @param top the most likely tokens, most likely first (lower id first on ties); may include {@code token}
 */
public record TokenLogprobs(int token, double logprob, List<Alternative> top) {

  /**
   * One of the most likely tokens at this step.
   *
   * @param token its id
   * @param logprob natural log of its probability
   */
  public record Alternative(int token, double logprob) {}

  private static final int SUM_CHUNK = 4096;

  /** Copies {@code top} so the record stays immutable. */
  public TokenLogprobs {
    top = List.copyOf(top);
  }

  /**
   * Computes the log-probabilities of {@code token} and of the {@code topN} most likely tokens for logits
   * {@code logits[off, off + vocab)}, which are not modified.
   *
   * @param logits the array holding the logits
   * @param off index in {@code logits} of token 0's logit
   * @param vocab the vocabulary size: how many logits the slice holds
   * @param token the generated token's id, in {@code [0, vocab)}
   * @param topN how many most likely alternatives to list, in [0, 20]
   * @return the token's log-probability and its {@code topN} alternatives
   * @throws GenerationException if the slice is outside the array, a logit is NaN or +Infinity, every logit is
   *     -Infinity, {@code token} is outside {@code [0, vocab)} or {@code topN} outside {@code [0, 20]}
   */
  public static TokenLogprobs of(float[] logits, int off, int vocab, int token, int topN) {
    return of(Kernels.get(), logits, off, vocab, token, topN);
  }

  /** {@link #of(float[], int, int, int, int)} with the softmax on {@code kernels}. */
  static TokenLogprobs of(Kernels kernels, float[] logits, int off, int vocab, int token, int topN) {
    Logits.checkSlice(logits, off, vocab);
    if (token < 0 || token >= vocab) {
      throw new GenerationException("token must be in [0, " + vocab + "), got " + token);
    }
    if (topN < 0 || topN > SamplingOptions.MAX_LOGPROBS) {
      throw new GenerationException(
          "logprobs must be in [0, " + SamplingOptions.MAX_LOGPROBS + "], got " + topN);
    }
    float max = logits[off + Logits.argmax(logits, off, vocab)];
    // Fixed-size chunks keep the summation order, hence the result, the same on every machine.
    float[] chunk = new float[Math.min(vocab, SUM_CHUNK)];
    double sum = 0;
    for (int from = 0; from < vocab; from += chunk.length) {
      int len = Math.min(chunk.length, vocab - from);
      kernels.softmaxWeights(logits, off + from, len, max, 1f, chunk, 0);
      sum += kernels.sum(chunk, 0, len);
    }
    double logZ = max + Math.log(sum);
    int[] best = new int[Math.min(topN, vocab)];
    int n = Logits.top(logits, off, vocab, topN, best);
    // Insertion sort: at most 20 entries.
    for (int i = 1; i < n; i++) {
      int t = best[i];
      int j = i - 1;
      for (; j >= 0 && Logits.ranksAbove(logits, off, t, best[j]); j--) {
        best[j + 1] = best[j];
      }
      best[j + 1] = t;
    }
    List<Alternative> top = new ArrayList<>(n);
    for (int id : best) {
      top.add(new Alternative(id, logits[off + id] - logZ));
    }
    return new TokenLogprobs(token, logits[off + token] - logZ, top);
  }
}
