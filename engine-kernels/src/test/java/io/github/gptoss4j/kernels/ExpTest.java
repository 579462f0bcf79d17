package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpTest {
  private static final Kernels SCALAR = KernelProvider.create(KernelProvider.Impl.SCALAR, 1);
  private static final Kernels VECTOR = KernelProvider.create(KernelProvider.Impl.VECTOR, 1);

  @Test
  void closeToMathExpOverTheWholeRange() {
    double worst = 0;
    for (float a = -87f; a <= 0f; a += 0.001f) {
      double exact = Math.exp(a);
      worst = Math.max(worst, Math.abs(Exp.shifted(a, 0f, 1f) - exact) / exact);
    }
    assertTrue(worst < 2e-7, "relative error " + worst);
  }

  @Test
  void maximumWeighsExactlyOneAndFarOrMaskedTokensZero() {
    assertEquals(1f, Exp.shifted(3.5f, 3.5f, 0.7f));
    assertEquals(0f, Exp.shifted(-90f, 0f, 1f));
    assertEquals(0f, Exp.shifted(Float.NEGATIVE_INFINITY, 2f, 1f));
    assertEquals(0f, Exp.shifted(1f, 2f, Float.MIN_VALUE));
    assertEquals(1f, Exp.shifted(-5f, 2f, Float.POSITIVE_INFINITY));
    assertEquals((float) Math.exp(-2.5), Exp.shifted(-3f, 2f, 2f), 1e-7);
  }

  @Test
  void vectorAndScalarKernelsAgreeBitForBit() {
    Random r = new Random(11);
    for (int n : new int[] {1, 7, 16, 33, 1000, 4099}) {
      float[] x = new float[n + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 97 == 5 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 30);
      }
      float[] scalar = new float[n + 1];
      float[] vector = new float[n + 1];
      SCALAR.softmaxWeights(x, 2, n, 120f, 1.3f, scalar, 1);
      VECTOR.softmaxWeights(x, 2, n, 120f, 1.3f, vector, 1);
      for (int i = 0; i < n; i++) {
        int expected = Float.floatToRawIntBits(Exp.shifted(x[2 + i], 120f, 1.3f));
        assertEquals(expected, Float.floatToRawIntBits(scalar[1 + i]), "scalar, n " + n + ", element " + i);
        assertEquals(expected, Float.floatToRawIntBits(vector[1 + i]), "vector, n " + n + ", element " + i);
      }
    }
  }

  @Test
  void sumMatchesAPlainSum() {
    float[] a = {0.5f, 0.25f, 0.125f, 1f, 2f, 4f, 8f};
    assertEquals(15.875, Exp.sum(a, 0, a.length));
    assertEquals(7.0, Exp.sum(a, 3, 6));
    float[] big = new float[10_007];
    double plain = 0;
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.exp(-i % 300 * 0.1);
      plain += big[i];
    }
    assertEquals(plain, Exp.sum(big, 0, big.length), plain * 1e-13);
    // With or without the Vector API, the same bits.
    for (int to = big.length - 4; to <= big.length; to++) {
      assertEquals(SCALAR.sum(big, 1, to), VECTOR.sum(big, 1, to));
    }
  }
}
