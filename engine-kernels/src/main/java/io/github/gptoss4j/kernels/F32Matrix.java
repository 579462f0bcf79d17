package io.github.gptoss4j.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Row-major f32 matrix; {@code data} holds {@code rows * cols} little-endian floats.
 *
 * @param data the matrix's bytes, exactly {@code 4 * rows * cols} of them
 * @param rows output dimension, positive
 * @param cols input dimension, positive
 */
public record F32Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {
  /**
   * Checks that {@code data} holds exactly {@code rows * cols} floats.
   *
   * @throws KernelException if a dimension is not positive or the segment's size does not fit the shape
   */
  public F32Matrix {
    MatrixChecks.require(data.byteSize() == 4L * rows * cols, "f32", rows, cols, data.byteSize());
  }

  @Override
  public long byteSize() {
    return data.byteSize();
  }
}
