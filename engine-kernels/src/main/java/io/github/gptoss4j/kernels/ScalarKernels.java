package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import io.github.gptoss4j.KvType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The readable reference of every kernel: plain loops in f32 with sequential sums. Matmul and attention are
 * split over the worker pool by rows and by (token, KV head); every output is computed by one thread in a fixed
 * order, so results are bit-identical for any thread count. {@link VectorKernels} overrides the hot loops.
 *
 * <p>Re-entrant: everything a call writes besides its outputs lives in its calling thread's {@link Call} or, for
 * the pool's workers, in their own {@link Scratch}, so calls from different threads never share a buffer. A
 * call that finds the pool busy with another thread's job runs its chunks on its own thread (see {@link
 * WorkerPool#run}), with the same arithmetic per chunk, hence the same results.
 */
class ScalarKernels implements Kernels {

  final WorkerPool pool;
  final Precision precision;
  /** Rows a matvecs chunk runs for every vector before the next rows (a multiple of every rowGroup()). */
  private static final int VECTOR_ROWS = 16;

  // Scratch of workers 1..threads-1 (worker 0 is the calling thread, whose scratch is in its Call).
  private final Scratch[] workerScratch;
  private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

  ScalarKernels(int threads, Precision precision) {
    this.precision = precision;
    pool = new WorkerPool(threads);
    workerScratch = new Scratch[threads];
    for (int i = 1; i < threads; i++) {
      workerScratch[i] = new Scratch();
    }
  }

  /** What one calling thread's kernel calls write besides their outputs: reused, never shared. */
  final class Call {
    final Scratch scratch = new Scratch();
    private MatmulInput[] inputs = {new MatmulInput()};
    final MatmulJob matmul = new MatmulJob(this);
    final AttentionJob attention = new AttentionJob(this);

    /** The prepared activations of vector {@code v} of a {@link #matvecs} call (0 for a matmul). */
    MatmulInput input(int v) {
      if (v >= inputs.length) {
        int old = inputs.length;
        inputs = Arrays.copyOf(inputs, Math.max(v + 1, 2 * old));
        for (int i = old; i < inputs.length; i++) {
          inputs[i] = new MatmulInput();
        }
      }
      return inputs[v];
    }

    /** The scratch of {@code worker} while it runs a chunk of this call's job. */
    Scratch scratch(int worker) {
      return worker == 0 ? scratch : workerScratch[worker];
    }
  }

