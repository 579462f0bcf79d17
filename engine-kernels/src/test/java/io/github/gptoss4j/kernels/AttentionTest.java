package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attention against a direct transcription of the reference {@code sdpa} (gpt_oss/torch/model.py) in double:
 * scores {@code QK·scale} with a causal mask and, with a window w, also masking keys at or before
 * {@code q − w}; the sink logit appended as one more column; softmax; the sink column dropped; weights × V.
 *
 * <p>Tolerance: a score is a headDim-term dot product (error ≤ d·u·Σ|q·k|·scale), which changes its softmax
 * weight by about that relative amount; the softmax sum and the weighted sum of n values add n·u each. So
 * {@code |Δ| ≤ 4·u·(d·S + n + 4)·max|v|} with S the largest Σ|q·k|·scale of that query.
 */
class AttentionTest {

  private static final int HEADS = 6;
  private static final int KV_HEADS = 2;
  private static final int HEAD_DIM = 19;
  private static final int SEQ = 23;

  @ParameterizedTest
  @EnumSource(Impl.class)
  void decodeAndBlocksMatchReference(Impl impl) {
    for (KvType type : KvType.values()) {
      for (int window : new int[] {0, 5}) {
        for (boolean withSinks : new boolean[] {false, true}) {
          run(impl, type, window, withSinks);
        }
      }
    }
  }

  private static void run(Impl impl, KvType type, int window, boolean withSinks) {
    Random rnd = new Random(window * 7 + (withSinks ? 1 : 0) + type.ordinal() * 100);
    int width = HEADS * HEAD_DIM;
    int kvWidth = KV_HEADS * HEAD_DIM;
    float[] q = TestData.randomFloats(rnd, SEQ * width);
    float[] kRaw = TestData.randomFloats(rnd, SEQ * kvWidth);
    float[] vRaw = TestData.randomFloats(rnd, SEQ * kvWidth);
    float[] sinks = withSinks ? TestData.randomFloats(rnd, HEADS) : null;
    float scale = (float) (1 / Math.sqrt(HEAD_DIM));
    AttentionShape shape = new AttentionShape(HEADS, KV_HEADS, HEAD_DIM, scale, window);
    float[] kStored = new float[kRaw.length];
    float[] vStored = new float[vRaw.length];
    KvBuffer kv = new KvBuffer(TestData.kvSegment(type, kRaw, kStored), TestData.kvSegment(type, vRaw, vStored),
        type, SEQ);
    double[][] expected = reference(q, kStored, vStored, sinks, scale, window);
    double[] bounds = bounds(q, kStored, vStored, scale, window);
    try (Kernels k = KernelProvider.create(impl, 2)) {
      // decode: one query at a time
      for (int p = 0; p < SEQ; p++) {
        float[] out = new float[width];
        k.attention(shape, q, p * width, 1, p, kv, sinks, out, 0);
        compare(expected, bounds, out, p, 1, impl + " " + type + " window " + window + " decode");
      }
      // blocks: a prefill of 9 then the rest
      float[] out = new float[SEQ * width + 4];
      k.attention(shape, q, 0, 9, 0, kv, sinks, out, 4);
      k.attention(shape, q, 9 * width, SEQ - 9, 9, kv, sinks, out, 4 + 9 * width);
      float[] shifted = java.util.Arrays.copyOfRange(out, 4, out.length);
      compare(expected, bounds, shifted, 0, SEQ, impl + " " + type + " window " + window + " blocks");

      if (window > 0) {
        // a ring buffer of exactly `window` rows holds everything a windowed query needs
        float[] kRing = new float[window * kvWidth];
        float[] vRing = new float[window * kvWidth];
        for (int p = 0; p < SEQ; p++) {
          System.arraycopy(kRaw, p * kvWidth, kRing, (p % window) * kvWidth, kvWidth);
          System.arraycopy(vRaw, p * kvWidth, vRing, (p % window) * kvWidth, kvWidth);
          KvBuffer ring = new KvBuffer(TestData.kvSegment(type, kRing, new float[kRing.length]),
              TestData.kvSegment(type, vRing, new float[vRing.length]), type, window);
          float[] o = new float[width];
          k.attention(shape, q, p * width, 1, p, ring, sinks, o, 0);
          compare(expected, bounds, o, p, 1, impl + " ring buffer");
        }
      }
    }
  }

