package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 8-bit matrix: per row, {@code cols/32} blocks of 32 signed bytes ({@code quants}: {@code [rows, cols]}) and
 * one little-endian f32 scale per block ({@code scales}: {@code [rows, cols/32]}); element = quant · scale.
 * The fast path ({@link Precision#INT8}) repacks bf16 matrices into this at load: 1.125 bytes per weight
 * instead of 2.
 *
 * @param quants the signed 8-bit values, exactly {@code rows * cols} bytes
 * @param scales the f32 block scales, exactly {@code 4 * rows * cols / 32} bytes
 * @param rows output dimension, positive
 * @param cols input dimension, a positive multiple of {@link #BLOCK}
 */
public record Q8Matrix(MemorySegment quants, MemorySegment scales, int rows, int cols) implements WeightMatrix {
  /** Values per block. */
  public static final int BLOCK = 32;

  /**
   * Checks the shape against the segments' sizes.
   *
   * @throws KernelException if {@code cols} is not a multiple of 32, a dimension is not positive, or a
   *     segment's size does not fit the shape
   */
  public Q8Matrix {
    if (cols % BLOCK != 0) {
      throw new KernelException("Q8 matrix: cols " + cols + " is not a multiple of 32");
    }
    MatrixChecks.require(quants.byteSize() == (long) rows * cols, "q8 quants", rows, cols, quants.byteSize());
    MatrixChecks.require(scales.byteSize() == 4L * rows * cols / BLOCK, "q8 scales", rows, cols, scales.byteSize());
  }

  @Override
  public long byteSize() {
    return quants.byteSize() + scales.byteSize();
  }

  /**
   * Quantises {@code source} block by block into memory from {@code arena}: scale = max|v| / 127, quant =
   * v / scale rounded to nearest even (so |quant| ≤ 127). A block of zeros gets scale 0. Source rows are read
   * one at a time; the source itself is left as it is.
   *
   * @param source the matrix to quantise, any {@link WeightMatrix} with {@code cols} a multiple of 32
   * @param arena where the new quants and scales are allocated; they live as long as it does
   * @return the quantised matrix, of the same shape as {@code source}
   * @throws KernelException if the column count is not a multiple of 32 or a value is not finite
   */
  public static Q8Matrix quantize(WeightMatrix source, Arena arena) {
    int rows = source.rows();
    int cols = source.cols();
    if (cols % BLOCK != 0) {
      throw new KernelException("Q8 quantisation: cols " + cols + " is not a multiple of 32");
    }
    MemorySegment quants = arena.allocate((long) rows * cols, 64);
    MemorySegment scales = arena.allocate(4L * rows * cols / BLOCK, 64);
    float[] row = new float[cols];
    byte[] q = new byte[cols];
    float[] d = new float[cols / BLOCK];
    for (int r = 0; r < rows; r++) {
      Formats.decodeRow(source, r, row, 0);
      for (int c = 0; c < cols; c++) {
        if (!Float.isFinite(row[c])) {
          throw new KernelException("Q8 quantisation: row " + r + " column " + c + " is " + row[c] + ", not finite");
        }
      }
      Formats.quantizeQ8(row, 0, cols, q, 0, d, 0);
      MemorySegment.copy(q, 0, quants, ValueLayout.JAVA_BYTE, (long) r * cols, cols);
      MemorySegment.copy(d, 0, scales, Formats.F32, 4L * r * (cols / BLOCK), cols / BLOCK);
    }
    return new Q8Matrix(quants, scales, rows, cols);
  }
}
