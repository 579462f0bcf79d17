package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Matmul of every weight format against a double-precision reference. Both sides see the same weights, so
 * the only difference is f32 rounding of the sums: a sum of n products in f32, in any order, is within
 * n·u·Σ|w·x| of the exact value (Higham, γ_n), plus one rounding for the bias; we allow 2·(n+2)·u·Σ|w·x|.
 */
class MatmulTest {

  /** Shapes with column counts that are not multiples of 8, 16 or 64 lanes. */
  private static final int[][] SHAPES = {{1, 1}, {3, 7}, {37, 45}, {70, 131}, {9, 1000}};

  interface Maker {
    WeightMatrix make(Random rnd, int rows, int cols, float[] values);
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void bf16MatchesReference(Impl impl) {
    for (int[] s : SHAPES) {
      check(impl, s[0], s[1], TestData::bf16);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void f32MatchesReference(Impl impl) {
    for (int[] s : SHAPES) {
      check(impl, s[0], s[1], TestData::f32);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void mxfp4OneBlockAndManyBlocksMatchReference(Impl impl) {
    Maker m = (rnd, rows, cols, values) -> TestData.mxfp4(rnd, rows, cols, 120, 130, values);
    check(impl, 5, 32, m);
    check(impl, 37, 32 * 9, m);
    check(impl, 3, 32 * 90, m);
    check(impl, 6, 32 * 40, m); // whole row groups of 4 and a tail of 2
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void aTokensResultDoesNotDependOnTheOtherTokensOfTheCall(Impl impl) {
    // prefill tiles take 4 rows × 2 tokens and the rest one by one: each (row, token) must still
    // be the same sum, so a prompt gives the same logits whether it arrives in one call or in pieces
    Random rnd = new Random(11);
    int rows = 9;
    int cols = 32 * 40 + 5;
    WeightMatrix[] ms = {
      TestData.bf16(rnd, rows, cols, new float[rows * cols]),
      TestData.mxfp4(rnd, rows, cols - 5, 118, 136, new float[rows * (cols - 5)])
    };
    for (WeightMatrix m : ms) {
      float[] x = TestData.randomFloats(rnd, 7 * m.cols());
      try (Kernels k = KernelProvider.create(impl, 2)) {
        float[] two = new float[2 * rows];
        k.matmul(m, null, x, 0, 2, two, 0);
        for (int tokens = 3; tokens <= 7; tokens++) {
          float[] out = new float[tokens * rows];
          k.matmul(m, null, x, 0, tokens, out, 0);
          assertArrayEquals(two, Arrays.copyOf(out, 2 * rows), impl + " " + m.getClass() + " " + tokens);
          float[] last = new float[2 * rows];
          k.matmul(m, null, x, (tokens - 2) * m.cols(), 2, last, 0);
          assertArrayEquals(last, Arrays.copyOfRange(out, (tokens - 2) * rows, tokens * rows),
              impl + " " + m.getClass() + " last two of " + tokens);
        }
      }
    }
  }

  private static void check(Impl impl, int rows, int cols, Maker maker) {
    Random rnd = new Random(rows * 31L + cols);
    float[] w = new float[rows * cols];
    WeightMatrix m = maker.make(rnd, rows, cols, w);
    float[] bias = TestData.randomFloats(rnd, rows);
    try (Kernels k = KernelProvider.create(impl, 2)) {
      for (int tokens : new int[] {1, 2, 5, 17}) {
        int xOff = 3;
        int outOff = 5;
        float[] x = TestData.randomFloats(rnd, xOff + tokens * cols);
        float[] out = new float[outOff + tokens * rows];
        k.matmul(m, tokens % 2 == 0 ? null : bias, x, xOff, tokens, out, outOff);
        double[] expected = new double[tokens * rows];
        double[] abs = new double[tokens * rows];
        for (int t = 0; t < tokens; t++) {
          for (int r = 0; r < rows; r++) {
            double sum = tokens % 2 == 0 ? 0 : bias[r];
            double a = Math.abs(sum);
            for (int c = 0; c < cols; c++) {
              double p = (double) w[r * cols + c] * x[xOff + t * cols + c];
              sum += p;
              a += Math.abs(p);
            }
            expected[t * rows + r] = sum;
            abs[t * rows + r] = a;
          }
        }
        float[] actual = Arrays.copyOfRange(out, outOff, out.length);
        TestData.assertDot(expected, abs, actual, cols + 2, 2, impl + " " + m + " tokens " + tokens);
        assertEquals(0f, out[outOff - 1], "matmul wrote before its output offset");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void resultsAreBitIdenticalForAnyThreadCount(Impl impl) {
    Random rnd = new Random(7);
    int rows = 301;
    int cols = 32 * 13;
    WeightMatrix[] ms = {
      TestData.bf16(rnd, rows, cols, new float[rows * cols]),
      TestData.f32(rnd, rows, cols, new float[rows * cols]),
      TestData.mxfp4(rnd, rows, cols, 118, 136, new float[rows * cols])
    };
    float[] x = TestData.randomFloats(rnd, 6 * cols);
    float[] bias = TestData.randomFloats(rnd, rows);
    for (WeightMatrix m : ms) {
      for (int tokens : new int[] {1, 6}) {
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
          try (Kernels k = KernelProvider.create(impl, threads)) {
            float[] out = new float[tokens * rows];
            k.matmul(m, bias, x, 0, tokens, out, 0);
            if (first == null) {
              first = out;
            } else {
              assertArrayEquals(first, out, impl + " " + threads + " threads differ for " + m.getClass());
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void mxfp4EveryCodeAndScaleIsExact(Impl impl) {
    int[] scales = {0, 1, 126, 127, 128, 254, 255};
    try (Kernels k = KernelProvider.create(impl, 1)) {
      for (int scale : scales) {
        for (int code = 0; code < 16; code++) {
          for (int pos : new int[] {0, 1, 30, 31}) {
            // one block whose only non-zero code sits at element pos: low nibble for even, high for odd
            MemorySegment blocks = Arena.ofAuto().allocate(16);
            blocks.set(ValueLayout.JAVA_BYTE, pos / 2, (byte) (pos % 2 == 0 ? code : code << 4));
            MemorySegment sc = Arena.ofAuto().allocate(1);
            sc.set(ValueLayout.JAVA_BYTE, 0, (byte) scale);
            Mxfp4Matrix m = new Mxfp4Matrix(blocks, sc, 1, 32);
            float expected = (float) Math.scalb(TestData.fp4(code), scale - 127);

            float[] row = new float[32];
            k.embedding(m, 0, row, 0);
            for (int i = 0; i < 32; i++) {
              assertEquals(i == pos ? expected : 0f, row[i], "decode code " + code + " scale " + scale + " at " + i);
            }
            // one token (decode: dequantised in registers) and two (prefill: dequantised rows in scratch)
            float[] x = new float[64];
            x[pos] = 1f;
            x[32 + pos] = 1f;
            for (int tokens = 1; tokens <= 2; tokens++) {
              float[] out = new float[tokens];
              k.matmul(m, null, x, 0, tokens, out, 0);
              for (int t = 0; t < tokens; t++) {
                assertEquals(expected, out[t], 0.0,
                    "matmul code " + code + " scale " + scale + " at " + pos + ", token " + t + " of " + tokens);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void mxfp4ExtremeScalesFollowLdexp() {
    // 0.5·2^128 = 2^127 is finite although 2^128 is not; 1·2^128 overflows; 0.5·2^-127 is subnormal.
    assertEquals(0x1p127f, Formats.mxfp4(1, 255));
    assertEquals(Float.POSITIVE_INFINITY, Formats.mxfp4(2, 255));
    assertEquals(0f, Formats.mxfp4(0, 255));
    assertEquals(0x1p-128f, Formats.mxfp4(1, 0));
    assertEquals(-0x1.8p127f, Formats.mxfp4(11, 254));
    assertEquals(Float.NEGATIVE_INFINITY, Formats.mxfp4(15, 254));
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void badShapesAreRejectedWithClearErrors(Impl impl) {
    Random rnd = new Random(3);
    Bf16Matrix m = TestData.bf16(rnd, 4, 10, new float[40]);
    try (Kernels k = KernelProvider.create(impl, 1)) {
      KernelException e =
          assertThrows(KernelException.class, () -> k.matmul(m, null, new float[9], 0, 1, new float[4], 0));
      assertTrue(e.getMessage().contains("matmul input x"), e.getMessage());
      e = assertThrows(KernelException.class, () -> k.matmul(m, null, new float[20], 0, 2, new float[7], 0));
      assertTrue(e.getMessage().contains("matmul output"), e.getMessage());
      e = assertThrows(KernelException.class, () -> k.embedding(m, 4, new float[10], 0));
      assertTrue(e.getMessage().contains("token 4"), e.getMessage());
    }
    KernelException e = assertThrows(KernelException.class,
        () -> new Mxfp4Matrix(Arena.ofAuto().allocate(8), Arena.ofAuto().allocate(1), 1, 16));
    assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
  }
}
