package io.github.gptoss4j.kernels;

final class MatrixChecks {
  private MatrixChecks() {}

  static void require(boolean ok, String what, int rows, int cols, long bytes) {
    if (rows <= 0 || cols <= 0 || !ok) {
      throw new KernelException(
          what + " matrix " + rows + "×" + cols + ": backing memory has " + bytes + " bytes, which does not fit that shape");
    }
  }

  /** Fails unless {@code array[off .. off+n)} exists. */
  static void range(String what, float[] array, int off, long n) {
    if (array == null) {
      throw new KernelException(what + " is null");
    }
    if (off < 0 || n < 0 || off + n > array.length) {
      throw new KernelException(
          what + ": needs " + n + " floats from offset " + off + " but has length " + array.length);
    }
  }
}