  /** The reference formula over the whole sequence: [position][head·headDim]. */
  private static double[][] reference(float[] q, float[] k, float[] v, float[] sinks, float scale, int window) {
    int width = HEADS * HEAD_DIM;
    int kvWidth = KV_HEADS * HEAD_DIM;
    int qMult = HEADS / KV_HEADS;
    double[][] out = new double[SEQ][width];
    for (int h = 0; h < HEADS; h++) {
      int kh = h / qMult;
      for (int qi = 0; qi < SEQ; qi++) {
        double[] logits = new double[SEQ + 1];
        for (int ki = 0; ki < SEQ; ki++) {
          double dot = 0;
          for (int d = 0; d < HEAD_DIM; d++) {
            dot += (double) q[qi * width + h * HEAD_DIM + d] * k[ki * kvWidth + kh * HEAD_DIM + d];
          }
          boolean masked = ki > qi || (window > 0 && ki <= qi - window);
          logits[ki] = masked ? Double.NEGATIVE_INFINITY : dot * scale;
        }
        logits[SEQ] = sinks == null ? Double.NEGATIVE_INFINITY : sinks[h];
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
          max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
          sum += Math.exp(l - max);
        }
        for (int ki = 0; ki < SEQ; ki++) {
          double w = Math.exp(logits[ki] - max) / sum;
          for (int d = 0; d < HEAD_DIM; d++) {
            out[qi][h * HEAD_DIM + d] += w * v[ki * kvWidth + kh * HEAD_DIM + d];
          }
        }
      }
    }
    return out;
  }

  private static double[] bounds(float[] q, float[] k, float[] v, float scale, int window) {
    double maxV = 0;
    for (float x : v) {
      maxV = Math.max(maxV, Math.abs(x));
    }
    int width = HEADS * HEAD_DIM;
    int kvWidth = KV_HEADS * HEAD_DIM;
    double[] b = new double[SEQ];
    for (int qi = 0; qi < SEQ; qi++) {
      double s = 0;
      for (int h = 0; h < HEADS; h++) {
        for (int ki = 0; ki <= qi; ki++) {
          double a = 0;
          for (int d = 0; d < HEAD_DIM; d++) {
            a += Math.abs((double) q[qi * width + h * HEAD_DIM + d] * k[ki * kvWidth + (h / 3) * HEAD_DIM + d]);
          }
          s = Math.max(s, a * scale);
        }
      }
      int n = window == 0 ? qi + 1 : Math.min(window, qi + 1);
      b[qi] = 4 * TestData.U * (HEAD_DIM * s + n + 4) * maxV;
    }
    return b;
  }

  private static void compare(double[][] expected, double[] bounds, float[] out, int p0, int tokens, String what) {
    int width = HEADS * HEAD_DIM;
    for (int t = 0; t < tokens; t++) {
      for (int i = 0; i < width; i++) {
        double e = expected[p0 + t][i];
        double d = Math.abs(out[t * width + i] - e);
        if (!(d <= bounds[p0 + t])) {
          throw new AssertionError(what + ": position " + (p0 + t) + " element " + i + " is " + out[t * width + i]
              + ", expected " + e + " ± " + bounds[p0 + t]);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void bitIdenticalForAnyThreadCount(Impl impl) {
    Random rnd = new Random(11);
    int width = HEADS * HEAD_DIM;
    int kvWidth = KV_HEADS * HEAD_DIM;
    float[] q = TestData.randomFloats(rnd, SEQ * width);
    float[] kRaw = TestData.randomFloats(rnd, SEQ * kvWidth);
    KvBuffer kv = new KvBuffer(TestData.kvSegment(KvType.BF16, kRaw, new float[kRaw.length]),
        TestData.kvSegment(KvType.BF16, TestData.randomFloats(rnd, kRaw.length), new float[kRaw.length]),
        KvType.BF16, SEQ);
    AttentionShape shape = new AttentionShape(HEADS, KV_HEADS, HEAD_DIM, 0.25f, 0);
    float[] sinks = TestData.randomFloats(rnd, HEADS);
    float[] first = null;
    for (int threads = 1; threads <= 3; threads++) {
      try (Kernels k = KernelProvider.create(impl, threads)) {
        float[] out = new float[SEQ * width];
        k.attention(shape, q, 0, SEQ, 0, kv, sinks, out, 0);
        if (first == null) {
          first = out;
        } else {
          assertArrayEquals(first, out, threads + " threads");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void rejectsKeysThatTheBufferNoLongerHolds(Impl impl) {
    int kvWidth = KV_HEADS * HEAD_DIM;
    float[] kv4 = new float[4 * kvWidth];
    KvBuffer kv = new KvBuffer(TestData.kvSegment(KvType.F32, kv4, new float[kv4.length]),
        TestData.kvSegment(KvType.F32, kv4, new float[kv4.length]), KvType.F32, 4);
    AttentionShape shape = new AttentionShape(HEADS, KV_HEADS, HEAD_DIM, 0.25f, 0);
    try (Kernels k = KernelProvider.create(impl, 1)) {
      float[] q = new float[HEADS * HEAD_DIM];
      KernelException e = assertThrows(KernelException.class,
          () -> k.attention(shape, q, 0, 1, 4, kv, null, new float[q.length], 0));
      assertTrue(e.getMessage().contains("holds only 4"), e.getMessage());
    }
  }
}
