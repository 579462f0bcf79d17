package io.github.gptoss4j.kernels;

/**
 * A read-only weight matrix of {@code rows × cols} as it lies in memory (usually a view of a mapped
 * checkpoint). Kernels multiply it with f32 activations; the model never looks inside.
 */
public sealed interface WeightMatrix permits Bf16Matrix, F32Matrix, Mxfp4Matrix, Q8Matrix {
  /**
   * Output dimension.
   *
   * @return the number of rows, i.e. outputs of a matmul with this matrix
   */
  int rows();

  /**
   * Input dimension.
   *
   * @return the number of columns, i.e. the length of the input vector a matmul takes
   */
  int cols();

  /**
   * Bytes a full pass over this matrix reads (for bandwidth accounting).
   *
   * @return the size in bytes of the backing memory a full pass reads
   */
  long byteSize();
}
