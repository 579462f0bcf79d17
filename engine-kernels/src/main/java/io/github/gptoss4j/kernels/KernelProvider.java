package io.github.gptoss4j.kernels;

/**
 * Chooses the kernel implementation at start-up, like Lucene's {@code VectorizationProvider}: the
 * Vector-API kernels when {@code jdk.incubator.vector} is present, otherwise the scalar ones after one
 * clear warning. System properties: {@code gptoss.kernels=scalar|vector} forces one,
 * {@code gptoss.threads=N} sets the pool size (default: available processors).
 */
public final class KernelProvider {
  private KernelProvider() {}

  /** The shared default kernels. */
  public static Kernels get() {
    throw new UnsupportedOperationException("kernels not implemented yet");
  }
}
