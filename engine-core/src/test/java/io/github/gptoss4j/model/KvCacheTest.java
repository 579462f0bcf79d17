package io.github.gptoss4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.KvType;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KvCacheTest {
  private static final int WINDOW = 8;
  private static final int MAX_BLOCK = 4;
  private static final GptOssConfig CONFIG =
      new GptOssConfig(
          2, 64, 16, 4, 2, 8, 4, 64, 1024, WINDOW,
          List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION),
          1e-5f, new GptOssConfig.Rope(150000, 32, 4096, 32, 1), 7f, 5000);
  private static final int ROW = 2 * 16;

  private static KvCache filled(KvType type, int positions) {
    KvCache cache = new KvCache(CONFIG, type, Long.MAX_VALUE, MAX_BLOCK, new AtomicLong());
    append(cache, positions);
    return cache;
  }

  /** Appends positions whose every key element is the position number and every value its negation. */
  private static void append(KvCache cache, int positions) {
    for (int done = 0; done < positions; ) {
      int n = Math.min(MAX_BLOCK, positions - done);
      float[] k = new float[n * ROW];
      float[] v = new float[n * ROW];
      for (int i = 0; i < k.length; i++) {
        k[i] = cache.size() + i / ROW;
        v[i] = -k[i];
      }
      cache.reserve(n);
      cache.write(0, k, v, 0, n);
      cache.write(1, k, v, 0, n);
      cache.advance(n);
      done += n;
    }
  }

  private static float key(KvCache cache, int layer, int position) {
    var buffer = cache.buffer(layer);
    long index = buffer.rowIndex(1, position % buffer.capacity(), CONFIG.headDim());
    return buffer.keys().get(ValueLayout.JAVA_FLOAT_UNALIGNED, index * 4);
  }

  @Test
  void predictedMemoryIsWhatIsAllocated() {
    for (int positions : new int[] {1, 11, 1024, 1025, 3000}) {
      try (KvCache cache = filled(KvType.F32, positions)) {
        assertEquals(KvCache.bytesFor(CONFIG, KvType.F32, positions, MAX_BLOCK), cache.allocatedBytes(), positions + " positions");
      }
    }
    assertEquals(
        KvCache.bytesFor(CONFIG, KvType.F32, 3000, MAX_BLOCK),
        2 * KvCache.bytesFor(CONFIG, KvType.BF16, 3000, MAX_BLOCK));
  }

  @Test
  void slidingLayersKeepOnlyARingAndFullLayersGrowInChunks() {
    try (KvCache cache = filled(KvType.F32, 2000)) {
      assertEquals(WINDOW + MAX_BLOCK - 1, cache.buffer(0).capacity());
      assertEquals(2 * KvCache.CHUNK, cache.buffer(1).capacity());
      assertEquals(1999f, key(cache, 0, 1999));
      assertEquals(0f, key(cache, 1, 0));
      assertEquals(1999f, key(cache, 1, 1999));
    }
  }

  private static GptOssConfig withWindow(int window) {
    return new GptOssConfig(2, 64, 16, 4, 2, 8, 4, 64, 1024, window,
        List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION),
        1e-5f, new GptOssConfig.Rope(150000, 32, 4096, 32, 1), 7f, 5000);
  }

  @Test
  void aWindowLongerThanTheContextCostsOnlyWhatIsUsed() {
    GptOssConfig allFull = new GptOssConfig(2, 64, 16, 4, 2, 8, 4, 64, 1024, WINDOW,
        List.of(LayerType.FULL_ATTENTION, LayerType.FULL_ATTENTION),
        1e-5f, new GptOssConfig.Rope(150000, 32, 4096, 32, 1), 7f, 5000);
    long twoFullLayers = KvCache.bytesFor(allFull, KvType.F32, 5, MAX_BLOCK);
    for (int window : new int[] {2_000_000, Integer.MAX_VALUE}) {
      GptOssConfig wide = withWindow(window);
      assertEquals(twoFullLayers, KvCache.bytesFor(wide, KvType.F32, 5, MAX_BLOCK), "window " + window);
      try (KvCache cache = new KvCache(wide, KvType.F32, Long.MAX_VALUE, MAX_BLOCK, new AtomicLong())) {
        append(cache, 5);
        assertEquals(KvCache.CHUNK, cache.buffer(0).capacity(), "grown like a full layer, window " + window);
        assertEquals(twoFullLayers, cache.allocatedBytes());
      }
    }
  }

  @Test
  void aGrowingWindowBecomesARingAndRewindsAcrossItsGrowth() {
    GptOssConfig config = withWindow(2000);
    try (KvCache cache = new KvCache(config, KvType.F32, Long.MAX_VALUE, MAX_BLOCK, new AtomicLong())) {
      append(cache, 10);
      KvCache.Mark mark = cache.mark();
      append(cache, 2500);
      assertEquals(2000 + MAX_BLOCK - 1, cache.buffer(0).capacity());
      assertEquals(2509f, key(cache, 0, 2509));
      assertEquals(510f, key(cache, 0, 510));
      cache.rewind(mark);
      for (int p = 0; p < 10; p++) {
        assertEquals(p, key(cache, 0, p));
      }
      append(cache, 1);
      assertEquals(10f, key(cache, 0, 10));
    }
  }

  @Test
  void exceedingTheBudgetIsAClearErrorAndAllocatesNothingMore() {
    long budget = KvCache.bytesFor(CONFIG, KvType.F32, 1024, MAX_BLOCK);
    try (KvCache cache = new KvCache(CONFIG, KvType.F32, budget, MAX_BLOCK, new AtomicLong())) {
      append(cache, 1024);
      var e = assertThrows(ContextOverflowException.class, () -> cache.reserve(1));
      assertTrue(e.getMessage().contains("budget"), e.getMessage());
      assertEquals(budget, cache.allocatedBytes());
      assertEquals(1024, cache.size());
    }
  }

  @Test
  void theModelsCountOfKvBytesFollowsEveryCacheAndCopyUntilClosed() {
    AtomicLong model = new AtomicLong();
    KvCache a = new KvCache(CONFIG, KvType.F32, Long.MAX_VALUE, MAX_BLOCK, model);
    KvCache b = new KvCache(CONFIG, KvType.BF16, Long.MAX_VALUE, MAX_BLOCK, model);
    assertEquals(0, model.get());
    append(a, 5);
    append(b, 2000); // the full layer grows twice
    KvCache copy = a.copy();
    assertEquals(a.allocatedBytes() + b.allocatedBytes() + copy.allocatedBytes(), model.get());
    // one sliding ring of window + block - 1 rows and one full layer of a chunk, keys and values, 2 heads of 16
    assertEquals(2L * 2 * 16 * 4 * (WINDOW + MAX_BLOCK - 1 + KvCache.CHUNK), a.allocatedBytes());
    a.close();
    b.close();
    assertEquals(copy.allocatedBytes(), model.get());
    copy.close();
    copy.close(); // closing twice frees nothing twice
    assertEquals(0, model.get());
  }

  @Test
  void exceedingTheModelContextIsAClearError() {
    try (KvCache cache = filled(KvType.BF16, 4998)) {
      var e = assertThrows(ContextOverflowException.class, () -> cache.reserve(3));
      assertTrue(e.getMessage().contains("5000"), e.getMessage());
    }
  }

  @Test
  void truncationKeepsWhatTheWindowStillHolds() {
    try (KvCache cache = filled(KvType.F32, 40)) {
      // The ring holds positions 29..39; the next token after position p needs p-7..p-1.
      assertTrue(cache.canTruncate(40));
      assertTrue(cache.canTruncate(36));
      assertFalse(cache.canTruncate(35));
      assertTrue(cache.canTruncate(0));
      assertThrows(IllegalArgumentException.class, () -> cache.truncate(20));
      cache.truncate(36);
      assertEquals(36, cache.size());
      append(cache, 2);
      assertEquals(36f, key(cache, 0, 36));
      assertEquals(37f, key(cache, 1, 37));
      assertEquals(33f, key(cache, 0, 33));
    }
  }

  @Test
  void rewindingToAMarkRestoresTheWindowAfterTheRingMovedOn() {
    try (KvCache cache = filled(KvType.F32, 40)) {
      KvCache.Mark mark = cache.mark();
      append(cache, 30);
      assertFalse(cache.canTruncate(40));
      cache.rewind(mark);
      assertEquals(40, cache.size());
      for (int p = 33; p < 40; p++) {
        assertEquals(p, key(cache, 0, p));
      }
      append(cache, 1);
      assertEquals(40f, key(cache, 0, 40));
      assertEquals(40f, key(cache, 1, 40));
      try (KvCache other = filled(KvType.F32, 50)) {
        assertThrows(IllegalArgumentException.class, () -> other.rewind(mark));
      }
    }
  }

  @Test
  void aCopyIsIndependent() {
    try (KvCache cache = filled(KvType.F32, 30);
        KvCache copy = cache.copy()) {
      assertEquals(30, copy.size());
      append(copy, 3);
      assertEquals(30, cache.size());
      assertEquals(25f, key(copy, 0, 25));
      assertEquals(29f, key(cache, 1, 29));
      assertEquals(32f, key(copy, 1, 32));
      assertEquals(KvCache.bytesFor(CONFIG, KvType.F32, 33, MAX_BLOCK), copy.allocatedBytes());
    }
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, KvCache.bf16(1.0f));
    // 1 + 2^-8 lies halfway between 1 and the next bf16 (1 + 2^-7): ties go to the even mantissa, 1.
    assertEquals((short) 0x3F80, KvCache.bf16(1.0f + 0x1p-8f));
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6: rounds up to the even one.
    assertEquals((short) 0x3F82, KvCache.bf16(1.0f + 3 * 0x1p-8f));
    assertEquals((short) 0xBF80, KvCache.bf16(-1.0f));
    assertTrue(Float.isNaN(Float.intBitsToFloat(KvCache.bf16(Float.NaN) << 16)));
  }
}
