package io.github.gptoss4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A deterministic e^x for vector lanes, as softmax needs it (attention, sampling): Cephes' {@code expf}
 * polynomial, about 1–2 ulp, built from add, multiply and FMA only, so interpreted and compiled code give the
 * same bits on any vector width (the Vector API's own {@code EXP} does not). Lane for lane it equals the
 * same operations written with {@link Math#fma} in scalar code. Needs the {@code jdk.incubator.vector} module.
 */
final class VectorExp {
  private static final float LOG2E = 1.44269504088896341f;
  // ln 2 split in two so that n·LN2_HI is exact.
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  // 1.5·2^23: adding and subtracting it rounds to an integer held in the low mantissa bits.
  private static final float ROUNDER = 12582912f;

  private VectorExp() {}

  /**
   * e^x per lane for x ≤ 0. Arguments below −87 are clamped to −87 (a result near 2^−126, never subnormal);
   * callers that need an exact 0 there blend it in.
   */
  static FloatVector exp(FloatVector x) {
    x = x.max(-87.0f);
    FloatVector shifted = x.fma(x.broadcast(LOG2E), x.broadcast(ROUNDER));
    FloatVector n = shifted.sub(ROUNDER);
    FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
    r = n.fma(x.broadcast(-LN2_LO), r);
    FloatVector p = r.fma(x.broadcast(1.9875691500e-4f), x.broadcast(1.3981999507e-3f));
    p = p.fma(r, x.broadcast(8.3334519073e-3f));
    p = p.fma(r, x.broadcast(4.1665795894e-2f));
    p = p.fma(r, x.broadcast(1.6666665459e-1f));
    p = p.fma(r, x.broadcast(5.0000001201e-1f));
    p = p.fma(r.mul(r), r).add(1f);
    IntVector pow2 =
        shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER)).add(127).lanewise(VectorOperators.LSHL, 23);
    return p.mul(pow2.reinterpretAsFloats());
  }
}
