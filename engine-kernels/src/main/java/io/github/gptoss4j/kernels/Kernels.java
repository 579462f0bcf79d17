package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import io.github.gptoss4j.KvType;

import java.lang.foreign.MemorySegment;

/**
 * Every per-token hot loop of the engine. Kernels know matrices and vectors, never layers: the model code
 * calls them and never touches vector lanes. Two implementations exist, a scalar one that is the readable
 * reference and a Vector-API one; {@link KernelProvider} picks one at start-up.
 *
 * <p>Activations are f32 arrays addressed by an offset; a block of {@code tokens} vectors is stored row
 * after row. Implementations are thread-safe, may split work over their own thread pool, and give
 * bit-identical results for any thread count. They allocate nothing per call on the decode path.
 * Arguments that do not fit together (short arrays, mismatched shapes, missing KV rows) raise
 * {@link KernelException} naming the argument and what was expected.
 */
public interface Kernels extends AutoCloseable {

  /**
   * The kernels chosen at start-up for this machine (see {@link KernelProvider}).
   *
   * @return the shared default kernels of {@link KernelProvider#get()}; never close them
   */
  static Kernels get() {
    return KernelProvider.get();
  }

  /**
   * Implementation name, e.g. {@code "vector(AVX-512, 16 floats)"} or {@code "scalar"}.
   *
   * @return a short human-readable name for logs and benchmarks
   */
  String name();

  /**
   * Number of threads work is split over.
   *
   * @return the number of threads, at least 1
   */
  int threads();

  /**
   * Nanoseconds the calling threads have spent, since these kernels were made, done with their own share of a
   * parallel call and waiting for the pool's workers to finish theirs: the cost of splitting work (imbalance,
   * hand-off latency) that a profile of one decode step reports as thread waits.
   *
   * @return the cumulative wait, or 0 for kernels that run everything on the calling thread
   */
  default long workerWaitNanos() {
    return 0;
  }

  /**
   * How matmuls treat activations: {@link Precision#EXACT} unless these kernels were created for INT8.
   *
   * @return the matmul precision these kernels were created with
   */
  Precision precision();

  /**
   * {@code out[t][r] = bias[r] + Σ_c w[r][c] · x[t][c]} for {@code t < tokens}: x is {@code [tokens, w.cols()]}
   * at {@code xOff}, out is {@code [tokens, w.rows()]} at {@code outOff}; {@code bias} may be null.
   * Each weight block is read (and for MXFP4 dequantised) once for all tokens. With {@link Precision#INT8}
   * kernels, x is first quantised per 32-column block for MXFP4 and {@link Q8Matrix} weights.
   *
   * @param w the weights, {@code [rows, cols]}
   * @param bias {@code w.rows()} values added to each output row, or null for none
   * @param x the input activations
   * @param xOff index in {@code x} of token 0's first element
   * @param tokens number of input rows, at least 1
   * @param out where the results are written (overwritten, not accumulated)
   * @param outOff index in {@code out} of token 0's first output
   */
  void matmul(WeightMatrix w, float[] bias, float[] x, int xOff, int tokens, float[] out, int outOff);

  /**
   * {@code vectors} one-token matmuls at once: row {@code v} of x ({@code [vectors, w.cols()]} at {@code xOff})
   * times w into row {@code v} of out, with exactly the results (bit for bit) of
   * {@code matmul(w, bias, x, xOff + v·cols, 1, out, outOff + v·rows)}, but each weight row is read from memory
   * once for all vectors: the batched decode of several sequences, each as if alone.
   *
   * @param w the weights, {@code [rows, cols]}
   * @param bias {@code w.rows()} values added to each output row, or null for none
   * @param x the input vectors, one after another
   * @param xOff index in {@code x} of vector 0's first element
   * @param vectors number of input vectors, at least 1
   * @param out where the results are written (overwritten), one row of {@code w.rows()} per vector
   * @param outOff index in {@code out} of vector 0's first output
   */
  void matvecs(WeightMatrix w, float[] bias, float[] x, int xOff, int vectors, float[] out, int outOff);

