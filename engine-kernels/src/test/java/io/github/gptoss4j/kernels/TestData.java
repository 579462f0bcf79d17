package io.github.gptoss4j.kernels;

import io.github.gptoss4j.KvType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Builds weight matrices and KV buffers in off-heap memory, as a mapped checkpoint would hold them. */
final class TestData {
  private TestData() {}

  /** Unit roundoff of f32. */
  static final double U = Math.ulp(1f) / 2;

  static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** The e2m1 table written out from the OCP MX spec, independently of the main code. */
  static double fp4(int code) {
    double[] magnitude = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    return (code & 8) != 0 ? -magnitude[code & 7] : magnitude[code & 7];
  }

  static float[] randomFloats(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }

  /** bf16 truncation of random values: these bf16 weights are exactly the floats returned in {@code values}. */
  static Bf16Matrix bf16(Random rnd, int rows, int cols, float[] values) {
    MemorySegment s = Arena.ofAuto().allocate(2L * rows * cols, 2);
    for (int i = 0; i < rows * cols; i++) {
      short bits = (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16);
      s.setAtIndex(BF16, i, bits);
      values[i] = Float.intBitsToFloat(bits << 16);
    }
    return new Bf16Matrix(s, rows, cols);
  }

  static F32Matrix f32(Random rnd, int rows, int cols, float[] values) {
    MemorySegment s = Arena.ofAuto().allocate(4L * rows * cols, 4);
    for (int i = 0; i < rows * cols; i++) {
      values[i] = (float) rnd.nextGaussian();
      s.setAtIndex(F32, i, values[i]);
    }
    return new F32Matrix(s, rows, cols);
  }

  /** Random codes and scales in [minScale, maxScale]; {@code values} gets the exact decoded weights. */
  static Mxfp4Matrix mxfp4(Random rnd, int rows, int cols, int minScale, int maxScale, float[] values) {
    int nb = cols / 32;
    MemorySegment blocks = Arena.ofAuto().allocate((long) rows * cols / 2);
    MemorySegment scales = Arena.ofAuto().allocate((long) rows * nb);
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < nb; b++) {
        int e = minScale + rnd.nextInt(maxScale - minScale + 1);
        scales.set(ValueLayout.JAVA_BYTE, (long) r * nb + b, (byte) e);
        for (int i = 0; i < 16; i++) {
          int lo = rnd.nextInt(16);
          int hi = rnd.nextInt(16);
          blocks.set(ValueLayout.JAVA_BYTE, ((long) r * nb + b) * 16 + i, (byte) (lo | hi << 4));
          values[r * cols + 32 * b + 2 * i] = (float) Math.scalb(fp4(lo), e - 127);
          values[r * cols + 32 * b + 2 * i + 1] = (float) Math.scalb(fp4(hi), e - 127);
        }
      }
    }
    return new Mxfp4Matrix(blocks, scales, rows, cols);
  }

  /**
   * One KV segment in the head-major layout of {@link Kernels.KvBuffer}, from {@code data} given position-major
   * ({@code [row][kvHeads][headDim]}, as a reference reads it); {@code stored} receives the values as stored
   * (bf16-rounded for BF16), also position-major.
   */
  static MemorySegment kvSegment(KvType type, float[] data, float[] stored, int kvHeads, int headDim) {
    MemorySegment s = Arena.ofAuto().allocate((long) data.length * type.bytes(), 4);
    int rows = data.length / (kvHeads * headDim);
    for (int i = 0; i < data.length; i++) {
      int row = i / (kvHeads * headDim);
      int g = i / headDim % kvHeads;
      long at = ((long) g * rows + row) * headDim + i % headDim;
      if (type == KvType.F32) {
        s.setAtIndex(F32, at, data[i]);
        stored[i] = data[i];
      } else {
        short bits = (short) (Float.floatToRawIntBits(data[i]) >>> 16);
        s.setAtIndex(BF16, at, bits);
        stored[i] = Float.intBitsToFloat(bits << 16);
      }
    }
    return s;
  }

  /**
   * Checks {@code actual[i]} against a double reference with a sum-of-products bound:
   * {@code |Δ| ≤ factor · n · u · Σ|w·x|}, where {@code absSums[i]} is Σ|w·x| of output i.
   */
  static void assertDot(double[] expected, double[] absSums, float[] actual, int n, double factor, String what) {
    for (int i = 0; i < expected.length; i++) {
      double bound = factor * n * U * absSums[i] + Double.MIN_NORMAL;
      double d = Math.abs(actual[i] - expected[i]);
      if (!(d <= bound)) {
        throw new AssertionError(what + ": output " + i + " is " + actual[i] + ", expected " + expected[i]
            + " ± " + bound);
      }
    }
  }
}
