package io.github.gptoss4j.kernels;

import static io.github.gptoss4j.kernels.ScalarKernels.element;
import static io.github.gptoss4j.kernels.VectorKernels.F;

import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API attention loops used by {@link VectorKernels}. */
final class VectorAttention {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int L = 8; // F.length()

  private VectorAttention() {}

  static float keyDot(float[] q, int qBase, KvBuffer kv, long index, int headDim, Scratch s) {
    MemorySegment keys = kv.keys();
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    if (kv.type() == KvType.BF16) {
      for (; i <= headDim - L; i += L) {
        acc = widen(ShortVector.fromMemorySegment(S, keys, 2 * (index + i), LE))
            .fma(FloatVector.fromArray(F, q, qBase + i), acc);
      }
    } else {
      for (; i <= headDim - L; i += L) {
        acc = FloatVector.fromMemorySegment(F, keys, 4 * (index + i), LE)
            .fma(FloatVector.fromArray(F, q, qBase + i), acc);
      }
    }
    acc.intoArray(s.lanes, 0);
    float d = VectorKernels.lanes(s.lanes, 0);
    for (; i < headDim; i++) {
      d += q[qBase + i] * element(keys, kv.type(), index + i);
    }
    return d;
  }

  static void addValue(float weight, KvBuffer kv, long index, float[] out, int oBase, int headDim) {
    MemorySegment values = kv.values();
    FloatVector w = FloatVector.broadcast(F, weight);
    int i = 0;
    if (kv.type() == KvType.BF16) {
      for (; i <= headDim - L; i += L) {
        widen(ShortVector.fromMemorySegment(S, values, 2 * (index + i), LE))
            .fma(w, FloatVector.fromArray(F, out, oBase + i)).intoArray(out, oBase + i);
      }
    } else {
      for (; i <= headDim - L; i += L) {
        FloatVector.fromMemorySegment(F, values, 4 * (index + i), LE)
            .fma(w, FloatVector.fromArray(F, out, oBase + i)).intoArray(out, oBase + i);
      }
    }
    for (; i < headDim; i++) {
      out[oBase + i] += weight * element(values, kv.type(), index + i);
    }
  }

  static float expShift(float[] a, int off, int n, float sink, Scratch s) {
    FloatVector maxV = FloatVector.broadcast(F, sink);
    int j = 0;
    for (; j <= n - L; j += L) {
      maxV = maxV.max(FloatVector.fromArray(F, a, off + j));
    }
    float max = maxV.reduceLanes(VectorOperators.MAX); // exact, so any order gives the same bits
    for (; j < n; j++) {
      max = Math.max(max, a[off + j]);
    }
    FloatVector m = FloatVector.broadcast(F, max);
    FloatVector acc = FloatVector.zero(F);
    j = 0;
    for (; j <= n - L; j += L) {
      FloatVector e = exp(FloatVector.fromArray(F, a, off + j).sub(m));
      e.intoArray(a, off + j);
      acc = acc.add(e);
    }
    acc.intoArray(s.lanes, 0);
    float sum = VectorKernels.lanes(s.lanes, 0) + (float) Math.exp(sink - max);
    for (; j < n; j++) {
      a[off + j] = (float) Math.exp(a[off + j] - max);
      sum += a[off + j];
    }
    return sum;
  }

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float ROUNDER = 12582912f; // 1.5·2^23: adding and subtracting it rounds to an integer

  /**
   * e^x for x ≤ 0 (softmax arguments), Cephes' expf polynomial: about 1–2 ulp. Built from add, multiply and
   * FMA only, so interpreted and compiled code give the same bits (the Vector API's EXP does not). Arguments
   * below −87 give 2^−126·p (tiny, never denormal) instead of subnormal results.
   */
  static FloatVector exp(FloatVector x) {
    x = x.max(-87.0f);
    FloatVector shifted = x.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUNDER));
    FloatVector n = shifted.sub(ROUNDER);
    FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
    p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
    p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
    p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
    p = p.fma(r.mul(r), r).add(1f);
    // 2^n from the integer sitting in the low mantissa bits of `shifted`
    IntVector pow2 = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER)).add(127)
        .lanewise(VectorOperators.LSHL, 23);
    return p.mul(pow2.reinterpretAsFloats());
  }

  /** Eight bf16 values widened to f32 (small enough to be inlined everywhere). */
  private static FloatVector widen(ShortVector v) {
    return ((IntVector) v.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
        .reinterpretAsFloats();
  }
}
