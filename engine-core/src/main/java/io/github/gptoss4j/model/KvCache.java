package io.github.gptoss4j.model;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import io.github.gptoss4j.KvType;
import java.lang.foreign.Arena;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys and values of every layer for one sequence, off-heap.
 *
 * <p>Sliding-window layers keep a ring of the last {@code slidingWindow + maxBlock − 1} positions (a block of
 * {@code maxBlock} queries needs the window behind its first query), grown like a full layer until it is that
 * large, so a window longer than the context costs only what is used. Full-attention layers grow in chunks
 * of {@value #CHUNK} positions, doubling, up to the context limit; nothing is allocated for positions not
 * yet used. Growth beyond the caller's byte budget is a {@link ContextOverflowException}.
 *
 * <p>Not thread-safe: one cache belongs to one sequence.
 */
public final class KvCache implements AutoCloseable {
  /** Growth granularity of full-attention layers, in positions. */
  static final int CHUNK = 1024;

  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private final GptOssConfig config;
  private final KvType type;
  private final long budgetBytes;
  private final int maxBlock;
  private final int maxPositions;
  private final long rowBytes;
  private final Layer[] layers;
  /** The bytes allocated by every cache of the model this one belongs to (see Transformer#kvCacheBytes). */
  private final AtomicLong allocated;
  private int size;

  private final class Layer {
    final int window;
    Arena arena;
    KvBuffer buffer;

    Layer(int window) {
      this.window = window;
    }

    int capacity() {
      return buffer == null ? 0 : buffer.capacity();
    }

    /** Makes room for positions below {@code end}. */
    void ensure(int end) {
      if (end <= capacity() || isCompleteRing()) {
        return;
      }
      int target = capacityFor(window, capacity(), end, maxBlock, maxPositions);
      long extra = 2L * (target - capacity()) * rowBytes;
      if (allocatedBytes() + extra > budgetBytes) {
        throw new ContextOverflowException(
            "KV cache needs " + (allocatedBytes() + extra) + " bytes for " + end + " positions, over the budget of "
                + budgetBytes + " bytes");
      }
      Arena next = Arena.ofShared();
      MemorySegment keys = next.allocate(target * rowBytes, 64);
      MemorySegment values = next.allocate(target * rowBytes, 64);
      KvBuffer grown = new KvBuffer(keys, values, type, target);
      allocated.addAndGet(extra);
      if (buffer != null) {
        // Until a layer reaches its final capacity nothing has wrapped: position p is in row p, so each
        // head's used prefix copies over unchanged.
        copyRows(buffer, grown, size);
        arena.close();
      }
      arena = next;
      buffer = grown;
    }

    /** A sliding layer at its final capacity: from now on positions wrap around. */
    boolean isCompleteRing() {
      return window > 0 && buffer != null && capacity() >= ringCapacity(window, maxBlock);
    }
  }

  /** @param allocated the model's count of KV bytes allocated, which this cache adds to and subtracts from */
  KvCache(GptOssConfig config, KvType type, long budgetBytes, int maxBlock, AtomicLong allocated) {
    if (maxBlock < 1) {
      throw new IllegalArgumentException("maxBlock must be positive, got " + maxBlock);
    }
    this.config = config;
    this.type = type;
    this.budgetBytes = budgetBytes;
    this.maxBlock = maxBlock;
    this.allocated = allocated;
    this.maxPositions = config.maxPositionEmbeddings();
    this.rowBytes = (long) config.numKvHeads() * config.headDim() * type.bytes();
    this.layers = new Layer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new Layer(config.windowOf(l));
    }
  }

  /**
   * Bytes a cache needs to hold {@code positions} positions (what {@link KvCache} allocates for them),
   * computable before any work.
   */
  public static long bytesFor(GptOssConfig config, KvType type, int positions, int maxBlock) {
    long rowBytes = (long) config.numKvHeads() * config.headDim() * type.bytes();
    long rows = 0;
    for (int l = 0; l < config.numLayers(); l++) {
      int window = config.windowOf(l);
      if (positions > 0) {
        rows += capacityFor(window, 0, positions, maxBlock, config.maxPositionEmbeddings());
      }
    }
    return 2 * rows * rowBytes;
  }

  /**
   * Rows a layer grows to from {@code current} to hold positions below {@code needed}: a sliding layer grows
   * like a full one until it reaches its ring (a window larger than the context never needs the whole ring).
   */
  private static int capacityFor(int window, int current, int needed, int maxBlock, int maxPositions) {
    int full = fullCapacity(current, needed, maxPositions);
    return window > 0 ? Math.min(full, ringCapacity(window, maxBlock)) : full;
  }

  /** The window behind the first query of a block of {@code maxBlock}, capped so it cannot overflow. */
  private static int ringCapacity(int window, int maxBlock) {
    return (int) Math.min((long) window + maxBlock - 1, Integer.MAX_VALUE);
  }

  private static int fullCapacity(int current, int needed, int maxPositions) {
    int target = Math.max(CHUNK, current);
    while (target < needed) {
      target = target > maxPositions / 2 ? maxPositions : target * 2;
    }
    return Math.min(Math.max(target, needed), maxPositions);
  }

  /** Element type of the stored keys and values. */
  public KvType type() {
    return type;
  }

  /** Number of positions stored; the next token goes at this position. */
  public int size() {
    return size;
  }

  /** Off-heap bytes currently allocated. */
  public long allocatedBytes() {
    long total = 0;
    for (Layer layer : layers) {
      total += 2L * layer.capacity() * rowBytes;
    }
    return total;
  }

  /** Checks that {@code n} more positions fit the model's context and the budget, and allocates them. */
  void reserve(int n) {
    if (n > maxBlock) {
      throw new IllegalArgumentException("block of " + n + " tokens exceeds maxBlock " + maxBlock);
    }
    long end = (long) size + n;
    if (end > maxPositions) {
      throw new ContextOverflowException(
          "context of " + end + " tokens exceeds the model's limit of " + maxPositions);
    }
    long before = allocatedBytes();
    for (Layer layer : layers) {
      layer.ensure((int) end);
    }
    long after = allocatedBytes();
    if (after != before) {
      JfrKvGrowth.grew((int) end, before, after);
    }
  }

  /**
   * Stores the keys and values of {@code n} positions from {@code size()} on, given as rows {@code [from, from
   * + n)} of {@code kvHeads·headDim}, into each KV head's rows of the head-major buffer.
   */
  void write(int layer, float[] keys, float[] values, int from, int n) {
    KvBuffer buffer = layers[layer].buffer;
    int headDim = config.headDim();
    int kvHeads = config.numKvHeads();
    for (int t = 0; t < n; t++) {
      int row = (size + t) % buffer.capacity();
      for (int g = 0; g < kvHeads; g++) {
        long index = buffer.rowIndex(g, row, headDim);
        int src = ((from + t) * kvHeads + g) * headDim;
        store(buffer.keys(), index, keys, src, headDim);
        store(buffer.values(), index, values, src, headDim);
      }
    }
  }

  private void store(MemorySegment dst, long index, float[] src, int srcOff, int n) {
    if (type == KvType.F32) {
      MemorySegment.copy(src, srcOff, dst, F32, 4 * index, n);
    } else {
      for (int i = 0; i < n; i++) {
        dst.set(BF16, 2 * (index + i), bf16(src[srcOff + i]));
      }
    }
  }

  /** Copies rows {@code [0, rows)} of every KV head from one buffer to another of possibly other capacity. */
  private void copyRows(KvBuffer from, KvBuffer to, int rows) {
    int headDim = config.headDim();
    long bytes = (long) rows * headDim * type.bytes();
    for (int g = 0; g < config.numKvHeads(); g++) {
      long src = from.rowIndex(g, 0, headDim) * type.bytes();
      long dst = to.rowIndex(g, 0, headDim) * type.bytes();
      MemorySegment.copy(from.keys(), src, to.keys(), dst, bytes);
      MemorySegment.copy(from.values(), src, to.values(), dst, bytes);
    }
  }

  /** Rounds to the nearest bf16, ties to even (NaN stays NaN). */
  static short bf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The buffer attention reads for {@code layer}. */
  KvBuffer buffer(int layer) {
    return layers[layer].buffer;
  }

  /** Marks {@code n} more positions as stored, after every layer wrote them. */
  void advance(int n) {
    size += n;
  }

  /**
   * Whether {@link #truncate} can go back to {@code position}: sliding layers must still hold the window
   * behind it.
   */
  public boolean canTruncate(int position) {
    if (position < 0 || position > size) {
      return false;
    }
    for (Layer layer : layers) {
      if (layer.window > 0 && position > 0) {
        int oldestKept = size - layer.capacity();
        if (position - layer.window + 1 < oldestKept) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Forgets every position from {@code position} on, so generation can continue from there (a shared
   * prefix reused across turns).
   *
   * @throws IllegalArgumentException if {@link #canTruncate} says no
   */
  public void truncate(int position) {
    if (!canTruncate(position)) {
      throw new IllegalArgumentException(
          "cannot truncate the KV cache of " + size + " positions back to " + position
              + ": sliding-window layers no longer hold the positions before it");
    }
    size = position;
  }

  /**
   * Remembers the current position so the cache can {@link #rewind} to it later, even after the sliding
   * rings have moved on: the mark keeps a copy of the rings (small: window + block rows per sliding layer).
   */
  public Mark mark() {
    KvBuffer[] rings = new KvBuffer[layers.length];
    Arena arena = Arena.ofAuto();
    for (int l = 0; l < layers.length; l++) {
      Layer layer = layers[l];
      if (layer.window > 0 && layer.buffer != null) {
        rings[l] = new KvBuffer(arena.allocate(layer.buffer.keys().byteSize()).copyFrom(layer.buffer.keys()),
            arena.allocate(layer.buffer.values().byteSize()).copyFrom(layer.buffer.values()), type, layer.capacity());
      }
    }
    return new Mark(this, size, rings);
  }

  /** A position of this cache to come back to; see {@link #mark()}. */
  public static final class Mark {
    private final KvCache cache;
    private final int size;
    private final KvBuffer[] rings;

    private Mark(KvCache cache, int size, KvBuffer[] rings) {
      this.cache = cache;
      this.size = size;
      this.rings = rings;
    }

    /** The position marked. */
    public int position() {
      return size;
    }
  }

  /**
   * Goes back to a {@link #mark()} of this cache: positions from the mark on are forgotten and the sliding
   * rings are restored as they were.
   *
   * @throws IllegalArgumentException if the mark belongs to another cache or lies after the current size
   */
  public void rewind(Mark mark) {
    if (mark.cache != this || mark.size > size) {
      throw new IllegalArgumentException(
          "mark at position " + mark.size + " does not belong to this cache of " + size + " positions");
    }
    for (int l = 0; l < layers.length; l++) {
      KvBuffer ring = mark.rings[l];
      if (ring != null && ring.capacity() == layers[l].capacity()) {
        layers[l].buffer.keys().copyFrom(ring.keys());
        layers[l].buffer.values().copyFrom(ring.values());
      } else if (ring != null) {
        // The layer grew since the mark, which it only does before wrapping: position p was in row p.
        copyRows(ring, layers[l].buffer, mark.size);
      }
    }
    size = mark.size;
  }

  /** An independent copy of this cache (for branching), holding only the memory in use. */
  public KvCache copy() {
    KvCache copy = new KvCache(config, type, budgetBytes, maxBlock, allocated);
    if (size > 0) {
      for (int l = 0; l < layers.length; l++) {
        Layer from = layers[l];
        Layer to = copy.layers[l];
        to.ensure(size);
        copy.copyRows(from.buffer, to.buffer, Math.min(from.capacity(), to.capacity()));
      }
    }
    copy.size = size;
    return copy;
  }

  /**
   * Makes this cache hold exactly what {@code source} holds, as if it had computed the same positions itself:
   * a prefix computed once and reused by another sequence.
   *
   * @throws IllegalArgumentException if {@code source} has another shape (model, element type, block size)
   * @throws ContextOverflowException if its positions do not fit this cache's budget
   */
  public void restore(KvCache source) {
    if (source.config != config || source.type != type || source.maxBlock != maxBlock) {
      throw new IllegalArgumentException("cannot restore a KV cache of another model, element type or block size");
    }
    size = 0; // nothing of the old content is kept, so growing copies nothing
    for (int l = 0; l < layers.length; l++) {
      Layer from = source.layers[l];
      Layer to = layers[l];
      if (source.size > 0) {
        to.ensure(source.size);
        copyRows(from.buffer, to.buffer, Math.min(source.size, from.capacity()));
      }
    }
    size = source.size;
  }

  /**
   * What a saved cache must match to be read back into this one: the model's KV shape, element type and block
   * size.
   */
  public String format() {
    StringBuilder windows = new StringBuilder();
    for (Layer layer : layers) {
      windows.append(windows.isEmpty() ? "" : ",").append(layer.window);
    }
    return "layers=" + layers.length + " kvHeads=" + config.numKvHeads() + " headDim=" + config.headDim()
        + " windows=" + windows + " type=" + type + " maxBlock=" + maxBlock;
  }

  /** Writes the positions held (per layer, the rows in use of each KV head's keys and values). */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(size);
    byte[] buffer = new byte[(int) Math.min(1 << 20, Math.max(1, rowBytes))];
    for (Layer layer : layers) {
      int rows = Math.min(size, layer.capacity());
      out.writeInt(rows);
      for (int g = 0; g < config.numKvHeads() && rows > 0; g++) {
        long offset = layer.buffer.rowIndex(g, 0, config.headDim()) * type.bytes();
        long bytes = (long) rows * config.headDim() * type.bytes();
        copyOut(layer.buffer.keys(), offset, bytes, out, buffer);
        copyOut(layer.buffer.values(), offset, bytes, out, buffer);
      }
    }
  }

  /**
   * Replaces this cache's content with what {@link #writeTo} wrote (for a cache of the same {@link #format()}).
   *
   * @throws IOException if the data ends early or does not fit this cache
   */
  public void readFrom(DataInputStream in) throws IOException {
    int saved = in.readInt();
    if (saved < 0 || saved > maxPositions) {
      throw new IOException("the saved KV cache claims " + saved + " positions; expected 0 to " + maxPositions);
    }
    size = 0;
    byte[] buffer = new byte[(int) Math.min(1 << 20, Math.max(1, rowBytes))];
    for (Layer layer : layers) {
      int rows = in.readInt();
      if (saved > 0) {
        layer.ensure(saved);
      }
      if (rows != Math.min(saved, layer.capacity())) {
        throw new IOException("the saved KV cache has " + rows + " rows in a layer that holds "
            + Math.min(saved, layer.capacity()) + " for " + saved + " positions");
      }
      for (int g = 0; g < config.numKvHeads() && rows > 0; g++) {
        long offset = layer.buffer.rowIndex(g, 0, config.headDim()) * type.bytes();
        long bytes = (long) rows * config.headDim() * type.bytes();
        copyIn(in, layer.buffer.keys(), offset, bytes, buffer);
        copyIn(in, layer.buffer.values(), offset, bytes, buffer);
      }
    }
    size = saved;
  }

  private static void copyOut(MemorySegment from, long offset, long bytes, DataOutputStream out, byte[] buffer)
      throws IOException {
    for (long done = 0; done < bytes; ) {
      int n = (int) Math.min(buffer.length, bytes - done);
      MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset + done, buffer, 0, n);
      out.write(buffer, 0, n);
      done += n;
    }
  }

  private static void copyIn(DataInputStream in, MemorySegment to, long offset, long bytes, byte[] buffer)
      throws IOException {
    for (long done = 0; done < bytes; ) {
      int n = (int) Math.min(buffer.length, bytes - done);
      in.readFully(buffer, 0, n);
      MemorySegment.copy(buffer, 0, to, ValueLayout.JAVA_BYTE, offset + done, n);
      done += n;
    }
  }

  /** Frees the off-heap memory; the cache is unusable afterwards. */
  @Override
  public void close() {
    for (Layer layer : layers) {
      if (layer.arena != null) {
        allocated.addAndGet(-2L * layer.capacity() * rowBytes);
        layer.arena.close();
        layer.arena = null;
        layer.buffer = null;
      }
    }
    size = 0;
  }
}
