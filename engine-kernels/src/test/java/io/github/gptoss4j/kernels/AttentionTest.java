package io.github.gptoss4j.kernels;

import io.github.gptoss4j.KvType;

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
 *
 * <p>The shapes cover both vector paths: a head size that is not a multiple of 8 (scalar fallback), the
 * gpt-oss group of 8 query heads per KV head with head size 64 and more than one 64-key block, a group of 3
 * (one partly empty tile of 8 heads) and a group of 10 (a full tile and a partial one).
 */
class AttentionTest {

  /** Heads, KV heads, head size and sequence length of one test case. */
  private record Dims(int heads, int kvHeads, int headDim, int seq) {
    int width() {
      return heads * headDim;
    }

    int kvWidth() {
      return kvHeads * headDim;
    }

    int group() {
      return heads / kvHeads;
    }
  }

  private static final Dims ODD = new Dims(6, 2, 19, 23);
  /**
   * Head sizes 19 and 8 run the scalar fallback of the vector kernels, 16, 32 and 64 the vector path; 300
   * positions span two 256-key blocks of its value pass.
   */
  private static final Dims[] DIMS = {
    ODD, new Dims(16, 2, 64, 100), new Dims(6, 2, 16, 23), new Dims(20, 2, 8, 40), new Dims(12, 3, 32, 300)
  };

  @ParameterizedTest
  @EnumSource(Impl.class)
  void decodeAndBlocksMatchReference(Impl impl) {
    for (Dims dims : DIMS) {
      for (KvType type : KvType.values()) {
        for (int window : new int[] {0, 5, 70}) {
          for (boolean withSinks : new boolean[] {false, true}) {
            run(impl, dims, type, window, withSinks);
          }
        }
      }
    }
  }

  private static void run(Impl impl, Dims dims, KvType type, int window, boolean withSinks) {
    Random rnd = new Random(window * 7 + (withSinks ? 1 : 0) + type.ordinal() * 100 + dims.headDim() * 1000);
    int seq = dims.seq();
    int width = dims.width();
    int kvWidth = dims.kvWidth();
    float[] q = TestData.randomFloats(rnd, seq * width);
    float[] kRaw = TestData.randomFloats(rnd, seq * kvWidth);
    float[] vRaw = TestData.randomFloats(rnd, seq * kvWidth);
    float[] sinks = withSinks ? TestData.randomFloats(rnd, dims.heads()) : null;
    float scale = (float) (1 / Math.sqrt(dims.headDim()));
    AttentionShape shape = new AttentionShape(dims.heads(), dims.kvHeads(), dims.headDim(), scale, window);
    float[] kStored = new float[kRaw.length];
    float[] vStored = new float[vRaw.length];
    int kvHeads = dims.kvHeads();
    int headDim = dims.headDim();
    KvBuffer kv = new KvBuffer(TestData.kvSegment(type, kRaw, kStored, kvHeads, headDim),
        TestData.kvSegment(type, vRaw, vStored, kvHeads, headDim), type, seq);
    double[][] expected = reference(dims, q, kStored, vStored, sinks, scale, window);
    double[] bounds = bounds(dims, q, kStored, vStored, scale, window);
    String what = impl + " " + dims + " " + type + " window " + window + " sinks " + withSinks;
    try (Kernels k = KernelProvider.create(impl, 2)) {
      // decode: one query at a time
      for (int p = 0; p < seq; p++) {
        float[] out = new float[width];
        k.attention(shape, q, p * width, 1, p, kv, sinks, out, 0);
        compare(dims, expected, bounds, out, p, 1, what + " decode");
      }
      // blocks: a prefill of 9 then the rest
      float[] out = new float[seq * width + 4];
      k.attention(shape, q, 0, 9, 0, kv, sinks, out, 4);
      k.attention(shape, q, 9 * width, seq - 9, 9, kv, sinks, out, 4 + 9 * width);
      float[] shifted = java.util.Arrays.copyOfRange(out, 4, out.length);
      compare(dims, expected, bounds, shifted, 0, seq, what + " blocks");

      if (window > 0 && window < seq) {
        // a ring buffer of exactly `window` rows holds everything a windowed query needs; the visible keys wrap
        // around its end for most positions
        float[] kRing = new float[window * kvWidth];
        float[] vRing = new float[window * kvWidth];
        for (int p = 0; p < seq; p++) {
          System.arraycopy(kRaw, p * kvWidth, kRing, (p % window) * kvWidth, kvWidth);
          System.arraycopy(vRaw, p * kvWidth, vRing, (p % window) * kvWidth, kvWidth);
          KvBuffer ring = new KvBuffer(TestData.kvSegment(type, kRing, new float[kRing.length], kvHeads, headDim),
              TestData.kvSegment(type, vRing, new float[vRing.length], kvHeads, headDim), type, window);
          float[] o = new float[width];
          k.attention(shape, q, p * width, 1, p, ring, sinks, o, 0);
          compare(dims, expected, bounds, o, p, 1, what + " ring buffer");
        }
      }
    }
  }

