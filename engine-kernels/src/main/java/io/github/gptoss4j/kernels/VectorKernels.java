package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API versions of the hot kernels; everything not overridden here runs the scalar reference. Only
 * loaded after {@link KernelProvider} has checked that {@code jdk.incubator.vector} is present.
 *
 * <p>Layout trick shared by bf16 and MXFP4: inside every 32-column block the weights are consumed in the order
 * they come out of the memory cheaply: bf16 as [16 even columns | 16 odd columns] (the low half of a 32-bit word
 * of two bf16s), MXFP4 as columns [4k | 4k+2 | 4k+1 | 4k+3] for k = 0…7 (see {@link #MXFP4_ORDER}).
 * Activations are permuted the same way once per call; columns past the last whole block stay in natural order. A dot product is a sum, so only the rounding
 * order changes, and it is fixed, so results stay deterministic.
 *
 * <p>Reductions never use {@code reduceLanes}: its order may differ between interpreted and compiled code, so
 * lanes are stored and summed in a fixed tree. Likewise no vector {@code EXP}: its compiled (SVML) and
 * interpreted results differ, and the kernels must give the same bits on every call.
 */
final class VectorKernels extends ScalarKernels {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int L = 8; // F.length()
  private static final int BLOCK = 32;

  /** FP4 e2m1 values doubled, so they are integers −12…12 that fit a byte lookup. */
  private static final ByteVector FP4_X2 =
      ByteVector.fromArray(B, new byte[] {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}, 0);

  /**
   * 2^(e−128) for each scale byte e, the MXFP4 scale halved to undo the doubled table. Every entry is a finite
   * float (2^127 for e = 255, the subnormal 2^−128 for e = 0), and multiplying by a power of two rounds exactly
   * as {@code ldexp} does, so decoded values equal {@code FP4[code]·2^(e−127)} bit for bit.
   */
  private static final float[] HALF_SCALE = new float[256];

  static {
    for (int e = 0; e < 256; e++) {
      HALF_SCALE[e] = Math.scalb(1f, e - 128);
    }
  }

  /** Column of a 32-column block that bf16 kernels consume at position i: [16 even | 16 odd]. */
  private static final int[] BF16_ORDER = new int[BLOCK];

  /**
   * Column of a 32-column block that MXFP4 kernels consume at position i. The 16 low (even-column) nibbles are
   * looked up and widened to 16-bit lanes; int lane k then holds columns 4k (low half) and 4k+2 (high half), and
   * the high nibbles likewise columns 4k+1 and 4k+3: so [4k | 4k+2 | 4k+1 | 4k+3] for k = 0…7.
   */
  private static final int[] MXFP4_ORDER = new int[BLOCK];

  static {
    for (int i = 0; i < BLOCK; i++) {
      BF16_ORDER[i] = i < 16 ? 2 * i : 2 * (i - 16) + 1;
      MXFP4_ORDER[i] = 4 * (i % L) + new int[] {0, 2, 1, 3}[i / L];
    }
  }

  VectorKernels(int threads, Precision precision) {
    super(threads, precision);
  }

  /** Null when this CPU has float vectors of at least 8 lanes (AVX2 or better), else why not. */
  static String unusableReason() {
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    return lanes >= L ? null : "the CPU's preferred float vector has only " + lanes + " lanes";
  }

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit, " + F.length() + " floats)";
  }

  // ---------------------------------------------------------------- matmul

  @Override
  void beforeMatmul(WeightMatrix w, float[] x, int xOff, int tokens, MatmulInput input) {
    if (w instanceof F32Matrix) {
      return;
    }
    int cols = w.cols();
    int n = tokens * cols;
    input.reservePermuted(n);
    float[] xPerm = input.xPerm;
    if (int8(w)) {
      permuteQuantized(w, tokens, cols, input);
      return;
    }
    if (w instanceof Q8Matrix) {
      System.arraycopy(x, xOff, xPerm, 0, n); // rows decode in natural order
      return;
    }
    int main = cols / BLOCK * BLOCK;
    int[] order = w instanceof Mxfp4Matrix ? MXFP4_ORDER : BF16_ORDER;
    for (int t = 0; t < tokens; t++) {
      int src = xOff + t * cols;
      int dst = t * cols;
      for (int b = 0; b < main; b += BLOCK) {
        for (int i = 0; i < BLOCK; i++) {
          xPerm[dst + b + i] = x[src + b + order[i]];
        }
      }
      System.arraycopy(x, src + main, xPerm, dst + main, cols - main);
    }
  }

  /**
   * INT8: one token goes to the integer matvecs as 16-bit lanes (MXFP4 in [16 even | 16 odd] order, Q8 in
   * natural order); a block of tokens goes to the f32 prefill tiles dequantised (quant · scale), in the order
   * the row decoder writes. Both see the same quantised values.
   */
  private static void permuteQuantized(WeightMatrix w, int tokens, int cols, MatmulInput input) {
    boolean mxfp4 = w instanceof Mxfp4Matrix;
    int n = tokens * cols;
    byte[] xq = input.xq;
    if (tokens == 1) {
      input.reserveLanes(n);
      short[] xs = input.xs;
      for (int c = 0; c < n; c += BLOCK) {
        for (int i = 0; i < BLOCK; i++) {
          xs[c + i] = xq[c + (mxfp4 ? BF16_ORDER[i] : i)];
        }
      }
      return;
    }
    float[] xd = input.xd;
    float[] xPerm = input.xPerm;
    for (int c = 0; c < n; c += BLOCK) {
      float d = xd[c / BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        xPerm[c + i] = xq[c + (mxfp4 ? MXFP4_ORDER[i] : i)] * d;
      }
    }
  }

  @Override
  int rowGroup() {
    return 4;
  }

  @Override
  void matmulRows(
      WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, float[] out, int outOff, int r0, int r1,
      Scratch s, MatmulInput input) {
    int rows = w.rows();
    int cols = w.cols();
    if (w instanceof F32Matrix f) {
      // rare (no gpt-oss weight is f32); the row stays in L1 across tokens
      for (int r = r0; r < r1; r++) {
        float b = bias == null ? 0f : bias[r];
        for (int t = 0; t < tokens; t++) {
          out[outOff + t * rows + r] = dotF32(f.data(), (long) r * cols, x, xOff + t * cols, cols, s) + b;
        }
      }
      return;
    }
    float[] xp = input.xPerm;
    if (tokens == 1) {
      // decode: stream each row once, dequantising in registers
      boolean int8 = int8(w);
      switch (w) {
        case Mxfp4Matrix m when int8 -> matvecMxfp4Int8(m, bias, input.xs, input.xd, out, outOff, r0, r1, s);
        case Q8Matrix m when int8 -> matvecQ8Int8(m, bias, input.xs, input.xd, out, outOff, r0, r1, s);
        case Mxfp4Matrix m -> matvecMxfp4(m, bias, xp, out, outOff, r0, r1, s);
        case Bf16Matrix m -> matvecBf16(m, bias, xp, out, outOff, r0, r1, s);
        default -> prefillRows(w, bias, xp, tokens, out, outOff, r0, r1, s); // Q8 with f32 activations
      }
      return;
    }
    prefillRows(w, bias, xp, tokens, out, outOff, r0, r1, s);
  }

  private static void prefillRows(
      WeightMatrix w, float[] bias, float[] xp, int tokens, float[] out, int outOff, int r0, int r1, Scratch s) {
    int rows = w.rows();
    int cols = w.cols();
    // prefill: dequantise up to 4 rows once into scratch, then reuse them for every token; 4 rows × 2 tokens
    // per pass keep 8 FMA chains busy on 6 loads. Every (row, token) uses the same single-chain recipe, so the
    // tiling never changes a result.
    float[] dec = s.row(4 * cols);
    for (int g = r0; g < r1; g += 4) {
      int n = Math.min(4, r1 - g);
      for (int i = 0; i < n; i++) {
        decodePermuted(w, g + i, dec, i * cols);
      }
      int t = 0;
      if (n == 4) {
        for (; t + 1 < tokens; t += 2) {
          tile4x2(dec, cols, xp, t, bias, g, out, outOff + t * rows, rows, s);
        }
      }
      for (; t < tokens; t++) {
        for (int i = 0; i < n; i++) {
          out[outOff + t * rows + g + i] = chainDot(dec, i * cols, xp, t * cols, cols, s) + biasOf(bias, g + i);
        }
      }
    }
  }

  private static float biasOf(float[] bias, int r) {
    return bias == null ? 0f : bias[r];
  }

  /** One FMA chain over whole vectors, a fixed-order lane sum, then the scalar tail: the prefill recipe. */
  private static float chainDot(float[] w, int wOff, float[] x, int xOff, int n, Scratch s) {
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - L; i += L) {
      acc = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
    }
    acc.intoArray(s.lanes, 0);
    return finish(0, w, wOff, x, xOff, i, n, s);
  }

  /** The lanes stored at {@code s.lanes[at..at+8)}, then the scalar tail from column {@code i}. */
  private static float finish(int at, float[] w, int wOff, float[] x, int xOff, int i, int n, Scratch s) {
    float sum = lanes(s.lanes, at);
    for (; i < n; i++) {
      sum += w[wOff + i] * x[xOff + i];
    }
    return sum;
  }

  /** {@link #chainDot} for 4 decoded rows × tokens t and t+1 at once. */
  private static void tile4x2(
      float[] dec, int cols, float[] xp, int t, float[] bias, int g, float[] out, int outBase, int rows, Scratch s) {
    int x0 = t * cols;
    int x1 = x0 + cols;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a10 = a00, a20 = a00, a30 = a00, a01 = a00, a11 = a00, a21 = a00, a31 = a00;
    int i = 0;
    for (; i <= cols - L; i += L) {
      FloatVector v0 = FloatVector.fromArray(F, xp, x0 + i);
      FloatVector v1 = FloatVector.fromArray(F, xp, x1 + i);
      FloatVector w0 = FloatVector.fromArray(F, dec, i);
      FloatVector w1 = FloatVector.fromArray(F, dec, cols + i);
      FloatVector w2 = FloatVector.fromArray(F, dec, 2 * cols + i);
      FloatVector w3 = FloatVector.fromArray(F, dec, 3 * cols + i);
      a00 = w0.fma(v0, a00);
      a10 = w1.fma(v0, a10);
      a20 = w2.fma(v0, a20);
      a30 = w3.fma(v0, a30);
      a01 = w0.fma(v1, a01);
      a11 = w1.fma(v1, a11);
      a21 = w2.fma(v1, a21);
      a31 = w3.fma(v1, a31);
    }
    // the 8 accumulators go to scratch one by one (an array of vectors would box them)
    float[] lanes = s.lanes;
    a00.intoArray(lanes, 0);
    a10.intoArray(lanes, L);
    a20.intoArray(lanes, 2 * L);
    a30.intoArray(lanes, 3 * L);
    a01.intoArray(lanes, 4 * L);
    a11.intoArray(lanes, 5 * L);
    a21.intoArray(lanes, 6 * L);
    a31.intoArray(lanes, 7 * L);
    for (int k = 0; k < 8; k++) {
      int r = k & 3;
      int tt = k >> 2;
      out[outBase + tt * rows + g + r] =
          finish(k * L, dec, r * cols, xp, tt == 0 ? x0 : x1, i, cols, s) + biasOf(bias, g + r);
    }
  }

  /**
   * Sum of 8 lanes stored in {@code s.lanes}, in a fixed order. Call sites store the vector themselves
   * ({@code v.intoArray(s.lanes, 0)}): a helper taking the vector would box it whenever C2 declines to
   * inline it.
   */
  private static float lanes(float[] a, int at) {
    return ((a[at] + a[at + 1]) + (a[at + 2] + a[at + 3])) + ((a[at + 4] + a[at + 5]) + (a[at + 6] + a[at + 7]));
  }

  private static float lanes(Scratch s) {
    return lanes(s.lanes, 0);
  }

  /** Dot product of two float arrays with 4 vector accumulators, then a scalar tail. */
  static float dotF(float[] a, int aOff, float[] b, int bOff, int n, Scratch s) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
      a1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), a1);
      a2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), a2);
      a3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), a3);
    }
    for (; i <= n - L; i += L) {
      a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
    }
    a0.add(a1).add(a2.add(a3)).intoArray(s.lanes, 0);
    float sum = lanes(s);
    for (; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  private static float dotF32(MemorySegment w, long index, float[] x, int xOff, int n, Scratch s) {
    long base = index * 4;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      a0 = FloatVector.fromMemorySegment(F, w, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
      a1 = FloatVector.fromMemorySegment(F, w, base + 4L * (i + L), LE)
          .fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
    }
    a0.add(a1).intoArray(s.lanes, 0);
    float sum = lanes(s);
    for (; i < n; i++) {
      sum += w.getAtIndex(Formats.F32, index + i) * x[xOff + i];
    }
    return sum;
  }

  /** bf16 pairs as 32-bit words: the low bf16 (even column) shifted up is its f32, the high one masked. */
  private static FloatVector even(IntVector words) {
    return words.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector odd(IntVector words) {
    return words.and(0xFFFF0000).reinterpretAsFloats();
  }

  /**
   * Rows {@code [r0, r1)} of a bf16 matvec. The row loop lives here, not in {@link #matmulRows}, so that this
   * method and {@link #matvecMxfp4} stay too big for C2 to inline into their caller (over FreqInlineSize, 325
   * bytecodes; {@code javap -c} shows 330 and 349): inlined together there, they ran out of C2's node budget,
   * {@code even}/{@code odd} were left as calls and boxed their vectors, and the bf16 matvec fell to ~1 GB/s in
   * about one JVM run in three. Keep them above that size when editing.
   */
  private static void matvecBf16(
      Bf16Matrix m, float[] bias, float[] xp, float[] out, int outOff, int r0, int r1, Scratch s) {
    int cols = m.cols();
    MemorySegment seg = m.data();
    int main = cols / BLOCK * BLOCK;
    for (int r = r0; r < r1; r++) {
      long base = 2L * r * cols;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int c = 0; c < main; c += BLOCK) {
        IntVector lo = IntVector.fromMemorySegment(I, seg, base + 2L * c, LE);
        IntVector hi = IntVector.fromMemorySegment(I, seg, base + 2L * c + 32, LE);
        a0 = even(lo).fma(FloatVector.fromArray(F, xp, c), a0);
        a1 = even(hi).fma(FloatVector.fromArray(F, xp, c + L), a1);
        a2 = odd(lo).fma(FloatVector.fromArray(F, xp, c + 2 * L), a2);
        a3 = odd(hi).fma(FloatVector.fromArray(F, xp, c + 3 * L), a3);
      }
      a0.add(a1).add(a2.add(a3)).intoArray(s.lanes, 0);
      float sum = lanes(s);
      for (int c = main; c < cols; c++) {
        sum += Formats.bf16At(seg, (long) r * cols + c) * xp[c];
      }
      out[outOff + r] = sum + (bias == null ? 0f : bias[r]);
    }
  }

  /** Rows {@code [r0, r1)} of an MXFP4 matvec (why the row loop is here: see {@link #matvecBf16}). */
  private static void matvecMxfp4(
      Mxfp4Matrix m, float[] bias, float[] xp, float[] out, int outOff, int r0, int r1, Scratch s) {
    int nb = m.cols() / BLOCK;
    MemorySegment blocks = m.blocks();
    MemorySegment scales = m.scales();
    for (int r = r0; r < r1; r++) {
      long bBase = (long) r * nb * 16;
      long sBase = (long) r * nb;
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = acc0;
      for (int b = 0; b < nb; b++) {
        ByteVector packed = ByteVector.fromMemorySegment(B, blocks, bBase + 16L * b, LE);
        IntVector lo = pairs(packed.and((byte) 0x0F).selectFrom(FP4_X2));
        IntVector hi = pairs(highNibbles(packed).selectFrom(FP4_X2));
        int c = b * BLOCK;
        FloatVector sum = lowHalf(lo).mul(FloatVector.fromArray(F, xp, c));
        sum = highHalf(lo).fma(FloatVector.fromArray(F, xp, c + L), sum);
        sum = lowHalf(hi).fma(FloatVector.fromArray(F, xp, c + 2 * L), sum);
        sum = highHalf(hi).fma(FloatVector.fromArray(F, xp, c + 3 * L), sum);
        float scale = HALF_SCALE[scales.get(java.lang.foreign.ValueLayout.JAVA_BYTE, sBase + b) & 0xFF];
        if ((b & 1) == 0) {
          acc0 = sum.fma(FloatVector.broadcast(F, scale), acc0);
        } else {
          acc1 = sum.fma(FloatVector.broadcast(F, scale), acc1);
        }
      }
      acc0.add(acc1).intoArray(s.lanes, 0);
      out[outOff + r] = lanes(s) + biasOf(bias, r);
    }
  }

  /**
   * Rows {@code [r0, r1)} of an INT8 MXFP4 matvec: per block, the looked-up doubled FP4 values widened to
   * 16-bit lanes times the 16-bit activations, two products per lane (|sum| ≤ 2·12·127), pair sums into 8
   * int lanes, one conversion and one FMA with the product of both scales.
   */
  private static void matvecMxfp4Int8(
      Mxfp4Matrix m, float[] bias, short[] xs, float[] xd, float[] out, int outOff, int r0, int r1, Scratch s) {
    int nb = m.cols() / BLOCK;
    MemorySegment blocks = m.blocks();
    MemorySegment scales = m.scales();
    for (int r = r0; r < r1; r++) {
      long bBase = (long) r * nb * 16;
      long sBase = (long) r * nb;
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = acc0;
      for (int b = 0; b < nb; b++) {
        ByteVector packed = ByteVector.fromMemorySegment(B, blocks, bBase + 16L * b, LE);
        ShortVector lo = widen(packed.and((byte) 0x0F).selectFrom(FP4_X2));
        ShortVector hi = widen(highNibbles(packed).selectFrom(FP4_X2));
        int c = b * BLOCK;
        ShortVector p = lo.mul(ShortVector.fromArray(S16, xs, c)).add(hi.mul(ShortVector.fromArray(S16, xs, c + 16)));
        float scale = HALF_SCALE[scales.get(java.lang.foreign.ValueLayout.JAVA_BYTE, sBase + b) & 0xFF] * xd[b];
        if ((b & 1) == 0) {
          acc0 = pairSums(p).fma(FloatVector.broadcast(F, scale), acc0);
        } else {
          acc1 = pairSums(p).fma(FloatVector.broadcast(F, scale), acc1);
        }
      }
      acc0.add(acc1).intoArray(s.lanes, 0);
      out[outOff + r] = lanes(s) + biasOf(bias, r);
    }
  }

  /**
   * Rows {@code [r0, r1)} of an INT8 Q8 matvec: 32 stored bytes widened to 16-bit lanes times the activations
   * (|sum of two products| ≤ 2·127·127 fits 16 bits), pair sums in 32 bits (four products no longer fit 16),
   * one conversion and one FMA per block.
   */
  private static void matvecQ8Int8(
      Q8Matrix m, float[] bias, short[] xs, float[] xd, float[] out, int outOff, int r0, int r1, Scratch s) {
    int cols = m.cols();
    int nb = cols / BLOCK;
    MemorySegment quants = m.quants();
    MemorySegment scales = m.scales();
    for (int r = r0; r < r1; r++) {
      long qBase = (long) r * cols;
      long sBase = 4L * r * nb;
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = acc0;
      for (int b = 0; b < nb; b++) {
        int c = b * BLOCK;
        ShortVector w0 = widen(ByteVector.fromMemorySegment(B, quants, qBase + c, LE));
        ShortVector w1 = widen(ByteVector.fromMemorySegment(B, quants, qBase + c + 16, LE));
        ShortVector p = w0.mul(ShortVector.fromArray(S16, xs, c)).add(w1.mul(ShortVector.fromArray(S16, xs, c + 16)));
        float scale = scales.get(Formats.F32, sBase + 4L * b) * xd[b];
        if ((b & 1) == 0) {
          acc0 = widePairSums(p).fma(FloatVector.broadcast(F, scale), acc0);
        } else {
          acc1 = widePairSums(p).fma(FloatVector.broadcast(F, scale), acc1);
        }
      }
      acc0.add(acc1).intoArray(s.lanes, 0);
      out[outOff + r] = lanes(s) + biasOf(bias, r);
    }
  }

  /** Like {@link #pairSums} for lanes whose sum needs 17 bits: each half sign-extended, added in 32 bits. */
  private static FloatVector widePairSums(ShortVector p) {
    IntVector v = p.reinterpretAsInts();
    return (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
        .add(v.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
  }

  /** 16 bytes sign-extended to 16-bit lanes (one {@code vpmovsxbw}). */
  private static ShortVector widen(ByteVector v) {
    return (ShortVector) v.convertShape(VectorOperators.B2S, S16, 0);
  }

  /**
   * Adjacent 16-bit lanes summed into 8 int lanes, as f32: with {@code v} the int view (high value · 2^16 + low
   * value), {@code v + (v << 16)} holds their sum in its top 16 bits, which an arithmetic shift brings down
   * (the Vector API has no {@code vpmaddwd}; this is 3 instructions). Only for sums that fit 16 bits.
   */
  private static FloatVector pairSums(ShortVector p) {
    IntVector v = p.reinterpretAsInts();
    return (FloatVector) v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
        .convert(VectorOperators.I2F, 0);
  }

  /**
   * The high nibble of every byte, shifted as 16-bit lanes: x86 has no byte shift, and a byte {@code LSHR}
   * compiles to widen, shift, mask and pack (5 instructions instead of 1; ~15% of the MXFP4 matvec).
   */
  private static ByteVector highNibbles(ByteVector packed) {
    return packed.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
  }

  /**
   * 16 looked-up bytes widened to 16-bit lanes (one {@code vpmovsxbw}), seen as 8 int lanes of two values.
   * Converting them with {@link #lowHalf}/{@link #highHalf} (shifts within each lane) avoids extracting the
   * upper 8 bytes for a second {@code B2F}, which compiles to shuffle + blend + move: ~20% of the matvec.
   */
  private static IntVector pairs(ByteVector v) {
    return widen(v).reinterpretAsInts();
  }

  /** The low 16-bit value of each int lane, sign-extended, as f32 (exact: the values are −12…12). */
  private static FloatVector lowHalf(IntVector v) {
    return (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
        .convert(VectorOperators.I2F, 0);
  }

  /** The high 16-bit value of each int lane as f32. */
  private static FloatVector highHalf(IntVector v) {
    return (FloatVector) v.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0);
  }

  /** Row {@code r} as f32 into {@code dst[off..off+cols)}, whole blocks permuted like the activations. */
  private static void decodePermuted(WeightMatrix w, int r, float[] dst, int off) {
    int cols = w.cols();
    int main = cols / BLOCK * BLOCK;
    if (w instanceof Mxfp4Matrix m) {
      int nb = cols / BLOCK;
      long bBase = (long) r * nb * 16;
      for (int b = 0; b < nb; b++) {
        ByteVector packed = ByteVector.fromMemorySegment(B, m.blocks(), bBase + 16L * b, LE);
        IntVector lo = pairs(packed.and((byte) 0x0F).selectFrom(FP4_X2));
        IntVector hi = pairs(highNibbles(packed).selectFrom(FP4_X2));
        float scale = HALF_SCALE[m.scales().get(java.lang.foreign.ValueLayout.JAVA_BYTE, (long) r * nb + b) & 0xFF];
        int c = off + b * BLOCK;
        lowHalf(lo).mul(scale).intoArray(dst, c);
        highHalf(lo).mul(scale).intoArray(dst, c + L);
        lowHalf(hi).mul(scale).intoArray(dst, c + 2 * L);
        highHalf(hi).mul(scale).intoArray(dst, c + 3 * L);
      }
      return;
    }
    if (w instanceof Q8Matrix m) {
      int nb = cols / BLOCK;
      for (int c = 0; c < cols; c += L) {
        float d = m.scales().get(Formats.F32, 4L * ((long) r * nb + c / BLOCK));
        ((FloatVector) ByteVector.fromMemorySegment(B8, m.quants(), (long) r * cols + c, LE)
            .convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, off + c);
      }
      return;
    }
    Bf16Matrix m = (Bf16Matrix) w;
    long base = 2L * r * cols;
    for (int c = 0; c < main; c += BLOCK) {
      IntVector lo = IntVector.fromMemorySegment(I, m.data(), base + 2L * c, LE);
      IntVector hi = IntVector.fromMemorySegment(I, m.data(), base + 2L * c + 32, LE);
      even(lo).intoArray(dst, off + c);
      even(hi).intoArray(dst, off + c + L);
      odd(lo).intoArray(dst, off + c + 2 * L);
      odd(hi).intoArray(dst, off + c + 3 * L);
    }
    for (int c = main; c < cols; c++) {
      dst[off + c] = Formats.bf16At(m.data(), (long) r * cols + c);
    }
  }

  // ---------------------------------------------------------------- attention

  /** Head sizes that are not a multiple of 16 (none in gpt-oss: 64) run the scalar reference. */
  @Override
  void attendGroup(
      AttentionShape shape, float[] q, int qOff, int t, int pos0, KvBuffer kv, float[] sinks, int g, float[] out,
      int outOff, Scratch s) {
    if (shape.headDim() % (2 * L) == 0) {
      VectorAttention.attendGroup(shape, q, qOff, t, pos0, kv, sinks, g, out, outOff, s);
    } else {
      super.attendGroup(shape, q, qOff, t, pos0, kv, sinks, g, out, outOff, s);
    }
  }

  // ---------------------------------------------------------------- vector ops

  /** Even and odd lanes of two vectors (16 interleaved gate/up values): the 8 gates, the 8 ups. */
  private static final VectorShuffle<Float> GATES = VectorShuffle.fromValues(F, 0, 2, 4, 6, 8, 10, 12, 14);
  private static final VectorShuffle<Float> UPS = VectorShuffle.fromValues(F, 1, 3, 5, 7, 9, 11, 13, 15);

  /**
   * SwiGLU 8 pairs at a time: σ(z) from {@link VectorExp} as {@code 1/(1+e)} or {@code e/(1+e)} with
   * {@code e = exp(−|z|)} (never overflows), ~2 ulp from the scalar reference's double {@code exp}.
   */
  @Override
  void swigluPairs(float[] gateUp, int gateUpOff, float alpha, float limit, float[] out, int outOff, int n) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector a = FloatVector.fromArray(F, gateUp, gateUpOff + 2 * i);
      FloatVector b = FloatVector.fromArray(F, gateUp, gateUpOff + 2 * i + L);
      FloatVector g = a.rearrange(GATES, b).min(limit);
      FloatVector u = a.rearrange(UPS, b).max(-limit).min(limit);
      FloatVector z = g.mul(alpha);
      FloatVector e = VectorExp.exp(z.abs().neg());
      FloatVector sigmoid = FloatVector.broadcast(F, 1f).blend(e, z.lt(0f)).div(e.add(1f));
      g.mul(sigmoid).mul(u.add(1f)).intoArray(out, outOff + i);
    }
    swigluRange(gateUp, gateUpOff, alpha, limit, out, outOff, i, n);
  }

  @Override
  public void rmsNorm(float[] x, int xOff, float[] scale, float eps, float[] out, int outOff, int n) {
    MatrixChecks.range("rmsNorm input", x, xOff, n);
    MatrixChecks.range("rmsNorm scale", scale, 0, n);
    MatrixChecks.range("rmsNorm output", out, outOff, n);
    float inv = rmsFactor(dotF(x, xOff, x, xOff, n, callerScratch()), n, eps);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(inv).mul(FloatVector.fromArray(F, scale, i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] * inv * scale[i];
    }
  }

  @Override
  public void softmaxWeights(float[] x, int off, int n, float max, float t, float[] out, int outOff) {
    MatrixChecks.range("softmax weights input", x, off, n);
    MatrixChecks.range("softmax weights output", out, outOff, n);
    int done = ExpVector.shifted(x, off, n, max, t, out, outOff);
    Exp.shifted(x, off, done, n, max, t, out, outOff);
  }

  @Override
  public double sum(float[] a, int from, int to) {
    MatrixChecks.range("sum input", a, from, to - from);
    return ExpVector.sum(a, from, to);
  }

  @Override
  public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
    MatrixChecks.range("axpy x", x, xOff, n);
    MatrixChecks.range("axpy y", y, yOff, n);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.broadcast(F, a), FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
    }
  }
}
