package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** YaRN RoPE against the formulas of OpenAI's reference RotaryEmbedding, written out here in double. */
class RopeTest {

  // the tiny-gpt-oss fixture's settings; gpt-oss-20b has the same except headDim 64
  private static final int HEAD_DIM = 16;
  private static final double THETA = 150000;
  private static final double FACTOR = 32;
  private static final int CONTEXT = 4096;

  /** inv_freq by the reference's formula: NTK-by-parts blend of interpolation and extrapolation. */
  private static double[] referenceInvFreq(int headDim) {
    int half = headDim / 2;
    double low = half * Math.log(CONTEXT / (32 * 2 * Math.PI)) / Math.log(THETA); // beta_fast = 32
    double high = half * Math.log(CONTEXT / (1 * 2 * Math.PI)) / Math.log(THETA); // beta_slow = 1
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      double freq = Math.pow(THETA, 2.0 * i / headDim);
      double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
      double mask = 1 - ramp;
      inv[i] = 1 / (FACTOR * freq) * (1 - mask) + 1 / freq * mask;
    }
    return inv;
  }

  @Test
  void positionZeroOnlyScalesByTheConcentration() {
    Rope rope = new Rope(HEAD_DIM, THETA, FACTOR, CONTEXT, 32, 1);
    float[] x = TestData.randomFloats(new Random(1), 3 * HEAD_DIM);
    float[] y = x.clone();
    rope.apply(y, 0, 3, 0);
    double concentration = 0.1 * Math.log(FACTOR) + 1;
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] * concentration, y[i], 2e-7 * Math.abs(x[i]) * 2);
    }
  }

  @Test
  void rotatesHalvesByReferenceAngles() {
    for (int headDim : new int[] {HEAD_DIM, 64}) {
      Rope rope = new Rope(headDim, THETA, FACTOR, CONTEXT, 32, 1);
      double[] inv = referenceInvFreq(headDim);
      double concentration = 0.1 * Math.log(FACTOR) + 1;
      int half = headDim / 2;
      Random rnd = new Random(headDim);
      for (int position : new int[] {1, 7, 100, 4095, 5000, 131071}) {
        float[] x = TestData.randomFloats(rnd, 2 * headDim + 3);
        float[] y = x.clone();
        rope.apply(y, 3, 2, position);
        for (int h = 0; h < 2; h++) {
          for (int i = 0; i < half; i++) {
            int b = 3 + h * headDim;
            // f32 angle p·inv_freq as the reference: its rounding (up to ~p·2^-24 rad) dominates at long range
            double angleTol = Math.ulp((float) (position * inv[i])) + position * inv[i] * 4e-7;
            double c = Math.cos(position * inv[i]) * concentration;
            double s = Math.sin(position * inv[i]) * concentration;
            double tol = (angleTol + 1e-6) * concentration * (Math.abs(x[b + i]) + Math.abs(x[b + half + i]));
            assertEquals(x[b + i] * c - x[b + half + i] * s, y[b + i], tol, "o1 pos " + position + " i " + i);
            assertEquals(x[b + half + i] * c + x[b + i] * s, y[b + half + i], tol, "o2 pos " + position + " i " + i);
          }
        }
      }
    }
  }

  @Test
  void anglesAreComputedInFloat32LikeTheReference() {
    // at position 131071 the f32 product p·inv_freq differs from the exact one by up to half an ulp of ~1e5
    // rad; the reference uses the f32 product, so must we.
    Rope rope = new Rope(64, THETA, FACTOR, CONTEXT, 32, 1);
    int p = 131071;
    float[] cs = rope.cosSin(p);
    double concentration = 0.1 * Math.log(FACTOR) + 1;
    // inv_freq[0] = 1 exactly (extrapolation: theta^0), so the angle is exactly p
    assertEquals((float) (Math.cos(p) * (float) concentration), cs[0], 1e-6);
  }

  @Test
  void plainRopeWithoutScaling() {
    Rope rope = new Rope(4, 10000, 1, CONTEXT, 32, 1);
    float[] x = {1, 0, 0, 0};
    rope.apply(x, 0, 1, 3);
    assertEquals(Math.cos(3), x[0], 1e-6);
    assertEquals(Math.sin(3), x[2], 1e-6);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(KernelException.class, () -> new Rope(15, THETA, FACTOR, CONTEXT, 32, 1));
    assertThrows(KernelException.class, () -> new Rope(HEAD_DIM, THETA, FACTOR, CONTEXT, 1, 32));
    Rope rope = new Rope(HEAD_DIM, THETA, FACTOR, CONTEXT, 32, 1);
    assertThrows(KernelException.class, () -> rope.apply(new float[HEAD_DIM], 0, 1, -1));
  }
}
