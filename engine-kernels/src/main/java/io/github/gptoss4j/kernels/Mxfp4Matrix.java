package io.github.gptoss4j.kernels;

import java.lang.foreign.MemorySegment;

/**
 * MXFP4 matrix as gpt-oss stores its experts: per row, {@code cols/32} blocks of 32 FP4 (e2m1) values,
 * 16 bytes each with the low nibble holding the even element ({@code blocks}: {@code [rows, cols/32, 16]}),
 * and one E8M0 scale byte per block meaning 2^(e−127) ({@code scales}: {@code [rows, cols/32]}).
 *
 * @param blocks the packed FP4 values, exactly {@code rows * cols / 2} bytes
 * @param scales the E8M0 block scales, exactly {@code rows * cols / 32} bytes
 * @param rows output dimension, positive
 * @param cols input dimension, a positive multiple of {@link #BLOCK}
 */
public record Mxfp4Matrix(MemorySegment blocks, MemorySegment scales, int rows, int cols)
    implements WeightMatrix {
  /** Values per block. */
  public static final int BLOCK = 32;

  /**
   * Checks the shape against the segments' sizes.
   *
   * @throws KernelException if {@code cols} is not a multiple of 32, a dimension is not positive, or a
   *     segment's size does not fit the shape
   */
  public Mxfp4Matrix {
    if (cols % BLOCK != 0) {
      throw new KernelException("MXFP4 matrix: cols " + cols + " is not a multiple of 32");
    }
    MatrixChecks.require(blocks.byteSize() == (long) rows * cols / 2, "mxfp4 blocks", rows, cols, blocks.byteSize());
    MatrixChecks.require(scales.byteSize() == (long) rows * cols / BLOCK, "mxfp4 scales", rows, cols, scales.byteSize());
  }

  @Override
  public long byteSize() {
    return blocks.byteSize() + scales.byteSize();
  }
}