  /** Scratch of the calling thread, for the single-thread kernels. */
  final Scratch callerScratch() {
    return calls.get().scratch;
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int threads() {
    return pool.threads();
  }

  @Override
  public long workerWaitNanos() {
    return pool.waitNanos();
  }

  @Override
  public Precision precision() {
    return precision;
  }

  // ---------------------------------------------------------------- matmul

  @Override
  public final void matmul(
      WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, float[] out, int outOff) {
    checkMatmul("matmul", w, bias, x, xOff, tokens, out, outOff);
    Call call = calls.get();
    prepare(w, x, xOff, tokens, tokens == 1, call.input(0));
    run(call, w, bias, x, xOff, tokens, 0, out, outOff);
  }

  @Override
  public final void matvecs(
      WeightMatrix w, float[] bias, float[] x, int xOff, int vectors, float[] out, int outOff) {
    checkMatmul("matvecs", w, bias, x, xOff, vectors, out, outOff);
    if (vectors == 1) {
      matmul(w, bias, x, xOff, 1, out, outOff);
      return;
    }
    Call call = calls.get();
    if (sharesBlocks(w)) {
      prepare(w, x, xOff, vectors, true, call.input(0)); // vector v at v·cols, as in its own matmul
    } else {
      for (int v = 0; v < vectors; v++) {
        prepare(w, x, xOff + v * w.cols(), 1, true, call.input(v));
      }
    }
    run(call, w, bias, x, xOff, 1, vectors, out, outOff);
  }

  private static void checkMatmul(
      String what, WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, float[] out, int outOff) {
    if (tokens < 1) {
      throw new KernelException(what + ": tokens must be at least 1, got " + tokens);
    }
    MatrixChecks.range(what + " input x", x, xOff, (long) tokens * w.cols());
    MatrixChecks.range(what + " output", out, outOff, (long) tokens * w.rows());
    if (bias != null && bias.length < w.rows()) {
      throw new KernelException(what + " bias has " + bias.length + " floats, the matrix has " + w.rows() + " rows");
    }
  }

  /**
   * Quantises (INT8) and lays out one call's activations for its kernels, on the calling thread; {@code decode}:
   * every token in the layout of the one-token kernels.
   */
  private void prepare(WeightMatrix w, float[] x, int xOff, int tokens, boolean decode, MatmulInput input) {
    if (int8(w)) {
      input.reserveQuantized(tokens * w.cols());
      Formats.quantizeQ8(x, xOff, tokens * w.cols(), input.xq, 0, input.xd, 0);
    }
    beforeMatmul(w, x, xOff, tokens, decode, input);
  }

  private void run(
      Call call, WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, int vectors, float[] out,
      int outOff) {
    int rowsPerChunk = rowsPerChunk(w.rows());
    int chunks = (w.rows() + rowsPerChunk - 1) / rowsPerChunk;
    try {
      call.matmul.set(w, bias, x, xOff, tokens, vectors, out, outOff, rowsPerChunk);
      pool.run(chunks, call.matmul);
    } finally {
      call.matmul.clear();
    }
  }

  /** Enough chunks to balance the threads, few enough that hand-out overhead stays small. */
  private int rowsPerChunk(int rows) {
    int target = (rows + threads() * 16 - 1) / (threads() * 16);
    return Math.max(rowGroup(), Math.clamp(target, 4, 256) / rowGroup() * rowGroup());
  }

  /** Whether this matmul quantises its activations ({@link Precision#INT8} with MXFP4 or Q8 weights). */
  final boolean int8(WeightMatrix w) {
    return precision == Precision.INT8 && (w instanceof Mxfp4Matrix || w instanceof Q8Matrix);
  }

  /** Runs once per matmul call on the calling thread, before the rows are split over threads. */
  void beforeMatmul(WeightMatrix w, float[] x, int xOff, int tokens, boolean decode, MatmulInput input) {}

  /**
   * Whether {@link #matvecsRows} runs all vectors of a matvecs call over each weight block at once (their
   * activations then prepared together in {@code input(0)}); otherwise each vector has its own input.
   */
  boolean sharesBlocks(WeightMatrix w) {
    return false;
  }

  /** Rows {@code [r0, r1)} of a matvecs call for every vector: here one one-token matmul per vector. */
  void matvecsRows(
      WeightMatrix w, float[] bias, float[] x, int xOff, int vectors, float[] out, int outOff, int r0, int r1,
      Scratch s, Call call) {
    for (int v = 0; v < vectors; v++) {
      matmulRows(w, bias, x, xOff + v * w.cols(), 1, out, outOff + v * w.rows(), r0, r1, s, call.input(v));
    }
  }

  /** Chunks hold a multiple of this many rows (vector kernels process several rows per pass). */
  int rowGroup() {
    return 1;
  }

  /** Rows {@code [r0, r1)} of a matmul, all tokens. Decodes each row once and uses it for every token. */
  void matmulRows(
      WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, float[] out, int outOff, int r0, int r1,
      Scratch s, MatmulInput input) {
    int cols = w.cols();
    int rows = w.rows();
    if (int8(w)) {
      int8Rows(w, bias, tokens, out, outOff, r0, r1, s, input.xq, input.xd);
      return;
    }
    float[] row = s.row(cols);
    for (int r = r0; r < r1; r++) {
      Formats.decodeRow(w, r, row, 0);
      float b = bias == null ? 0f : bias[r];
      for (int t = 0; t < tokens; t++) {
        out[outOff + t * rows + r] = dot(row, 0, x, xOff + t * cols, cols) + b;
      }
    }
  }

  /** INT8 reference: per block an exact integer dot product, scaled by both blocks' scales, summed in order. */
  private static void int8Rows(
      WeightMatrix w, float[] bias, int tokens, float[] out, int outOff, int r0, int r1, Scratch s, byte[] xq,
      float[] xd) {
    int cols = w.cols();
    int nb = cols / 32;
    byte[] q = s.quants(cols);
    float[] d = s.blockScales(nb);
    for (int r = r0; r < r1; r++) {
      Formats.int8Row(w, r, q, d);
      for (int t = 0; t < tokens; t++) {
        float sum = 0f;
        for (int b = 0; b < nb; b++) {
          int isum = 0;
          for (int i = 32 * b; i < 32 * b + 32; i++) {
            isum += q[i] * xq[t * cols + i];
          }
          sum += isum * (d[b] * xd[t * nb + b]);
        }
        out[outOff + t * w.rows() + r] = sum + (bias == null ? 0f : bias[r]);
      }
    }
  }

  static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  private final class MatmulJob implements WorkerPool.Job {
    private final Call call;
    private WeightMatrix w;
    private float[] bias;
    private float[] x;
    private int xOff;
    private int tokens;
    private int vectors;
    private float[] out;
    private int outOff;
    private int rowsPerChunk;

    MatmulJob(Call call) {
      this.call = call;
    }

    void set(
        WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, int vectors, float[] out, int outOff,
        int rpc) {
      this.w = w;
      this.bias = bias;
      this.x = x;
      this.xOff = xOff;
      this.tokens = tokens;
      this.vectors = vectors;
      this.out = out;
      this.outOff = outOff;
      this.rowsPerChunk = rpc;
    }

    void clear() {
      set(null, null, null, 0, 0, 0, null, 0, 0);
    }

    @Override
    public void run(int chunk, int worker) {
      int r0 = chunk * rowsPerChunk;
      int r1 = Math.min(w.rows(), r0 + rowsPerChunk);
      Scratch s = call.scratch(worker);
      if (vectors == 0) {
        matmulRows(w, bias, x, xOff, tokens, out, outOff, r0, r1, s, call.input(0));
        return;
      }
      // A few rows at a time for every vector: the rows come from memory once and stay in cache for the rest.
      for (int g = r0; g < r1; g += VECTOR_ROWS) {
        matvecsRows(w, bias, x, xOff, vectors, out, outOff, g, Math.min(g + VECTOR_ROWS, r1), s, call);
      }
    }
  }

  // ---------------------------------------------------------------- attention

  @Override
  public final void attention(
      AttentionShape shape, float[] q, int qOff, int tokens, int pos0, KvBuffer kv, float[] sinks, float[] out,
      int outOff) {
    checkAttention(shape, q, qOff, tokens, pos0, kv, sinks, out, outOff);
    AttentionJob job = calls.get().attention;
    try {
      job.set(shape, q, qOff, tokens, pos0, kv, sinks, out, outOff);
      pool.run(tokens * shape.kvHeads(), job);
    } finally {
      job.clear();
    }
  }

  private static void checkAttention(
      AttentionShape shape, float[] q, int qOff, int tokens, int pos0, KvBuffer kv, float[] sinks, float[] out,
      int outOff) {
    int heads = shape.heads();
    int kvHeads = shape.kvHeads();
    if (heads < 1 || kvHeads < 1 || shape.headDim() < 1 || heads % kvHeads != 0) {
      throw new KernelException("attention: heads " + heads + " must be a positive multiple of kvHeads " + kvHeads
          + " and headDim " + shape.headDim() + " positive");
    }
    if (tokens < 1 || pos0 < 0 || shape.window() < 0) {
      throw new KernelException("attention: tokens " + tokens + ", pos0 " + pos0 + ", window " + shape.window()
          + ": need tokens ≥ 1, pos0 ≥ 0, window ≥ 0");
    }
    long width = (long) heads * shape.headDim();
    MatrixChecks.range("attention q", q, qOff, tokens * width);
    MatrixChecks.range("attention output", out, outOff, tokens * width);
    if (sinks != null && sinks.length < heads) {
      throw new KernelException("attention sinks have " + sinks.length + " values, need one per head (" + heads + ")");
    }
    long rowBytes = (long) kvHeads * shape.headDim() * kv.type().bytes();
    long need = rowBytes * kv.capacity();
    if (kv.capacity() < 1 || kv.keys().byteSize() < need || kv.values().byteSize() < need) {
      throw new KernelException("attention KV buffer: capacity " + kv.capacity() + " rows of " + rowBytes
          + " bytes needs " + need + " bytes per segment, has keys " + kv.keys().byteSize() + ", values "
          + kv.values().byteSize());
    }
    int last = pos0 + tokens - 1;
    int visible = shape.window() == 0 ? last + 1 : Math.min(shape.window(), last + 1);
    if (visible > kv.capacity()) {
      throw new KernelException("attention: a query at position " + last + " sees " + visible
          + " keys but the KV buffer holds only " + kv.capacity() + " rows");
    }
  }

  /**
   * The query heads of one token that share KV head {@code g}: each key and value row is fetched once for all
   * of them (GQA), while each head's own arithmetic keeps the order of a head-by-head loop. The vector kernels
   * override it.
   */
  void attendGroup(
      AttentionShape shape, float[] q, int qOff, int t, int pos0, KvBuffer kv, float[] sinks, int g, float[] out,
      int outOff, Scratch s) {
    int headDim = shape.headDim();
    int group = shape.heads() / shape.kvHeads();
    int p = pos0 + t;
    int start = shape.window() == 0 ? 0 : Math.max(0, p - shape.window() + 1);
    int n = p - start + 1;
    int h0 = g * group;
    int base0 = (t * shape.heads() + h0) * headDim;
    float[] scores = s.scores((n + 1) * group); // [head][key], then one denominator per head
    int sums = n * group;

    int first = start % kv.capacity();
    for (int j = 0, row = first; j < n; j++, row = row + 1 == kv.capacity() ? 0 : row + 1) {
      long index = kv.rowIndex(g, row, headDim);
      for (int k = 0; k < group; k++) {
        scores[k * n + j] = keyDot(q, qOff + base0 + k * headDim, kv, index, headDim, s) * shape.scale();
      }
    }
    for (int k = 0; k < group; k++) {
      float sink = sinks == null ? Float.NEGATIVE_INFINITY : sinks[h0 + k];
      scores[sums + k] = expShift(scores, k * n, n, sink, s);
    }
    java.util.Arrays.fill(out, outOff + base0, outOff + base0 + group * headDim, 0f);
    for (int j = 0, row = first; j < n; j++, row = row + 1 == kv.capacity() ? 0 : row + 1) {
      long index = kv.rowIndex(g, row, headDim);
      for (int k = 0; k < group; k++) {
        addValue(scores[k * n + j] / scores[sums + k], kv, index, out, outOff + base0 + k * headDim, headDim);
      }
    }
  }

  /**
   * With {@code m = max(a[off..off+n), sink)}: replaces each {@code a[i]} by {@code exp(a[i] − m)} and returns
   * their sum plus {@code exp(sink − m)} (a sink of −∞ adds nothing): the softmax numerators and denominator.
   */
  private static float expShift(float[] a, int off, int n, float sink, Scratch s) {
    float max = sink;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, a[off + j]);
    }
    float sum = (float) Math.exp(sink - max);
    for (int j = 0; j < n; j++) {
      a[off + j] = (float) Math.exp(a[off + j] - max);
      sum += a[off + j];
    }
    return sum;
  }

  /** {@code Σ q[qBase+i] · key[index+i]} for {@code i < headDim}. */
  private static float keyDot(float[] q, int qBase, KvBuffer kv, long index, int headDim, Scratch s) {
    float d = 0f;
    for (int i = 0; i < headDim; i++) {
      d += q[qBase + i] * element(kv.keys(), kv.type(), index + i);
    }
    return d;
  }

  /** {@code out[oBase+i] += weight · value[index+i]} for {@code i < headDim}. */
  private static void addValue(float weight, KvBuffer kv, long index, float[] out, int oBase, int headDim) {
    for (int i = 0; i < headDim; i++) {
      out[oBase + i] += weight * element(kv.values(), kv.type(), index + i);
    }
  }

  static float element(MemorySegment s, KvType type, long index) {
    return type == KvType.F32 ? s.getAtIndex(Formats.F32, index) : Formats.bf16At(s, index);
  }

  private final class AttentionJob implements WorkerPool.Job {
    private final Call call;
    private AttentionShape shape;
    private float[] q;
    private int qOff;
    private int pos0;
    private KvBuffer kv;
    private float[] sinks;
    private float[] out;
    private int outOff;

    AttentionJob(Call call) {
      this.call = call;
    }

    void set(AttentionShape shape, float[] q, int qOff, int tokens, int pos0, KvBuffer kv, float[] sinks,
        float[] out, int outOff) {
      this.shape = shape;
      this.q = q;
      this.qOff = qOff;
      this.pos0 = pos0;
      this.kv = kv;
      this.sinks = sinks;
      this.out = out;
      this.outOff = outOff;
    }

    void clear() {
      set(null, null, 0, 0, 0, null, null, null, 0);
    }

    @Override
    public void run(int chunk, int worker) {
      int t = chunk / shape.kvHeads();
      int g = chunk % shape.kvHeads();
      attendGroup(shape, q, qOff, t, pos0, kv, sinks, g, out, outOff, call.scratch(worker));
    }
  }

  // ---------------------------------------------------------------- single-thread vector ops

  @Override
  public void embedding(WeightMatrix table, int row, float[] out, int outOff) {
    if (row < 0 || row >= table.rows()) {
      throw new KernelException("embedding: token " + row + " is outside the table of " + table.rows() + " rows");
    }
    MatrixChecks.range("embedding output", out, outOff, table.cols());
    Formats.decodeRow(table, row, out, outOff);
  }

  @Override
  public void rmsNorm(float[] x, int xOff, float[] scale, float eps, float[] out, int outOff, int n) {
    MatrixChecks.range("rmsNorm input", x, xOff, n);
    MatrixChecks.range("rmsNorm scale", scale, 0, n);
    MatrixChecks.range("rmsNorm output", out, outOff, n);
    float sumSq = 0f;
    for (int i = 0; i < n; i++) {
      sumSq += x[xOff + i] * x[xOff + i];
    }
    float inv = rmsFactor(sumSq, n, eps);
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] * inv * scale[i];
    }
  }

  /** {@code 1/sqrt(mean + eps)} as torch's {@code rsqrt} in f32. */
  static float rmsFactor(float sumSq, int n, float eps) {
    return (float) (1.0 / Math.sqrt(sumSq / n + eps));
  }

  @Override
  public final void swiglu(
      float[] gateUp, int gateUpOff, float alpha, float limit, float[] out, int outOff, int n) {
    MatrixChecks.range("swiglu input", gateUp, gateUpOff, 2L * n);
    MatrixChecks.range("swiglu output", out, outOff, n);
    swigluPairs(gateUp, gateUpOff, alpha, limit, out, outOff, n);
  }

  /** The SwiGLU of {@code n} pairs, checked by {@link #swiglu}; the vector kernels override it. */
  void swigluPairs(float[] gateUp, int gateUpOff, float alpha, float limit, float[] out, int outOff, int n) {
    swigluRange(gateUp, gateUpOff, alpha, limit, out, outOff, 0, n);
  }

  /** The SwiGLU of pairs {@code [from, to)}, one at a time (the reference, and the vector kernels' tail). */
  static void swigluRange(
      float[] gateUp, int gateUpOff, float alpha, float limit, float[] out, int outOff, int from, int to) {
    for (int i = from; i < to; i++) {
      float g = Math.min(gateUp[gateUpOff + 2 * i], limit);
      float u = Math.clamp(gateUp[gateUpOff + 2 * i + 1], -limit, limit);
      float sigmoid = (float) (1.0 / (1.0 + Math.exp(-(alpha * g))));
      out[outOff + i] = g * sigmoid * (u + 1f);
    }
  }

  @Override
  public void softmaxWeights(float[] x, int off, int n, float max, float t, float[] out, int outOff) {
    MatrixChecks.range("softmax weights input", x, off, n);
    MatrixChecks.range("softmax weights output", out, outOff, n);
    Exp.shifted(x, off, 0, n, max, t, out, outOff);
  }

  @Override
  public double sum(float[] a, int from, int to) {
    MatrixChecks.range("sum input", a, from, to - from);
    return Exp.sum(a, from, to);
  }

  @Override
  public void softmax(float[] x, int off, int n) {
    MatrixChecks.range("softmax input", x, off, n);
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[off + i]);
    }
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      x[off + i] = (float) Math.exp(x[off + i] - max);
      sum += x[off + i];
    }
    for (int i = 0; i < n; i++) {
      x[off + i] /= sum;
    }
  }

  @Override
  public int argmax(float[] x, int off, int n) {
    if (n < 1) {
      throw new KernelException("argmax of an empty range");
    }
    MatrixChecks.range("argmax input", x, off, n);
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (x[off + i] > x[off + best]) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public void topK(float[] logits, int off, int n, int k, int[] experts, float[] weights) {
    if (k < 1 || k > n || experts.length < k || weights.length < k) {
      throw new KernelException("topK: k " + k + " must be in [1, " + n + "] and fit experts (" + experts.length
          + ") and weights (" + weights.length + ")");
    }
    MatrixChecks.range("topK logits", logits, off, n);
    for (int j = 0; j < k; j++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!chosen(experts, j, i) && (best < 0 || logits[off + i] > logits[off + best])) {
          best = i;
        }
      }
      experts[j] = best;
      weights[j] = logits[off + best];
    }
    // softmax over the k selected logits; the first is the largest
    float sum = 0f;
    for (int j = 0; j < k; j++) {
      weights[j] = (float) Math.exp(weights[j] - logits[off + experts[0]]);
      sum += weights[j];
    }
    for (int j = 0; j < k; j++) {
      weights[j] /= sum;
    }
  }

  private static boolean chosen(int[] experts, int count, int i) {
    for (int j = 0; j < count; j++) {
      if (experts[j] == i) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
    MatrixChecks.range("axpy x", x, xOff, n);
    MatrixChecks.range("axpy y", y, yOff, n);
    for (int i = 0; i < n; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