  /**
   * Copies row {@code row} of an embedding table, widened to f32, into {@code out[outOff..]}.
   *
   * @param table the embedding table, one row of {@code table.cols()} values per token id
   * @param row the row to copy (a token id), from 0 to {@code table.rows()} − 1
   * @param out where the {@code table.cols()} values are written
   * @param outOff index in {@code out} of the first value
   */
  void embedding(WeightMatrix table, int row, float[] out, int outOff);

  /**
   * RMSNorm of one vector of {@code n}: {@code out = x / sqrt(mean(x²) + eps) · scale}.
   *
   * @param x the input vector
   * @param xOff index in {@code x} of its first element
   * @param scale the {@code n} learned per-element weights
   * @param eps added to the mean square before the square root (e.g. 1e-5), positive
   * @param out where the {@code n} results are written; may be {@code x} itself at the same offset
   * @param outOff index in {@code out} of the first result
   * @param n vector length
   */
  void rmsNorm(float[] x, int xOff, float[] scale, float eps, float[] out, int outOff, int n);

  /**
   * Clamped SwiGLU on interleaved gate/up pairs: for {@code i < n}, with {@code g = min(gateUp[2i], limit)}
   * and {@code u = clamp(gateUp[2i+1], -limit, limit)}, {@code out[i] = g · σ(alpha · g) · (u + 1)}.
   *
   * @param gateUp interleaved {@code [gate, up]} pairs, {@code 2n} values
   * @param gateUpOff index in {@code gateUp} of the first gate value
   * @param alpha the sigmoid's slope (1.702 for gpt-oss)
   * @param limit the clamp bound (7 for gpt-oss), positive
   * @param out where the {@code n} results are written
   * @param outOff index in {@code out} of the first result
   * @param n number of gate/up pairs
   */
  void swiglu(float[] gateUp, int gateUpOff, float alpha, float limit, float[] out, int outOff, int n);

  /**
   * In-place softmax over {@code x[off..off+n)}.
   *
   * @param x the values, replaced by their softmax
   * @param off index of the first value
   * @param n number of values, at least 1
   */
  void softmax(float[] x, int off, int n);

  /**
   * Softmax weights for sampling: {@code out[outOff + i] = exp((x[off + i] − max) / t)} for {@code i < n} and
   * {@code x ≤ max}; arguments below −87 (and −∞, a masked token) give 0. Scalar and vector kernels give the
   * same bits, whether or not the JIT has compiled the loop, so sampling is the same on every machine.
   *
   * @param x the logits
   * @param off index in {@code x} of the first logit
   * @param n number of logits
   * @param max the largest of the {@code n} logits (the caller has it already)
   * @param t the temperature, positive
   * @param out where the {@code n} unnormalised weights are written, each in {@code [0, 1]}
   * @param outOff index in {@code out} of the first weight
   */
  void softmaxWeights(float[] x, int off, int n, float max, float t, float[] out, int outOff);

  /**
   * {@code Σ a[from, to)} in double, in a fixed order whatever the machine: four interleaved partial sums
   * added pairwise at the end. Scalar and vector kernels give the same bits.
   *
   * @param a the values
   * @param from first index, inclusive
   * @param to last index, exclusive; {@code from == to} sums to 0
   * @return the sum, computed in double
   */
  double sum(float[] a, int from, int to);

  /**
   * Index (relative to {@code off}) of the largest of {@code x[off..off+n)}; the first one on ties.
   *
   * @param x the values
   * @param off index of the first value
   * @param n number of values, at least 1
   * @return the index of the maximum, from 0 to {@code n - 1}
   */
  int argmax(float[] x, int off, int n);

  /**
   * Router: the {@code k} largest of {@code logits[off..off+n)} in descending order (lower index first on
   * ties) into {@code experts}, and the softmax over those k logits into {@code weights}.
   *
   * @param logits the router logits
   * @param off index in {@code logits} of the first logit
   * @param n number of logits (experts)
   * @param k how many to pick, from 1 to {@code n}
   * @param experts receives the chosen indices (relative to {@code off}) in its first {@code k} slots
   * @param weights receives their softmax weights, summing to 1, in its first {@code k} slots
   */
  void topK(float[] logits, int off, int n, int k, int[] experts, float[] weights);

