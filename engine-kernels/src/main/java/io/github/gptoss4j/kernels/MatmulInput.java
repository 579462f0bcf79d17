package io.github.gptoss4j.kernels;

/**
 * A matmul's activations as its kernels consume them, prepared once per call by the calling thread and read by
 * every worker of that call: int8 quants and block scales, the block-permuted f32 copy, the quants as 16-bit
 * lanes. One per calling thread, so concurrent calls from different threads never share one. The buffers only
 * grow, so steady-state calls allocate nothing.
 */
final class MatmulInput {
  byte[] xq = new byte[0];
  float[] xd = new float[0];
  float[] xPerm = new float[0];
  short[] xs = new short[0];

  /** Makes room for {@code n} quantised values and their block scales. */
  void reserveQuantized(int n) {
    if (xq.length < n) {
      xq = new byte[n];
      xd = new float[n / 32];
    }
  }

  /** Makes room for {@code n} permuted f32 values. */
  void reservePermuted(int n) {
    if (xPerm.length < n) {
      xPerm = new float[n];
    }
  }

  /** Makes room for {@code n} 16-bit lanes. */
  void reserveLanes(int n) {
    if (xs.length < n) {
      xs = new short[n];
    }
  }
}
