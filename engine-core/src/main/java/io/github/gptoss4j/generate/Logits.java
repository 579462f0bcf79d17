package io.github.gptoss4j.generate;

/**
 * Checks and selections on one row of logits shared by {@link Sampler} and {@link TokenLogprobs}. Tokens are
 * ranked by logit, higher first, and equal logits by token id, lower first, so every selection is a
 * deterministic total order.
 */
final class Logits {
  private Logits() {}

  /** Rejects a slice {@code [off, off + vocab)} that does not lie inside {@code logits}. */
  static void checkSlice(float[] logits, int off, int vocab) {
    if (logits == null) {
      throw new GenerationException("logits must not be null");
    }
    if (vocab < 1) {
      throw new GenerationException("vocab must be >= 1, got " + vocab);
    }
    if (off < 0 || off > logits.length - vocab) {
      throw new GenerationException(
          "logits slice [" + off + ", " + ((long) off + vocab) + ") is outside the array of length "
              + logits.length);
    }
  }

  /**
   * The highest-ranked token; also checks that every logit is finite or -Infinity (a mask) and that at least
   * one is finite, since NaN or +Infinity would silently poison the softmax.
   */
  static int argmax(float[] logits, int off, int vocab) {
    int best = -1;
    float bestLogit = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      float x = logits[off + i];
      if (!(x < Float.POSITIVE_INFINITY)) {
        throw new GenerationException(
            "logit of token " + i + " is " + x + "; expected a finite number or -Infinity");
      }
      if (x > bestLogit) {
        bestLogit = x;
        best = i;
      }
    }
    if (best < 0) {
      throw new GenerationException("all " + vocab + " logits are -Infinity: no token can be chosen");
    }
    return best;
  }

  /**
   * Writes the {@code min(k, vocab)} highest-ranked tokens into {@code out} in no particular order and returns
   * their count. A bounded min-heap keeps this O(vocab log k) with no sort of the whole vocabulary.
   */
  static int top(float[] logits, int off, int vocab, int k, int[] out) {
    int n = Math.min(k, vocab);
    if (n == 0) {
      return 0;
    }
    for (int i = 0; i < n; i++) {
      out[i] = i;
      siftUp(logits, off, out, i);
    }
    for (int i = n; i < vocab; i++) {
      if (ranksAbove(logits, off, i, out[0])) {
        out[0] = i;
        siftDown(logits, off, out, n);
      }
    }
    return n;
  }

  /** Whether token {@code a} ranks above token {@code b}. */
  static boolean ranksAbove(float[] logits, int off, int a, int b) {
    float la = logits[off + a];
    float lb = logits[off + b];
    return la > lb || (la == lb && a < b);
  }

  // The heap's root is its lowest-ranked token, the one a better newcomer replaces.
  private static void siftUp(float[] logits, int off, int[] heap, int i) {
    int t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!ranksAbove(logits, off, heap[parent], t)) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = t;
  }

  private static void siftDown(float[] logits, int off, int[] heap, int n) {
    int t = heap[0];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && ranksAbove(logits, off, heap[child], heap[child + 1])) {
        child++;
      }
      if (!ranksAbove(logits, off, t, heap[child])) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = t;
  }
}
