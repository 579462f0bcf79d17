package io.github.gptoss4j.kernels;

/**
 * A read-only weight matrix of {@code rows × cols} as it lies in memory (usually a view of a mapped
 * checkpoint). Kernels multiply it with f32 activations; the model never looks inside.
 */
public sealed interface WeightMatrix permits Bf16Matrix, F32Matrix, Mxfp4Matrix, Q8Matrix {
  /** Output dimension. */
  int rows();

  /** Input dimension. */
  int cols();

  /** Bytes a full pass over this matrix reads (for bandwidth accounting). */
  long byteSize();
}
