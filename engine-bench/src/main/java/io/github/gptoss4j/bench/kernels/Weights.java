package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Off-heap weights with realistic values (no NaN, no subnormals), filled fast by repeating a random tile. */
final class Weights {
  private Weights() {}

  private static final int TILE = 1 << 16;

  static MemorySegment filled(Arena arena, long bytes, MemorySegment tile) {
    MemorySegment s = arena.allocate(bytes, 64);
    for (long off = 0; off < bytes; off += TILE) {
      long n = Math.min(TILE, bytes - off);
      MemorySegment.copy(tile, 0, s, off, n);
    }
    return s;
  }

  static Bf16Matrix bf16(Arena arena, int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    MemorySegment tile = arena.allocate(TILE, 64);
    var layout = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < TILE / 2; i++) {
      float v = (float) (rnd.nextGaussian() * 0.02);
      tile.setAtIndex(layout, i, (short) (Float.floatToRawIntBits(v) >>> 16));
    }
    return new Bf16Matrix(filled(arena, 2L * rows * cols, tile), rows, cols);
  }

  static Mxfp4Matrix mxfp4(Arena arena, int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    MemorySegment blockTile = arena.allocate(TILE, 64);
    MemorySegment scaleTile = arena.allocate(TILE, 64);
    for (int i = 0; i < TILE; i++) {
      blockTile.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
      scaleTile.set(ValueLayout.JAVA_BYTE, i, (byte) (118 + rnd.nextInt(6)));
    }
    return new Mxfp4Matrix(
        filled(arena, (long) rows * cols / 2, blockTile), filled(arena, (long) rows * cols / 32, scaleTile), rows, cols);
  }

  static float[] activations(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }
}
