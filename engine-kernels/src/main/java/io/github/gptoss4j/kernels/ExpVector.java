package io.github.gptoss4j.kernels;


import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector-API loops of {@link Exp}: the kernels' {@link VectorExp}, lane for lane the same operations as
 * Exp's scalar form; a class of its own so that nothing loads the Vector API when the module is absent.
 */
final class ExpVector {
  private static final float MIN_ARG = Exp.MIN_ARG;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
  private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

  private ExpVector() {}

  /** Does {@link Exp#shifted(float[], int, int, float, float, float[], int)} for whole vectors; returns how many. */
  static int shifted(float[] x, int off, int n, float max, float t, float[] out, int outOff) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += F.length()) {
      FloatVector a = FloatVector.fromArray(F, x, off + i).sub(max).div(t);
      var tooSmall = a.compare(VectorOperators.GE, MIN_ARG).not();
      FloatVector y = VectorExp.exp(a);
      y.blend(0f, tooSmall).intoArray(out, outOff + i);
    }
    return i;
  }

  /** {@link Exp#sum}: lane j of the accumulator is the scalar form's partial sum j. */
  static double sum(float[] a, int from, int to) {
    DoubleVector acc = DoubleVector.zero(D4);
    int i = from;
    for (; i + 3 < to; i += 4) {
      acc = acc.add(FloatVector.fromArray(F4, a, i).convertShape(VectorOperators.F2D, D4, 0));
    }
    double s0 = acc.lane(0);
    for (; i < to; i++) {
      s0 += a[i];
    }
    return (s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
  }
}
