package io.github.gptoss4j.kernels;

/**
 * Softmax weights {@code exp((x - max) / t)}, vectorised, as the sampler needs one per vocabulary entry per
 * token. The Vector API's own EXP may differ between its intrinsic and its fallback, and sampling must give
 * the same token whether or not the JIT has compiled this yet, so this is Cephes' {@code expf} written with
 * correctly rounded operations only (+, ×, fma, /): the vector lanes ({@link ExpVector}) and the scalar form
 * agree bit for bit, on any vector width, and without the Vector API (no {@code --add-modules
 * jdk.incubator.vector}) the scalar form alone gives the same results, only slower. Relative error of the
 * exponential is within 2e-7; arguments below -87 give 0.
 */
final class Exp {
  private static final float LOG2E = 1.44269504088896341f;
  // Adding 1.5 * 2^23 rounds to an integer held in the low mantissa bits.
  private static final float ROUNDER = 12582912f;
  private static final int ROUNDER_BITS = 0x4B400000;
  // ln 2 split in two so that n * LN2_HI is exact.
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  // Cephes' minimax polynomial for (exp(r) - 1 - r) / r^2 on [-ln 2 / 2, ln 2 / 2], highest degree first.
  private static final float P0 = 1.9875691500e-4f;
  private static final float P1 = 1.3981999507e-3f;
  private static final float P2 = 8.3334519073e-3f;
  private static final float P3 = 4.1665795894e-2f;
  private static final float P4 = 1.6666665459e-1f;
  private static final float P5 = 5.0000001201e-1f;
  // Below this, 2^n would leave the normal range; the true value is under 2e-38 of the maximum's weight.
  static final float MIN_ARG = -87f;

  private Exp() {}

  /** {@code exp((x - max) / t)} for {@code x <= max}. */
  static float shifted(float x, float max, float t) {
    float a = (x - max) / t;
    if (!(a >= MIN_ARG)) {
      return 0f;
    }
    float k = Math.fma(a, LOG2E, ROUNDER);
    int n = Float.floatToRawIntBits(k) - ROUNDER_BITS;
    float nf = k - ROUNDER;
    float r = Math.fma(nf, -LN2_HI, a);
    r = Math.fma(nf, -LN2_LO, r);
    float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
    float y = Math.fma(p, r * r, r) + 1f;
    return y * Float.intBitsToFloat((n + 127) << 23);
  }

  /** {@code out[outOff + i] = shifted(x[off + i], max, t)} for {@code from <= i < n}. */
  static void shifted(float[] x, int off, int from, int n, float max, float t, float[] out, int outOff) {
    for (int i = from; i < n; i++) {
      out[outOff + i] = shifted(x[off + i], max, t);
    }
  }

  /**
   * Sum of {@code a[from, to)} in double, in a fixed order whatever the machine: four interleaved partial
   * sums (the lanes of a 4-double vector, or four variables), added pairwise at the end.
   */
  static double sum(float[] a, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    for (; i + 3 < to; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < to; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
