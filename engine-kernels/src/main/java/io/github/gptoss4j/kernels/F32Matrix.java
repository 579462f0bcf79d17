package io.github.gptoss4j.kernels;

import java.lang.foreign.MemorySegment;

/** Row-major f32 matrix; {@code data} holds {@code rows * cols} little-endian floats. */
public record F32Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {
  public F32Matrix {
    MatrixChecks.require(data.byteSize() == 4L * rows * cols, "f32", rows, cols, data.byteSize());
  }

  @Override
  public long byteSize() {
    return data.byteSize();
  }
}
