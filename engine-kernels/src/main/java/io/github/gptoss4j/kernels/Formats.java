package io.github.gptoss4j.kernels;

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
}
