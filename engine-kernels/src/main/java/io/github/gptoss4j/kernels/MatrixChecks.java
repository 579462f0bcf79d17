package io.github.gptoss4j.kernels;

final class MatrixChecks {
  private MatrixChecks() {}

  static void require(boolean ok, String what, int rows, int cols, long bytes) {
    if (rows <= 0 || cols <= 0 || !ok) {
      throw new IllegalArgumentException(
          what + " matrix " + rows + "×" + cols + ": backing memory has " + bytes + " bytes, which does not fit that shape");
    }
  }
}