  /** The reference formula over the whole sequence: [position][head·headDim]. */
  private static double[][] reference(
      Dims dims, float[] q, float[] k, float[] v, float[] sinks, float scale, int window) {
    int seq = dims.seq();
    int d = dims.headDim();
    int width = dims.width();
    int kvWidth = dims.kvWidth();
    double[][] out = new double[seq][width];
    for (int h = 0; h < dims.heads(); h++) {
      int kh = h / dims.group();
      for (int qi = 0; qi < seq; qi++) {
        double[] logits = new double[seq + 1];
        for (int ki = 0; ki < seq; ki++) {
          double dot = 0;
          for (int i = 0; i < d; i++) {
            dot += (double) q[qi * width + h * d + i] * k[ki * kvWidth + kh * d + i];
          }
          boolean masked = ki > qi || (window > 0 && ki <= qi - window);
          logits[ki] = masked ? Double.NEGATIVE_INFINITY : dot * scale;
        }
        logits[seq] = sinks == null ? Double.NEGATIVE_INFINITY : sinks[h];
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
          max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
          sum += Math.exp(l - max);
        }
        for (int ki = 0; ki < seq; ki++) {
          double w = Math.exp(logits[ki] - max) / sum;
          for (int i = 0; i < d; i++) {
            out[qi][h * d + i] += w * v[ki * kvWidth + kh * d + i];
          }
        }
      }
    }
    return out;
  }

  private static double[] bounds(Dims dims, float[] q, float[] k, float[] v, float scale, int window) {
    double maxV = 0;
    for (float x : v) {
      maxV = Math.max(maxV, Math.abs(x));
    }
    int d = dims.headDim();
    int width = dims.width();
    int kvWidth = dims.kvWidth();
    double[] b = new double[dims.seq()];
    for (int qi = 0; qi < dims.seq(); qi++) {
      double s = 0;
      for (int h = 0; h < dims.heads(); h++) {
        for (int ki = 0; ki <= qi; ki++) {
          double a = 0;
          for (int i = 0; i < d; i++) {
            a += Math.abs((double) q[qi * width + h * d + i] * k[ki * kvWidth + (h / dims.group()) * d + i]);
          }
          s = Math.max(s, a * scale);
        }
      }
      int n = window == 0 ? qi + 1 : Math.min(window, qi + 1);
      b[qi] = 4 * TestData.U * (d * s + n + 4) * maxV;
    }
    return b;
  }

  private static void compare(
      Dims dims, double[][] expected, double[] bounds, float[] out, int p0, int tokens, String what) {
    int width = dims.width();
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
    for (Dims dims : DIMS) {
      Random rnd = new Random(11);
      int seq = dims.seq();
      int width = dims.width();
      int kvWidth = dims.kvWidth();
      float[] q = TestData.randomFloats(rnd, seq * width);
      float[] kRaw = TestData.randomFloats(rnd, seq * kvWidth);
      float[] vRaw = TestData.randomFloats(rnd, kRaw.length);
      KvBuffer kv = new KvBuffer(
          TestData.kvSegment(KvType.BF16, kRaw, new float[kRaw.length], dims.kvHeads(), dims.headDim()),
          TestData.kvSegment(KvType.BF16, vRaw, new float[kRaw.length], dims.kvHeads(), dims.headDim()),
          KvType.BF16, seq);
      AttentionShape shape = new AttentionShape(dims.heads(), dims.kvHeads(), dims.headDim(), 0.25f, 0);
      float[] sinks = TestData.randomFloats(rnd, dims.heads());
      float[] first = null;
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels k = KernelProvider.create(impl, threads)) {
          float[] out = new float[seq * width];
          k.attention(shape, q, 0, seq, 0, kv, sinks, out, 0);
          if (first == null) {
            first = out;
          } else {
            assertArrayEquals(first, out, dims + ", " + threads + " threads");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void rejectsKeysThatTheBufferNoLongerHolds(Impl impl) {
    int kvWidth = ODD.kvWidth();
    float[] kv4 = new float[4 * kvWidth];
    KvBuffer kv = new KvBuffer(TestData.kvSegment(KvType.F32, kv4, new float[kv4.length], ODD.kvHeads(), ODD.headDim()),
        TestData.kvSegment(KvType.F32, kv4, new float[kv4.length], ODD.kvHeads(), ODD.headDim()), KvType.F32, 4);
    AttentionShape shape = new AttentionShape(ODD.heads(), ODD.kvHeads(), ODD.headDim(), 0.25f, 0);
    try (Kernels k = KernelProvider.create(impl, 1)) {
      float[] q = new float[ODD.width()];
      KernelException e = assertThrows(KernelException.class,
          () -> k.attention(shape, q, 0, 1, 4, kv, null, new float[q.length], 0));
      assertTrue(e.getMessage().contains("holds only 4"), e.getMessage());
    }
  }
}
