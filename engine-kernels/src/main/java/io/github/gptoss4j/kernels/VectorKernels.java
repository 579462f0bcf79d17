package io.github.gptoss4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API versions of the hot kernels; everything not overridden here runs the scalar reference. Only
 * loaded after {@link KernelProvider} has checked that {@code jdk.incubator.vector} is present.
 */
final class VectorKernels extends ScalarKernels {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  VectorKernels(int threads) {
    super(threads);
  }

  /** Null when this CPU has float vectors of at least 8 lanes (AVX2 or better), else why not. */
  static String unusableReason() {
    return F.length() >= 8 ? null : "the CPU's preferred float vector has only " + F.length() + " lanes";
  }

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit, " + F.length() + " floats)";
  }
}
