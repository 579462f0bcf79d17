package io.github.gptoss4j.kernels;

import io.github.gptoss4j.KvType;

import static io.github.gptoss4j.kernels.VectorKernels.F;

import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector attention for one token and one KV head, used by {@link VectorKernels} when the head size is a multiple
 * of 16. The query heads sharing the KV head are processed in tiles of 8, one per lane of a score vector:
 * <ol>
 *   <li>scores: per key, 8 FMA chains (one per head) over the key's dims, then a fixed 3-level blend/permute
 *       tree turns the 8 accumulators into one vector holding the 8 heads' scores (no per-key horizontal sum,
 *       no {@code reduceLanes}); the running maximum is a lane-wise max;
 *   <li>softmax: lane-wise {@code exp(score − max)} with the deterministic polynomial {@link VectorExp#exp}, summed over
 *       keys in order, plus the sink's term;
 *   <li>values: per block of keys (swept once in order first, so it arrives at streaming speed), passes of two
 *       8-dim slices × four heads take {@code weight · value} into 8 accumulators; the sums are divided by the
 *       softmax denominator at the end.
 * </ol>
 * The KV ring is walked as at most two contiguous spans of rows. Every output depends only on its own token and
 * KV head, with a fixed operation order, so results do not depend on the thread count.
 */
final class VectorAttention {
  /** Query heads per pass: one per lane of a score vector. */
  static final int TILE = 8;

  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int L = 8; // F.length()
  /** Keys per block of the value pass: 256 rows of one head's values (32–64 KB) stay in L2 across its passes. */
  private static final int KEY_BLOCK = 256;

  /** Sink for {@link #touch}, so the JIT keeps its loads. */
  @SuppressWarnings("unused")
  private static int touched;

  // the reduction tree: merging lanes at distance 1, 2, then 4
  private static final VectorMask<Float> M1 = VectorMask.fromLong(F, 0b10101010);
  private static final VectorMask<Float> M2 = VectorMask.fromLong(F, 0b11001100);
  private static final VectorMask<Float> M4 = VectorMask.fromLong(F, 0b11110000);
  private static final VectorShuffle<Float> P1 = VectorShuffle.fromValues(F, 1, 0, 3, 2, 5, 4, 7, 6);
  private static final VectorShuffle<Float> P2 = VectorShuffle.fromValues(F, 2, 3, 0, 1, 6, 7, 4, 5);
  private static final VectorShuffle<Float> P4 = VectorShuffle.fromValues(F, 4, 5, 6, 7, 0, 1, 2, 3);

  private VectorAttention() {}

  /**
   * Attention of token {@code t} for the query heads of KV head {@code g}; the caller has checked the shapes
   * and that {@code headDim % 16 == 0}. Scratch layout (floats): the tile's queries {@code [8][d]}, value sums
   * {@code [8][d]}, then sinks, maxima and reciprocal sums (8 each), then scores {@code [n][8]}.
   */
  static void attendGroup(
      AttentionShape shape, float[] q, int qOff, int t, int pos0, KvBuffer kv, float[] sinks, int g, float[] out,
      int outOff, Scratch s) {
    int d = shape.headDim();
    int group = shape.heads() / shape.kvHeads();
    int p = pos0 + t;
    int start = shape.window() == 0 ? 0 : Math.max(0, p - shape.window() + 1);
    int n = p - start + 1;
    int first = start % kv.capacity();
    int span = Math.min(n, kv.capacity() - first); // rows [first, first+span), then [0, n−span)
    long index0 = kv.rowIndex(g, first, d);
    long index1 = kv.rowIndex(g, 0, d);
    int acc = TILE * d;
    int sink = 2 * TILE * d;
    int max = sink + L;
    int inv = max + L;
    int sc = inv + L;
    float[] buf = s.scores(sc + TILE * n);
    boolean bf16 = kv.type() == KvType.BF16;
    for (int h0 = 0; h0 < group; h0 += TILE) {
      int heads = Math.min(TILE, group - h0);
      int hq = g * group + h0;
      int qBase = qOff + (t * shape.heads() + hq) * d;
      Arrays.fill(buf, 0, 2 * TILE * d, 0f);
      System.arraycopy(q, qBase, buf, 0, heads * d);
      for (int k = 0; k < TILE; k++) {
        buf[sink + k] = sinks == null || k >= heads ? Float.NEGATIVE_INFINITY : sinks[hq + k];
        buf[max + k] = Float.NEGATIVE_INFINITY;
      }
      scores(buf, kv.keys(), bf16, index0, span, d, sc, shape.scale(), max);
      scores(buf, kv.keys(), bf16, index1, n - span, d, sc + TILE * span, shape.scale(), max);
      softmax(buf, n, sink, max, inv, sc);
      values(buf, kv.values(), bf16, index0, span, d, sc, acc);
      values(buf, kv.values(), bf16, index1, n - span, d, sc + TILE * span, acc);
      for (int k = 0; k < heads; k++) {
        int o = outOff + qBase - qOff + k * d;
        float r = buf[inv + k];
        for (int i = 0; i < d; i += L) {
          FloatVector.fromArray(F, buf, acc + k * d + i).mul(r).intoArray(out, o + i);
        }
      }
    }
  }

  /**
   * Scaled scores of {@code count} consecutive rows of one KV head against the 8 queries at {@code buf[0..8d)},
   * stored as {@code [row][head]} from {@code buf[sc]}; folds them into the lane-wise maximum at {@code buf[max]}.
   */
  private static void scores(
      float[] buf, MemorySegment keys, boolean bf16, long index0, int count, int d, int sc, float scale,
      int max) {
    FloatVector m = FloatVector.fromArray(F, buf, max);
    for (int r = 0; r < count; r++) {
      long index = index0 + (long) r * d;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      for (int i = 0; i < d; i += L) {
        FloatVector k = load(keys, bf16, index + i);
        a0 = k.fma(FloatVector.fromArray(F, buf, i), a0);
        a1 = k.fma(FloatVector.fromArray(F, buf, d + i), a1);
        a2 = k.fma(FloatVector.fromArray(F, buf, 2 * d + i), a2);
        a3 = k.fma(FloatVector.fromArray(F, buf, 3 * d + i), a3);
        a4 = k.fma(FloatVector.fromArray(F, buf, 4 * d + i), a4);
        a5 = k.fma(FloatVector.fromArray(F, buf, 5 * d + i), a5);
        a6 = k.fma(FloatVector.fromArray(F, buf, 6 * d + i), a6);
        a7 = k.fma(FloatVector.fromArray(F, buf, 7 * d + i), a7);
      }
      FloatVector lo = merge(merge(a0, a1, M1, P1), merge(a2, a3, M1, P1), M2, P2);
      FloatVector hi = merge(merge(a4, a5, M1, P1), merge(a6, a7, M1, P1), M2, P2);
      FloatVector v = merge(lo, hi, M4, P4).mul(scale);
      v.intoArray(buf, sc + TILE * r);
      m = m.max(v);
    }
    m.intoArray(buf, max);
  }

  /**
   * One vector whose lane {@code i} sums {@code a} and {@code b}'s lanes pairwise at distance {@code m}'s
   * period: lanes chosen by {@code m} come from {@code b}, the others from {@code a}.
   */
  private static FloatVector merge(FloatVector a, FloatVector b, VectorMask<Float> m, VectorShuffle<Float> p) {
    return a.blend(b, m).add(b.blend(a, m).rearrange(p));
  }

  /** Scores → {@code exp(score − max)} in place; the reciprocal of each head's denominator to {@code buf[inv]}. */
  private static void softmax(float[] buf, int n, int sink, int max, int inv, int sc) {
    FloatVector sinkV = FloatVector.fromArray(F, buf, sink);
    FloatVector m = FloatVector.fromArray(F, buf, max).max(sinkV);
    FloatVector sum = VectorExp.exp(sinkV.sub(m));
    for (int j = 0; j < n; j++) {
      FloatVector e = VectorExp.exp(FloatVector.fromArray(F, buf, sc + TILE * j).sub(m));
      e.intoArray(buf, sc + TILE * j);
      sum = sum.add(e);
    }
    FloatVector.broadcast(F, 1f).div(sum).intoArray(buf, inv);
  }

  /**
   * Adds {@code weight[row][head] · value[row]} over {@code count} consecutive rows of one KV head into
   * {@code buf[acc..]}. Per block of keys, each pass takes two 8-dim slices of four heads: every weight
   * broadcast feeds two FMAs and every value load four (the 8-head × 1-slice pass needed a broadcast per FMA
   * and ran at half the speed with the block in L2).
   */
  private static void values(
      float[] buf, MemorySegment values, boolean bf16, long index0, int count, int d, int sc, int acc) {
    for (int j0 = 0; j0 < count; j0 += KEY_BLOCK) {
      int j1 = Math.min(count, j0 + KEY_BLOCK);
      touch(values, bf16, index0 + (long) j0 * d, index0 + (long) j1 * d);
      for (int i = 0; i < d; i += 2 * L) {
        for (int h = 0; h < TILE; h += 4) {
          int o = acc + h * d + i;
          FloatVector a0 = FloatVector.fromArray(F, buf, o);
          FloatVector b0 = FloatVector.fromArray(F, buf, o + L);
          FloatVector a1 = FloatVector.fromArray(F, buf, o + d);
          FloatVector b1 = FloatVector.fromArray(F, buf, o + d + L);
          FloatVector a2 = FloatVector.fromArray(F, buf, o + 2 * d);
          FloatVector b2 = FloatVector.fromArray(F, buf, o + 2 * d + L);
          FloatVector a3 = FloatVector.fromArray(F, buf, o + 3 * d);
          FloatVector b3 = FloatVector.fromArray(F, buf, o + 3 * d + L);
          for (int r = j0; r < j1; r++) {
            long index = index0 + (long) r * d + i;
            FloatVector v = load(values, bf16, index);
            FloatVector u = load(values, bf16, index + L);
            int w = sc + TILE * r + h;
            FloatVector w0 = FloatVector.broadcast(F, buf[w]);
            a0 = v.fma(w0, a0);
            b0 = u.fma(w0, b0);
            FloatVector w1 = FloatVector.broadcast(F, buf[w + 1]);
            a1 = v.fma(w1, a1);
            b1 = u.fma(w1, b1);
            FloatVector w2 = FloatVector.broadcast(F, buf[w + 2]);
            a2 = v.fma(w2, a2);
            b2 = u.fma(w2, b2);
            FloatVector w3 = FloatVector.broadcast(F, buf[w + 3]);
            a3 = v.fma(w3, a3);
            b3 = u.fma(w3, b3);
          }
          a0.intoArray(buf, o);
          b0.intoArray(buf, o + L);
          a1.intoArray(buf, o + d);
          b1.intoArray(buf, o + d + L);
          a2.intoArray(buf, o + 2 * d);
          b2.intoArray(buf, o + 2 * d + L);
          a3.intoArray(buf, o + 3 * d);
          b3.intoArray(buf, o + 3 * d + L);
        }
      }
    }
  }

  /**
   * Reads one int per cache line of elements {@code [from, to)} in order before the strided passes over them:
   * a sequential sweep lets the prefetchers overlap the misses, where the passes (one 32- or 64-byte slice
   * per row) would wait for them one row at a time. Java has no prefetch instruction; this took the value pass
   * at context 4096 from 19 to 13–14 ms for 12 layers on one thread (docs/kernels.md).
   */
  private static void touch(MemorySegment values, boolean bf16, long from, long to) {
    int size = bf16 ? 2 : 4;
    int sum = 0;
    for (long at = from * size, end = to * size; at < end; at += 64) {
      sum += values.get(ValueLayout.JAVA_INT_UNALIGNED, at);
    }
    touched = sum;
  }

  /** Eight keys or values at {@code index} as f32. */
  private static FloatVector load(MemorySegment kv, boolean bf16, long index) {
    return bf16
        ? widen(ShortVector.fromMemorySegment(S, kv, 2 * index, LE))
        : FloatVector.fromMemorySegment(F, kv, 4 * index, LE);
  }

  /** Eight bf16 values widened to f32 (small enough to be inlined everywhere). */
  private static FloatVector widen(ShortVector v) {
    return ((IntVector) v.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
        .reinterpretAsFloats();
  }
}
