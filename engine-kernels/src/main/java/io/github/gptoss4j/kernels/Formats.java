package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Element formats of weights and KV rows: little-endian bf16/f32 reads and MXFP4 decoding. */
final class Formats {
  private Formats() {}

  static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** FP4 e2m1 code → value: bit 3 is the sign, bits 0–2 index {0, .5, 1, 1.5, 2, 3, 4, 6}. */
  static final float[] FP4 = {0f, .5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};

  static float bf16(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** bf16 → f32 at element index {@code i} of a segment. */
  static float bf16At(MemorySegment s, long i) {
    return bf16(s.getAtIndex(BF16, i));
  }

  /**
   * Value of an MXFP4 element: {@code FP4[code] · 2^(scale−127)}, exactly as {@code torch.ldexp} in float32.
   * Computed by {@code Math.scalb} in double, where every such product is exact, then rounded once to float
   * (which gives ±Infinity for 6 · 2^128 and a subnormal for 0.5 · 2^−127, as ldexp does).
   */
  static float mxfp4(int code, int scale) {
    return (float) Math.scalb((double) FP4[code], scale - 127);
  }

  /** Decodes row {@code r} of any weight matrix into {@code dst[dstOff .. dstOff+cols)} as f32. */
  static void decodeRow(WeightMatrix w, int r, float[] dst, int dstOff) {
    int cols = w.cols();
    switch (w) {
      case Bf16Matrix m -> {
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
          dst[dstOff + c] = bf16At(m.data(), base + c);
        }
      }
      case F32Matrix m -> {
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
          dst[dstOff + c] = m.data().getAtIndex(F32, base + c);
        }
      }
      case Q8Matrix m -> {
        int nBlocks = cols / Q8Matrix.BLOCK;
        for (int b = 0; b < nBlocks; b++) {
          float d = m.scales().getAtIndex(F32, (long) r * nBlocks + b);
          for (int i = 0; i < Q8Matrix.BLOCK; i++) {
            dst[dstOff + 32 * b + i] = m.quants().get(ValueLayout.JAVA_BYTE, (long) r * cols + 32L * b + i) * d;
          }
        }
      }
      case Mxfp4Matrix m -> {
        int nBlocks = cols / Mxfp4Matrix.BLOCK;
        long blockBase = (long) r * nBlocks * 16;
        long scaleBase = (long) r * nBlocks;
        for (int b = 0; b < nBlocks; b++) {
          int scale = m.scales().get(ValueLayout.JAVA_BYTE, scaleBase + b) & 0xFF;
          for (int i = 0; i < 16; i++) {
            int packed = m.blocks().get(ValueLayout.JAVA_BYTE, blockBase + 16L * b + i);
            dst[dstOff + 32 * b + 2 * i] = mxfp4(packed & 0xF, scale); // low nibble: even element
            dst[dstOff + 32 * b + 2 * i + 1] = mxfp4((packed >>> 4) & 0xF, scale);
          }
        }
      }
    }
  }

  /**
   * Integer form of row {@code r} of an MXFP4 or Q8 matrix for {@link Precision#INT8}: element c is
   * {@code q[c] · d[c/32]}. MXFP4 codes become doubled FP4 values (integers −12…12) with d = 2^(e−128), the
   * halved scale (finite for every e); Q8 rows are copied as stored.
   */
  static void int8Row(WeightMatrix w, int r, byte[] q, float[] d) {
    int cols = w.cols();
    int nBlocks = cols / 32;
    switch (w) {
      case Q8Matrix m -> {
        MemorySegment.copy(m.quants(), ValueLayout.JAVA_BYTE, (long) r * cols, q, 0, cols);
        MemorySegment.copy(m.scales(), F32, (long) r * nBlocks * 4, d, 0, nBlocks);
      }
      case Mxfp4Matrix m -> {
        for (int b = 0; b < nBlocks; b++) {
          d[b] = Math.scalb(1f, (m.scales().get(ValueLayout.JAVA_BYTE, (long) r * nBlocks + b) & 0xFF) - 128);
          for (int i = 0; i < 16; i++) {
            int packed = m.blocks().get(ValueLayout.JAVA_BYTE, ((long) r * nBlocks + b) * 16 + i);
            q[32 * b + 2 * i] = (byte) (2 * FP4[packed & 0xF]);
            q[32 * b + 2 * i + 1] = (byte) (2 * FP4[(packed >>> 4) & 0xF]);
          }
        }
      }
      default -> throw new KernelException("int8 rows exist only for MXFP4 and Q8 matrices, not " + w);
    }
  }

  /**
   * Symmetric int8 quantisation of {@code n} values (a multiple of 32) in blocks of 32: {@code d = max|x| / 127},
   * {@code q = rint(x / d)}, so |q| ≤ 127 and products of two quants fit 15 bits; an all-zero block gets d = 0.
   */
  static void quantizeQ8(float[] x, int xOff, int n, byte[] q, int qOff, float[] d, int dOff) {
    for (int b = 0; b < n / 32; b++) {
      int base = xOff + 32 * b;
      float amax = 0f;
      for (int i = 0; i < 32; i++) {
        amax = Math.max(amax, Math.abs(x[base + i]));
      }
      float scale = amax / 127f;
      d[dOff + b] = scale;
      for (int i = 0; i < 32; i++) {
        float v = scale == 0f ? 0f : x[base + i] / scale;
        q[qOff + 32 * b + i] = (byte) Math.clamp((long) Math.rint(v), -127, 127);
      }
    }
  }
}
