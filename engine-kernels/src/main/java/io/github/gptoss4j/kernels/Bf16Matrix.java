package io.github.gptoss4j.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Row-major bf16 matrix; {@code data} holds {@code rows * cols} little-endian bf16 values.
 *
 * @param data the matrix's bytes, exactly {@code 2 * rows * cols} of them (typically a mapped checkpoint slice)
 * @param rows output dimension, positive
 * @param cols input dimension, positive
 */
public record Bf16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {
  /**
   * Checks that {@code data} holds exactly {@code rows * cols} bf16 values.
   *
   * @throws KernelException if a dimension is not positive or the segment's size does not fit the shape
   */
  public Bf16Matrix {
    MatrixChecks.require(data.byteSize() == 2L * rows * cols, "bf16", rows, cols, data.byteSize());
  }

  @Override
  public long byteSize() {
    return data.byteSize();
  }
}