  /**
   * {@code y[yOff+i] += a · x[xOff+i]} for {@code i < n}.
   *
   * @param a the scale factor
   * @param x the vector added, read from {@code xOff}
   * @param xOff index in {@code x} of its first element
   * @param y the vector updated in place
   * @param yOff index in {@code y} of its first element
   * @param n number of elements
   */
  void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

  /**
   * Causal attention with learned sinks for {@code tokens} queries at consecutive positions
   * {@code pos0 … pos0+tokens-1}.
   *
   * <p>{@code q} is {@code [tokens, heads·headDim]} at {@code qOff} (already rotated); {@code out} has the
   * same shape at {@code outOff}. Keys and values are laid out as {@link KvBuffer} says, position {@code p}
   * in row {@code p % kv.capacity()} of each KV head. Query head {@code h} uses
   * KV head {@code h / (heads / kvHeads)}. A query at position {@code p} sees keys at positions
   * {@code (p − window, p]} ({@code window = 0}: all of {@code [0, p]}); they must all be present.
   * Scores are scaled by {@code scale}; {@code sinks[h]} joins each head's softmax denominator as one more
   * logit and contributes no value ({@code sinks} may be null: no sink). Elements are little-endian.
   *
   * @param shape heads, KV heads, head size, score scale and sliding window
   * @param q the rotated queries, {@code [tokens, heads·headDim]}
   * @param qOff index in {@code q} of the first query
   * @param tokens number of queries, at least 1
   * @param pos0 position of the first query, from 0
   * @param kv the layer's cached keys and values, holding every position the queries see
   * @param sinks one learned sink logit per query head, or null for none
   * @param out where the attention outputs are written (overwritten), {@code [tokens, heads·headDim]}
   * @param outOff index in {@code out} of the first output
   */
  void attention(
      AttentionShape shape,
      float[] q,
      int qOff,
      int tokens,
      int pos0,
      KvBuffer kv,
      float[] sinks,
      float[] out,
      int outOff);

  /**
   * Shape of an attention call: heads, KV heads, head size, score scale and sliding window (0 = none).
   *
   * @param heads query heads, a positive multiple of {@code kvHeads}
   * @param kvHeads key/value heads, positive
   * @param headDim elements per head, positive
   * @param scale factor applied to each query-key dot product, e.g. {@code 1/sqrt(headDim)}
   * @param window sliding-window length in positions, or 0 for full causal attention
   */
  record AttentionShape(int heads, int kvHeads, int headDim, float scale, int window) {}

  /**
   * One layer's keys and values, head-major: for each KV head, {@code capacity} rows of {@code headDim}
   * elements, so the row of KV head {@code g} at ring row {@code r} starts at element
   * {@link #rowIndex rowIndex(g, r, headDim)}. Each head's keys are contiguous: attention streams them
   * instead of striding across the other heads (twice as fast at 4096 positions, docs/performance.md).
   *
   * @param keys the keys, {@code kvHeads · capacity · headDim} elements of {@code type}
   * @param values the values, laid out as the keys
   * @param type the element type of both segments
   * @param capacity rows per KV head: the ring's length in positions
   */
  record KvBuffer(MemorySegment keys, MemorySegment values, KvType type, int capacity) {
    /**
     * Element index of row {@code row} of KV head {@code kvHead}: {@code (kvHead·capacity + row)·headDim}.
     *
     * @param kvHead the KV head, from 0
     * @param row the ring row, from 0 to {@code capacity - 1}
     * @param headDim elements per head
     * @return the index of the row's first element (multiply by {@code type.bytes()} for a byte offset)
     */
    public long rowIndex(int kvHead, int row, int headDim) {
      return ((long) kvHead * capacity + row) * headDim;
    }
  }

  /** Releases the thread pool. The default instance from {@link #get()} lives as long as the JVM. */
  @Override
  void close();
}
