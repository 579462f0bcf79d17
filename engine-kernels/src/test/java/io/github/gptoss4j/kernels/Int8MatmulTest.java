package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The INT8 fast path: Q8 repacking and matmuls with activations quantised per 32-block. The rule is
 * transcribed here independently: {@code d = max|x| / 127} (in f32), {@code q = rint(x / d)}.
 *
 * <p>Bounds: against the same quantised activations in double, each block's integer sum is exact and is scaled
 * by one f32 product of the two scales (one rounding), and nb block terms are summed in f32: together within
 * 2·(nb + 3)·u·Σ|w·q·d|. Against the exact f32 product, quantising x moves each element by at most d/2.
 */
class Int8MatmulTest {

  private static final int[] TOKENS = {1, 2, 5};

  @Test
  void q8QuantisationFollowsTheRule() {
    Random rnd = new Random(5);
    int rows = 7;
    int cols = 32 * 5;
    float[] values = new float[rows * cols];
    Bf16Matrix source = TestData.bf16(rnd, rows, cols, values);
    // one all-zero block: scale 0, quants 0
    for (int c = 64; c < 96; c++) {
      source.data().setAtIndex(TestData.BF16, 2L * cols + c, (short) 0);
      values[2 * cols + c] = 0f;
    }
    Q8Matrix q = Q8Matrix.quantize(source, Arena.ofAuto());
    assertEquals((long) rows * cols + 4L * rows * cols / 32, q.byteSize());
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < cols / 32; b++) {
        float amax = 0f;
        for (int i = 0; i < 32; i++) {
          amax = Math.max(amax, Math.abs(values[r * cols + 32 * b + i]));
        }
        float d = q.scales().getAtIndex(TestData.F32, (long) r * (cols / 32) + b);
        assertEquals(amax / 127f, d, "scale of row " + r + " block " + b);
        for (int i = 0; i < 32; i++) {
          float v = values[r * cols + 32 * b + i];
          int quant = q.quants().get(ValueLayout.JAVA_BYTE, (long) r * cols + 32 * b + i);
          assertEquals(d == 0f ? 0 : (int) Math.rint(v / d), quant, "quant of row " + r + " column " + (32 * b + i));
          assertTrue(Math.abs(quant * d - v) <= d / 2 + Math.ulp(v), "round trip within half a step");
        }
      }
    }
    KernelException e = assertThrows(KernelException.class,
        () -> Q8Matrix.quantize(TestData.bf16(rnd, 2, 48, new float[96]), Arena.ofAuto()));
    assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
  }

  @Test
  void malformedQ8InputIsAClearError() {
    Random rnd = new Random(17);
    Bf16Matrix withNaN = TestData.bf16(rnd, 3, 64, new float[3 * 64]);
    withNaN.data().setAtIndex(TestData.BF16, 64 + 5, (short) 0x7FC0);
    KernelException e = assertThrows(KernelException.class, () -> Q8Matrix.quantize(withNaN, Arena.ofAuto()));
    assertTrue(e.getMessage().contains("row 1 column 5") && e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(KernelException.class,
        () -> new Q8Matrix(Arena.ofAuto().allocate(64), Arena.ofAuto().allocate(4), 2, 32));
    assertTrue(e.getMessage().contains("q8 scales matrix 2×32"), e.getMessage());
    e = assertThrows(KernelException.class,
        () -> new Q8Matrix(Arena.ofAuto().allocate(30), Arena.ofAuto().allocate(8), 2, 32));
    assertTrue(e.getMessage().contains("q8 quants matrix 2×32"), e.getMessage());
    e = assertThrows(KernelException.class, () -> KernelProvider.create(Impl.SCALAR, 1, null));
    assertTrue(e.getMessage().contains("precision"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void int8MatmulMatchesTheIntegerRecipeAndTheQuantisationBound(Impl impl) {
    Random rnd = new Random(11);
    for (int[] shape : new int[][] {{5, 32}, {37, 32 * 9}, {3, 32 * 90}}) {
      int rows = shape[0];
      int cols = shape[1];
      float[] w = new float[rows * cols];
      Q8Matrix q8 = Q8Matrix.quantize(TestData.bf16(rnd, rows, cols, new float[rows * cols]), Arena.ofAuto());
      for (WeightMatrix m : new WeightMatrix[] {q8, TestData.mxfp4(rnd, rows, cols, 118, 132, w)}) {
        for (int r = 0; r < rows; r++) {
          Formats.decodeRow(m, r, w, r * cols); // exact: quant · scale
        }
        check(impl, m, w, rnd);
      }
    }
  }

  private static void check(Impl impl, WeightMatrix m, float[] w, Random rnd) {
    int rows = m.rows();
    int cols = m.cols();
    int nb = cols / 32;
    try (Kernels k = KernelProvider.create(impl, 2, Precision.INT8)) {
      assertEquals(Precision.INT8, k.precision());
      for (int tokens : TOKENS) {
        float[] x = TestData.randomFloats(rnd, 3 + tokens * cols);
        float[] bias = TestData.randomFloats(rnd, rows);
        float[] out = new float[tokens * rows];
        k.matmul(m, bias, x, 3, tokens, out, 0);
        for (int t = 0; t < tokens; t++) {
          for (int r = 0; r < rows; r++) {
            double recipe = bias[r];
            double abs = Math.abs(bias[r]);
            double exact = bias[r];
            double quantBound = 0;
            for (int b = 0; b < nb; b++) {
              int base = 3 + t * cols + 32 * b;
              float amax = 0f;
              for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[base + i]));
              }
              float d = amax / 127f;
              for (int i = 0; i < 32; i++) {
                double wi = w[r * cols + 32 * b + i];
                double xq = d == 0f ? 0 : Math.rint(x[base + i] / d) * (double) d;
                recipe += wi * xq;
                abs += Math.abs(wi * xq);
                exact += wi * x[base + i];
                quantBound += Math.abs(wi) * d / 2;
              }
            }
            String what = impl + " " + m.getClass().getSimpleName() + " " + rows + "×" + cols + " token " + t
                + " of " + tokens + " row " + r;
            float actual = out[t * rows + r];
            assertEquals(recipe, actual, 2 * (nb + 3) * TestData.U * abs + Double.MIN_NORMAL, what);
            assertEquals(exact, actual, quantBound * 1.001 + 2 * (nb + 3) * TestData.U * abs, what + " vs exact");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void int8IsBitIdenticalForAnyThreadCountAndLeavesBf16Alone(Impl impl) {
    Random rnd = new Random(9);
    int rows = 301;
    int cols = 32 * 13;
    Bf16Matrix bf16 = TestData.bf16(rnd, rows, cols, new float[rows * cols]);
    WeightMatrix[] ms = {Q8Matrix.quantize(bf16, Arena.ofAuto()), TestData.mxfp4(rnd, rows, cols, 118, 136, new float[rows * cols])};
    float[] x = TestData.randomFloats(rnd, 6 * cols);
    for (WeightMatrix m : ms) {
      for (int tokens : new int[] {1, 6}) {
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
          try (Kernels k = KernelProvider.create(impl, threads, Precision.INT8)) {
            float[] out = new float[tokens * rows];
            k.matmul(m, null, x, 0, tokens, out, 0);
            if (first == null) {
              first = out;
            } else {
              assertArrayEquals(first, out, impl + " " + threads + " threads differ for " + m.getClass());
            }
          }
        }
      }
    }
    try (Kernels exact = KernelProvider.create(impl, 2); Kernels int8 = KernelProvider.create(impl, 2, Precision.INT8)) {
      float[] a = new float[rows];
      float[] b = new float[rows];
      exact.matmul(bf16, null, x, 0, 1, a, 0);
      int8.matmul(bf16, null, x, 0, 1, b, 0);
      assertArrayEquals(a, b, "bf16 weights keep f32 activations under INT8");
    }
  }

  /** Every quant at ±127 (Q8) or ±12 (doubled FP4 6.0): the largest integer sums must not wrap. */
  @ParameterizedTest
  @EnumSource(Impl.class)
  void extremeQuantsDoNotOverflow(Impl impl) {
    int cols = 32 * 4;
    var bf16 = Arena.ofAuto().allocate(2L * cols, 2);
    var blocks = Arena.ofAuto().allocate(cols / 2);
    var scales = Arena.ofAuto().allocate(cols / 32);
    float[] x = new float[cols];
    double expected = 0;
    for (int c = 0; c < cols; c++) {
      float sign = c < 64 ? 1f : -1f; // half the blocks positive, half negative: no cancellation inside a block
      bf16.setAtIndex(TestData.BF16, c, (short) (Float.floatToRawIntBits(sign) >>> 16));
      x[c] = sign * 3f;
      expected += 3;
    }
    blocks.fill((byte) 0x77); // code 7 = 6.0 in both nibbles
    scales.fill((byte) 127);
    Q8Matrix q8 = Q8Matrix.quantize(new Bf16Matrix(bf16, 1, cols), Arena.ofAuto());
    Mxfp4Matrix mx = new Mxfp4Matrix(blocks, scales, 1, cols);
    try (Kernels k = KernelProvider.create(impl, 1, Precision.INT8)) {
      float[] out = new float[1];
      k.matmul(q8, null, x, 0, 1, out, 0);
      assertEquals(expected, out[0], 1e-4 * expected, "Q8 sum of 128 products of 127·127");
      float[] threes = new float[cols];
      java.util.Arrays.fill(threes, 3f);
      k.matmul(mx, null, threes, 0, 1, out, 0);
      assertEquals(cols * 6.0 * 3, out[0], 1e-4 * cols * 18, "MXFP4 sum of 128 products of 12·127");
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void q8WeightsWithExactKernelsUseF32Activations(Impl impl) {
    Random rnd = new Random(13);
    int rows = 9;
    int cols = 32 * 7;
    float[] w = new float[rows * cols];
    Q8Matrix m = Q8Matrix.quantize(TestData.bf16(rnd, rows, cols, new float[rows * cols]), Arena.ofAuto());
    for (int r = 0; r < rows; r++) {
      Formats.decodeRow(m, r, w, r * cols);
    }
    try (Kernels k = KernelProvider.create(impl, 2)) {
      for (int tokens : TOKENS) {
        float[] x = TestData.randomFloats(rnd, tokens * cols);
        float[] out = new float[tokens * rows];
        k.matmul(m, null, x, 0, tokens, out, 0);
        double[] expected = new double[tokens * rows];
        double[] abs = new double[tokens * rows];
        for (int t = 0; t < tokens; t++) {
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              double p = (double) w[r * cols + c] * x[t * cols + c];
              expected[t * rows + r] += p;
              abs[t * rows + r] += Math.abs(p);
            }
          }
        }
        TestData.assertDot(expected, abs, out, cols + 2, 2, impl + " exact Q8 tokens " + tokens);
      }
    }
  }
}
