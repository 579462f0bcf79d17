package io.github.gptoss4j.kernels;

import io.github.gptoss4j.KvType;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels against the scalar reference on the same random data. Each side's sum of n products is
 * within n·u·Σ|w·x| of the exact value in any summation order, so they differ by at most 2·n·u·Σ|w·x|
 * (plus the bias rounding: we use n + 2).
 */
class VectorVsScalarTest {

  @Test
  void matmulAgreesForEveryFormatAndOddSizes() {
    Random rnd = new Random(42);
    try (Kernels vector = KernelProvider.create(Impl.VECTOR, 2);
        Kernels scalar = KernelProvider.create(Impl.SCALAR, 2)) {
      for (int[] shape : new int[][] {{13, 32}, {29, 32 * 3}, {7, 32 * 45 + 17}, {33, 75}}) {
        int rows = shape[0];
        int cols = shape[1];
        float[] w = new float[rows * cols];
        WeightMatrix[] ms = cols % 32 == 0
            ? new WeightMatrix[] {TestData.bf16(rnd, rows, cols, w), TestData.mxfp4(rnd, rows, cols, 119, 131, w)}
            : new WeightMatrix[] {TestData.bf16(rnd, rows, cols, w), TestData.f32(rnd, rows, cols, w)};
        for (WeightMatrix m : ms) {
          float[] values = new float[rows * cols];
          for (int r = 0; r < rows; r++) {
            Formats.decodeRow(m, r, values, r * cols);
          }
          for (int tokens : new int[] {1, 3}) {
            float[] x = TestData.randomFloats(rnd, tokens * cols);
            float[] bias = TestData.randomFloats(rnd, rows);
            float[] a = new float[tokens * rows];
            float[] b = new float[tokens * rows];
            vector.matmul(m, bias, x, 0, tokens, a, 0);
            scalar.matmul(m, bias, x, 0, tokens, b, 0);
            for (int t = 0; t < tokens; t++) {
              for (int r = 0; r < rows; r++) {
                double abs = Math.abs(bias[r]);
                for (int c = 0; c < cols; c++) {
                  abs += Math.abs((double) values[r * cols + c] * x[t * cols + c]);
                }
                double bound = 2 * (cols + 2) * TestData.U * abs;
                assertEquals(b[t * rows + r], a[t * rows + r], bound,
                    m.getClass().getSimpleName() + " " + rows + "×" + cols + " token " + t + " row " + r);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void vectorExpIsWithinFourUlpsOfMathExp() {
    float[] xs = new float[8];
    float[] ys = new float[8];
    for (float x = -87f; x <= 0f; x += 0.0137f) {
      java.util.Arrays.fill(xs, x);
      VectorExp.exp(jdk.incubator.vector.FloatVector.fromArray(VectorKernels.F, xs, 0)).intoArray(ys, 0);
      double e = Math.exp(x);
      assertEquals(e, ys[0], 4 * Math.ulp((float) e), "exp(" + x + ")");
    }
  }

  @Test
  void attentionAgrees() {
    Random rnd = new Random(43);
    int heads = 8;
    int kvHeads = 2;
    int headDim = 64 + 3;
    int seq = 40;
    AttentionShape shape = new AttentionShape(heads, kvHeads, headDim, 0.125f, 16);
    for (KvType type : KvType.values()) {
      float[] k = TestData.randomFloats(rnd, seq * kvHeads * headDim);
      float[] v = TestData.randomFloats(rnd, seq * kvHeads * headDim);
      KvBuffer kv = new KvBuffer(TestData.kvSegment(type, k, new float[k.length], kvHeads, headDim),
          TestData.kvSegment(type, v, new float[v.length], kvHeads, headDim), type, seq);
      float[] q = TestData.randomFloats(rnd, seq * heads * headDim);
      float[] sinks = TestData.randomFloats(rnd, heads);
      float[] a = new float[q.length];
      float[] b = new float[q.length];
      try (Kernels vector = KernelProvider.create(Impl.VECTOR, 2);
          Kernels scalar = KernelProvider.create(Impl.SCALAR, 1)) {
        vector.attention(shape, q, 0, seq, 0, kv, sinks, a, 0);
        scalar.attention(shape, q, 0, seq, 0, kv, sinks, b, 0);
      }
      // each side is within 4·u·(d·S + n + 4)·max|v| of the exact result (see AttentionTest), so twice that
      double maxS = 0;
      double maxV = 0;
      for (float x : v) {
        maxV = Math.max(maxV, Math.abs(x));
      }
      for (int t = 0; t < seq; t++) {
        for (int h = 0; h < heads; h++) {
          for (int j = 0; j <= t; j++) {
            double sum = 0;
            for (int i = 0; i < headDim; i++) {
              sum += Math.abs((double) q[(t * heads + h) * headDim + i] * k[(j * kvHeads + h / 4) * headDim + i]);
            }
            maxS = Math.max(maxS, sum * 0.125);
          }
        }
      }
      double bound = 8 * TestData.U * (headDim * maxS + 16 + 4) * maxV;
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], bound, type + " element " + i);
      }
    }
  }
}
