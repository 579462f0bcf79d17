package io.github.gptoss4j.kernels;

import java.lang.foreign.MemorySegment;

/** Row-major bf16 matrix; {@code data} holds {@code rows * cols} little-endian bf16 values. */
public record Bf16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {
  public Bf16Matrix {
    MatrixChecks.require(data.byteSize() == 2L * rows * cols, "bf16", rows, cols, data.byteSize());
  }

  @Override
  public long byteSize() {
    return data.byteSize();
  }
}
