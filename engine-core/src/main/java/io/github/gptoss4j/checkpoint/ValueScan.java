package io.github.gptoss4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Values a weight must never hold: NaN or infinity in a float tensor (exponent bits all ones), and the scale
 * 255 in an E8M0 tensor (NaN in the OCP MX spec). Each is "every bit of {@code mask} set" in one lane of
 * {@code width} bytes, so eight bytes are tested per step with the zero-lane trick on {@code (v & M) ^ M}.
 */
enum ValueScan {
  BF16(2, 0x7F80L),
  F16(2, 0x7C00L),
  F32(4, 0x7F80_0000L),
  F64(8, 0x7FF0_0000_0000_0000L),
  E8M0(1, 0xFFL);

  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final int width;
  private final long mask;
  private final long masks;
  private final long ones;
  private final long highs;

  ValueScan(int width, long mask) {
    this.width = width;
    this.mask = mask;
    long m = 0;
    long one = 0;
    long high = 0;
    for (int lane = 0; lane < 8 / width; lane++) {
      int shift = 8 * width * lane;
      m |= mask << shift;
      one |= 1L << shift;
      high |= 1L << (shift + 8 * width - 1);
    }
    this.masks = m;
    this.ones = one;
    this.highs = high;
  }

  /** How the values of {@code t} are checked, or null if every bit pattern is valid (blocks, integers). */
  static ValueScan of(TensorInfo t) {
    return switch (t.dtype()) {
      case BF16 -> BF16;
      case F16 -> F16;
      case F32 -> F32;
      case F64 -> F64;
      case U8 -> t.name().endsWith("scales") ? E8M0 : null;
      default -> null;
    };
  }

  /** What an invalid value of this kind is called in messages. */
  String invalid() {
    return this == E8M0 ? "the E8M0 scale 255 (NaN in the MX spec)" : "NaN or infinity";
  }

  /** Index of the first invalid element among bytes {@code [from, to)} of {@code s} (element-aligned), or -1. */
  long firstInvalid(MemorySegment s, long from, long to) {
    long i = from;
    for (; i + 8 <= to; i += 8) {
      long y = (s.get(LONG, i) & masks) ^ masks; // a lane is zero exactly where the value is invalid
      if (((y - ones) & ~y & highs) != 0) {
        break;
      }
    }
    for (; i < to; i += width) {
      long lane = width == 8 ? s.get(LONG, i) : readLane(s, i);
      if ((lane & mask) == mask) {
        return i / width;
      }
    }
    return -1;
  }

  private long readLane(MemorySegment s, long at) {
    long v = 0;
    for (int b = width - 1; b >= 0; b--) {
      v = (v << 8) | (s.get(ValueLayout.JAVA_BYTE, at + b) & 0xFF);
    }
    return v;
  }
}
