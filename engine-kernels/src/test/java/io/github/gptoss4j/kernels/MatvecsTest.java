package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.Precision;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batched one-token matmuls give, bit for bit, what each vector gets from its own matmul. */
class MatvecsTest {

  @Test
  void eachVectorGetsExactlyItsOwnMatmul() {
    Random rnd = new Random(21);
    int rows = 72; // not a multiple of the row groups
    int cols = 192;
    Bf16Matrix bf16 = TestData.bf16(rnd, rows, cols, new float[rows * cols]);
    List<WeightMatrix> weights = List.of(
        bf16,
        TestData.mxfp4(rnd, rows, cols, 115, 132, new float[rows * cols]),
        TestData.f32(rnd, rows, cols, new float[rows * cols]),
        Q8Matrix.quantize(bf16, Arena.ofAuto()));
    float[] bias = TestData.randomFloats(rnd, rows);
    for (KernelProvider.Impl impl : KernelProvider.Impl.values()) {
      for (Precision precision : Precision.values()) {
        for (int threads : new int[] {1, 2}) {
          try (Kernels kernels = KernelProvider.create(impl, threads, precision)) {
            for (WeightMatrix w : weights) {
              for (int vectors : new int[] {1, 2, 3, 7}) {
                String what = impl + "/" + precision + "/" + threads + " threads/" + w.getClass().getSimpleName()
                    + "/" + vectors + " vectors";
                float[] x = TestData.randomFloats(rnd, 1 + vectors * cols);
                float[] alone = new float[2 + vectors * rows];
                for (int v = 0; v < vectors; v++) {
                  kernels.matmul(w, bias, x, 1 + v * cols, 1, alone, 2 + v * rows);
                }
                float[] batched = new float[2 + vectors * rows];
                kernels.matvecs(w, bias, x, 1, vectors, batched, 2);
                assertArrayEquals(alone, batched, what);
              }
            }
          }
        }
      }
    }
  }

  /**
   * The kernels that convert each block once for up to 4 vectors (MXFP4 exact and INT8, Q8 INT8) against each
   * vector's own matmul: vector counts that leave last passes of 1, 2, 3 and 4 vectors, row counts that are odd
   * and not multiples of the row groups or of the 16 rows per pass, rows of 1, 3 (odd: the accumulators swap an
   * odd number of times) and 90 blocks, with and without bias, 1–3 threads.
   */
  @Test
  void sharedBlockTilesMatchEachVectorsOwnMatmul() {
    Random rnd = new Random(19);
    for (int[] shape : new int[][] {{1, 32}, {13, 96}, {37, 2880}, {61, 96}}) {
      int rows = shape[0];
      int cols = shape[1];
      Mxfp4Matrix mxfp4 = TestData.mxfp4(rnd, rows, cols, 110, 135, new float[rows * cols]);
      Q8Matrix q8 = Q8Matrix.quantize(TestData.bf16(rnd, rows, cols, new float[rows * cols]), Arena.ofAuto());
      for (Precision precision : Precision.values()) {
        for (int threads = 1; threads <= 3; threads++) {
          try (Kernels kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, threads, precision)) {
            for (WeightMatrix w : List.of(mxfp4, q8)) {
              for (float[] bias : new float[][] {null, TestData.randomFloats(rnd, rows)}) {
                for (int vectors : new int[] {1, 2, 3, 4, 5, 8, 17}) {
                  float[] x = TestData.randomFloats(rnd, 3 + vectors * cols);
                  float[] alone = new float[vectors * rows];
                  for (int v = 0; v < vectors; v++) {
                    kernels.matmul(w, bias, x, 3 + v * cols, 1, alone, v * rows);
                  }
                  float[] batched = new float[vectors * rows];
                  kernels.matvecs(w, bias, x, 3, vectors, batched, 0);
                  for (int v = 0; v < vectors; v++) {
                    String what = precision + "/" + threads + " threads/" + w.getClass().getSimpleName() + " "
                        + rows + "x" + cols + (bias == null ? "" : "+bias") + "/vector " + v + " of " + vectors;
                    assertArrayEquals(Arrays.copyOfRange(alone, v * rows, (v + 1) * rows),
                        Arrays.copyOfRange(batched, v * rows, (v + 1) * rows), what);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void shapesAreChecked() {
    Random rnd = new Random(2);
    Bf16Matrix w = TestData.bf16(rnd, 8, 32, new float[8 * 32]);
    Kernels kernels = Kernels.get();
    float[] out = new float[16];
    assertThrows(KernelException.class, () -> kernels.matvecs(w, null, new float[64], 0, 0, out, 0));
    assertThrows(KernelException.class, () -> kernels.matvecs(w, null, new float[63], 0, 2, out, 0));
    assertThrows(KernelException.class, () -> kernels.matvecs(w, null, new float[64], 0, 2, new float[15], 0));
    kernels.matvecs(w, null, new float[64], 0, 2, out, 0);
    assertArrayEquals(new float[16], Arrays.copyOf(out, 16));
  }
}
