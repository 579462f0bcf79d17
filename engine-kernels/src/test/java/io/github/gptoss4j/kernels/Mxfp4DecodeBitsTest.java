package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector one-token MXFP4 matvec, bit for bit, against a scalar transcription of its lane recipe with the
 * FP4 values converted as they are (doubled, ×2^(e−128)): the kernel converts them ×2^16 with the scale
 * ×2^−16 and must not change a single result, for every scale byte, for subnormal activations, and for
 * activations so large that only the ×2^16 lanes overflow.
 */
class Mxfp4DecodeBitsTest {

  private static final int BLOCK = 32;

  @Test
  void everyScaleByteOddRowCountsAndThreadCountsGiveTheUnscaledBits() {
    Random rnd = new Random(17);
    for (int[] shape : new int[][] {{1, 32}, {7, 32 * 3}, {37, 32 * 90}, {301, 32 * 13}}) {
      int rows = shape[0];
      int cols = shape[1];
      // scale bytes cycle through 0…255, so every row count sees each of them, 0…17 and 254/255 included
      Mxfp4Matrix m = matrix(rnd, rows, cols, i -> i % 256);
      check(m, activations(rnd, cols, 1f), rnd, "every scale byte " + rows + "×" + cols);
      Mxfp4Matrix real = matrix(rnd, rows, cols, i -> 112 + rnd.nextInt(20));
      check(real, activations(rnd, cols, 1f), rnd, "checkpoint-like scales " + rows + "×" + cols);
    }
  }

  @Test
  void subnormalActivationsGiveTheUnscaledBits() {
    Random rnd = new Random(18);
    int rows = 19;
    int cols = 32 * 20;
    float[] x = activations(rnd, cols, 1f);
    for (int i = 0; i < cols; i += 2) {
      // subnormals and the smallest normals: the unscaled recipe's products and sums land below 2^−126
      x[i] = Float.intBitsToFloat(rnd.nextInt(1 << 24)) * (rnd.nextBoolean() ? 1 : -1);
    }
    check(matrix(rnd, rows, cols, i -> rnd.nextInt(40)), x, rnd, "subnormal activations, small scales");
    check(matrix(rnd, rows, cols, i -> 112 + rnd.nextInt(20)), x, rnd, "subnormal activations");
  }

  @Test
  void rowsWhoseScaledLanesOverflowAreRedoneUnscaled() {
    Random rnd = new Random(19);
    int rows = 11;
    int cols = 32 * 9;
    // |x·w| ≤ 2^112·12 is finite, ·2^16 is not; with scales 2^(e−127) ≤ 2^−60 every output is finite
    float[] x = activations(rnd, cols, 0x1p110f);
    Mxfp4Matrix m = matrix(rnd, rows, cols, i -> 20 + rnd.nextInt(40));
    float[] out = check(m, x, rnd, "huge activations");
    for (float v : out) {
      assertTrue(Float.isFinite(v), "huge activations: " + v);
    }
    float[] special = activations(rnd, cols, 1f);
    special[5] = Float.NaN;
    special[40] = Float.POSITIVE_INFINITY;
    special[41] = Float.NEGATIVE_INFINITY;
    check(m, special, rnd, "NaN and infinite activations");
  }

  /** Checks the matvec (1–3 threads) and matvecs of {@code x} against {@link #reference}; returns the outputs. */
  private static float[] check(Mxfp4Matrix m, float[] x, Random rnd, String what) {
    int rows = m.rows();
    float[] bias = TestData.randomFloats(rnd, rows);
    float[] expected = new float[rows];
    for (int r = 0; r < rows; r++) {
      expected[r] = reference(m, r, x, bias[r]);
    }
    float[] out = new float[rows];
    for (int threads = 1; threads <= 3; threads++) {
      try (Kernels k = KernelProvider.create(Impl.VECTOR, threads)) {
        k.matmul(m, bias, x, 0, 1, out, 0);
        String when = what + ", " + threads + " threads";
        assertBits(expected, out, 0, when);
        float[] xs = new float[3 * m.cols()];
        for (int v = 0; v < 3; v++) {
          System.arraycopy(x, 0, xs, v * m.cols(), m.cols());
        }
        float[] outs = new float[3 * rows];
        k.matvecs(m, bias, xs, 0, 3, outs, 0);
        for (int v = 0; v < 3; v++) {
          assertBits(expected, outs, v * rows, when + ", matvecs vector " + v);
        }
      }
    }
    return out;
  }

  /** Equal bits, all NaNs counting as one (a NaN's payload depends on whether the code ran compiled). */
  private static void assertBits(float[] expected, float[] actual, int off, String what) {
    for (int r = 0; r < expected.length; r++) {
      if (Float.floatToIntBits(expected[r]) != Float.floatToIntBits(actual[off + r])) {
        throw new AssertionError(what + ": row " + r + " expected " + expected[r] + ", got " + actual[off + r]);
      }
    }
  }

  /**
   * Row {@code r} as the vector kernel's lanes compute it, unscaled: lane k of block b takes columns 4k, 4k+2,
   * 4k+1, 4k+3 (one multiply, three FMAs with the doubled FP4 values), then one FMA with 2^(e−128) into the
   * even- or odd-block accumulator; the two accumulators are added, the 8 lanes summed in a fixed tree.
   */
  private static float reference(Mxfp4Matrix m, int r, float[] x, float bias) {
    int nb = m.cols() / BLOCK;
    float[][] acc = new float[2][8];
    for (int b = 0; b < nb; b++) {
      int e = m.scales().get(ValueLayout.JAVA_BYTE, (long) r * nb + b) & 0xFF;
      float scale = Math.scalb(1f, e - 128);
      for (int k = 0; k < 8; k++) {
        int c = BLOCK * b + 4 * k;
        float sum = w2(m, r, c) * x[c];
        sum = Math.fma(w2(m, r, c + 2), x[c + 2], sum);
        sum = Math.fma(w2(m, r, c + 1), x[c + 1], sum);
        sum = Math.fma(w2(m, r, c + 3), x[c + 3], sum);
        acc[b & 1][k] = Math.fma(sum, scale, acc[b & 1][k]);
      }
    }
    float[] l = new float[8];
    for (int k = 0; k < 8; k++) {
      l[k] = acc[0][k] + acc[1][k];
    }
    return (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + bias;
  }

  /** Doubled FP4 value (an integer −12…12) of row r, column c. */
  private static float w2(Mxfp4Matrix m, int r, int c) {
    int packed = m.blocks().get(ValueLayout.JAVA_BYTE, ((long) r * m.cols() + c) / 2) & 0xFF;
    return (float) (2 * TestData.fp4((c & 1) == 0 ? packed & 0xF : packed >>> 4));
  }

  interface ScaleByte {
    int of(int block);
  }

  private static Mxfp4Matrix matrix(Random rnd, int rows, int cols, ScaleByte scale) {
    int blocks = rows * cols / BLOCK;
    MemorySegment codes = Arena.ofAuto().allocate(16L * blocks);
    MemorySegment scales = Arena.ofAuto().allocate(blocks);
    for (int i = 0; i < blocks; i++) {
      scales.set(ValueLayout.JAVA_BYTE, i, (byte) scale.of(i));
    }
    for (long i = 0; i < codes.byteSize(); i++) {
      codes.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
    }
    return new Mxfp4Matrix(codes, scales, rows, cols);
  }

  /** Gaussian activations times {@code scale}, 2 % of them ×8 (outliers, as after an RMSNorm). */
  private static float[] activations(Random rnd, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian() * scale * (rnd.nextInt(50) == 0 ? 8 : 1);
    }
    return x;
  }
}
