package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Norm, activation, softmax, router and argmax against their defining formulas in double. */
class ElementwiseTest {

  private static final int N = 203; // not a multiple of any lane count

  @ParameterizedTest
  @EnumSource(Impl.class)
  void rmsNorm(Impl impl) {
    Random rnd = new Random(1);
    float[] x = TestData.randomFloats(rnd, N + 2);
    float[] scale = TestData.randomFloats(rnd, N);
    float[] out = new float[N + 1];
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.rmsNorm(x, 2, scale, 1e-5f, out, 1, N);
    }
    double ss = 0;
    for (int i = 0; i < N; i++) {
      ss += (double) x[2 + i] * x[2 + i];
    }
    double r = 1 / Math.sqrt(ss / N + 1e-5);
    for (int i = 0; i < N; i++) {
      double e = x[2 + i] * r * scale[i];
      // sum of squares: N·u relative; rsqrt, two products: a few u more
      assertEquals(e, out[1 + i], Math.abs(e) * (N + 6) * TestData.U);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void swigluClampsGateAboveAndUpBothSides(Impl impl) {
    float[] gateUp = {10, -10, -3, 9, 0.5f, 0.25f, -20, -0.5f};
    float[] out = new float[4];
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.swiglu(gateUp, 0, 1.702f, 7f, out, 0, 4);
    }
    double[][] gu = {{7, -7}, {-3, 7}, {0.5, 0.25}, {-20, -0.5}};
    for (int i = 0; i < 4; i++) {
      double g = gu[i][0];
      double e = g / (1 + Math.exp(-1.702 * g)) * (gu[i][1] + 1);
      assertEquals(e, out[i], 1e-6 * Math.max(1, Math.abs(e)), "pair " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void swigluOnRandomData(Impl impl) {
    Random rnd = new Random(4);
    float[] gateUp = TestData.randomFloats(rnd, 2 * N);
    for (int i = 0; i < gateUp.length; i++) {
      gateUp[i] *= 5;
    }
    float[] out = new float[N];
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.swiglu(gateUp, 0, 1.702f, 7f, out, 0, N);
    }
    for (int i = 0; i < N; i++) {
      double g = Math.min(gateUp[2 * i], 7f);
      double u = Math.max(-7, Math.min(7, gateUp[2 * i + 1]));
      double e = g / (1 + Math.exp(-1.702f * g)) * (u + 1);
      assertEquals(e, out[i], 1e-5 * Math.max(1, Math.abs(e)), "pair " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void softmax(Impl impl) {
    Random rnd = new Random(2);
    float[] x = TestData.randomFloats(rnd, N + 3);
    for (int i = 0; i < x.length; i++) {
      x[i] *= 10;
    }
    float[] y = x.clone();
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.softmax(y, 3, N);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < N; i++) {
      max = Math.max(max, x[3 + i]);
    }
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += Math.exp(x[3 + i] - max);
    }
    for (int i = 0; i < N; i++) {
      double e = Math.exp(x[3 + i] - max) / sum;
      // exp of an f32 argument of size ≤ ~60 (ulp ≤ 4e-6 absolute) plus N·u for the sum
      assertEquals(e, y[3 + i], e * (8e-6 + (N + 4) * TestData.U) + 1e-30);
    }
    assertArrayEquals(java.util.Arrays.copyOf(x, 3), java.util.Arrays.copyOf(y, 3));
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void argmaxTakesTheFirstOfTies(Impl impl) {
    float[] x = {9, 1, 5, 7, 7, 2, 7};
    try (Kernels k = KernelProvider.create(impl, 1)) {
      assertEquals(2, k.argmax(x, 1, 6));
      float[] big = new float[N];
      big[150] = 3;
      big[170] = 3;
      assertEquals(150, k.argmax(big, 0, N));
      assertThrows(KernelException.class, () -> k.argmax(x, 0, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void topKSortsDescendingLowerIndexFirstAndSoftmaxesTheChosen(Impl impl) {
    float[] logits = {0, 1, 3, 2, 3, -1, 2.5f, 1};
    int[] experts = new int[4];
    float[] weights = new float[4];
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.topK(logits, 0, 8, 4, experts, weights);
    }
    assertArrayEquals(new int[] {2, 4, 6, 3}, experts);
    double sum = 2 * Math.exp(3) + Math.exp(2.5) + Math.exp(2);
    double[] e = {Math.exp(3) / sum, Math.exp(3) / sum, Math.exp(2.5) / sum, Math.exp(2) / sum};
    for (int i = 0; i < 4; i++) {
      assertEquals(e[i], weights[i], 1e-6);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void axpy(Impl impl) {
    Random rnd = new Random(5);
    float[] x = TestData.randomFloats(rnd, N);
    float[] y = TestData.randomFloats(rnd, N + 1);
    float[] y0 = y.clone();
    try (Kernels k = KernelProvider.create(impl, 1)) {
      k.axpy(0.75f, x, 0, y, 1, N);
    }
    for (int i = 0; i < N; i++) {
      // one product and one sum, each rounded once (or fused): within 2 ulps
      double e = y0[1 + i] + 0.75 * x[i];
      assertEquals(e, y[1 + i], 2 * Math.ulp((float) Math.abs(e)) + 2 * Math.ulp(0.75f * x[i]));
    }
    assertEquals(y0[0], y[0]);
  }
}
