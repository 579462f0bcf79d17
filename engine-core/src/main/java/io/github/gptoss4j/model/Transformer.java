package io.github.gptoss4j.model;

import java.util.concurrent.atomic.AtomicLong;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.ModelWeights;
import io.github.gptoss4j.checkpoint.ModelWeights.Attention;
import io.github.gptoss4j.checkpoint.ModelWeights.Expert;
import io.github.gptoss4j.checkpoint.ModelWeights.Moe;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.kernels.Rope;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The gpt-oss forward pass, as OpenAI's reference {@code gpt_oss/torch/model.py} computes it: embedding,
 * then per layer an attention block (RMSNorm, q/k/v with bias, YaRN RoPE, GQA attention with learned sinks
 * and an optional sliding window, output projection, residual) and a mixture-of-experts block (RMSNorm,
 * router, top-k experts with softmax weights, MXFP4 SwiGLU experts, weighted sum, residual), then the final
 * RMSNorm and the unembedding. Activations are f32; weights are read in place through {@link Kernels}.
 *
 * <p>Immutable and shareable between threads; per-sequence state lives in a {@link Sequence}.
 */
public final class Transformer {
  /**
   * Default number of tokens processed per pass during prefill: with 4 of 32 experts per token, a block of
   * 256 gives each expert about 32 tokens, so its weights are dequantised once for that many.
   */
  public static final int DEFAULT_MAX_BLOCK = 256;

  private final GptOssConfig config;
  private final ModelWeights weights;
  private final Kernels kernels;
  private final Rope rope;
  private final AttentionShape[] attentionShapes;
  /** Off-heap bytes held by the KV caches of this model's sequences and their copies. */
  private final AtomicLong kvBytes = new AtomicLong();

  /** A model over bound {@code weights}, computing with {@code kernels}. */
  public Transformer(ModelWeights weights, Kernels kernels) {
    this.config = weights.config();
    this.weights = weights;
    this.kernels = kernels;
    GptOssConfig.Rope r = config.rope();
    this.rope = new Rope(config.headDim(), r.theta(), r.factor(), r.originalContext(), r.betaFast(), r.betaSlow());
    float scale = (float) (1.0 / Math.sqrt(config.headDim()));
    this.attentionShapes = new AttentionShape[config.numLayers()];
    for (int l = 0; l < config.numLayers(); l++) {
      attentionShapes[l] =
          new AttentionShape(config.numHeads(), config.numKvHeads(), config.headDim(), scale, config.windowOf(l));
    }
  }

  /** The architecture. */
  public GptOssConfig config() {
    return config;
  }

  /** The kernels this model computes with. */
  public Kernels kernels() {
    return kernels;
  }

  /**
   * A new, empty sequence.
   *
   * @param kvType element type of its KV cache ({@link KvType#F32} is exact)
   * @param kvBudgetBytes most off-heap bytes its KV cache may take
   * @param maxBlock most tokens processed per pass (bounds scratch memory and the sliding-window rings)
   */
  public Sequence newSequence(KvType kvType, long kvBudgetBytes, int maxBlock) {
    return new Sequence(new KvCache(config, kvType, kvBudgetBytes, maxBlock, kvBytes), new Activations(config, maxBlock));
  }

  /**
   * Off-heap bytes the KV caches of this model's sequences, and the copies made of them ({@link
   * KvCache#copy()}), hold now: what they allocated and have not yet freed by closing.
   */
  public long kvCacheBytes() {
    return kvBytes.get();
  }

  /** A new sequence with an f32 KV cache, no memory budget and {@link #DEFAULT_MAX_BLOCK}. */
  public Sequence newSequence() {
    return newSequence(KvType.F32, Long.MAX_VALUE, DEFAULT_MAX_BLOCK);
  }

  /**
   * Runs {@code tokens[off..off+n)} at the sequence's next positions and appends them to its cache.
   *
   * @param logits receives the logits of every token ({@code [n, vocab]}) when {@code allLogits}, else of
   *     the last token only ({@code [vocab]}); may be null when no logits are wanted
   * @throws ModelException for a token id outside the vocabulary
   * @throws ContextOverflowException when the tokens do not fit the context or the KV budget
   */
  public void forward(Sequence seq, int[] tokens, int off, int n, float[] logits, boolean allLogits) {
    forward(seq, tokens, off, n, logits, 0, allLogits);
  }

  /** {@link #forward(Sequence, int[], int, int, float[], boolean)} writing the logits from {@code logitsOff}. */
  public void forward(Sequence seq, int[] tokens, int off, int n, float[] logits, int logitsOff, boolean allLogits) {
    checkTokens(tokens, off, n);
    int maxBlock = seq.activations.maxBlock;
    for (int start = 0; start < n; start += maxBlock) {
      int block = Math.min(maxBlock, n - start);
      Pass pass = new Block(seq, block);
      forwardPass(pass, tokens, off + start);
      if (logits != null && allLogits) {
        unembed(pass, 0, block, logits, logitsOff + start * config.vocabSize());
      } else if (logits != null && start + block == n) {
        unembed(pass, block - 1, 1, logits, logitsOff);
      }
    }
  }

  /**
   * Runs {@code tokens[off, off + n)} at the sequence's next positions as n one-token {@link #forward} calls
   * would, in one pass: every row is computed with the one-token kernels ({@link Kernels#matvecs}, attention
   * one query at a time), so the cache and the logits after each token ({@code [n, vocab]}) are bit for bit
   * those of the tokens run one at a time, while each weight is read once for all n. A block {@link #forward}
   * uses the tiled matmul instead, which may differ in the last bits. Speculative decoding verifies its guesses
   * with it.
   *
   * @throws ModelException for a token id outside the vocabulary, or more than {@link Sequence#maxBlock()} tokens
   * @throws ContextOverflowException when the tokens do not fit the context or the KV budget
   */
  public void verify(Sequence seq, int[] tokens, int off, int n, float[] logits) {
    if (n < 1 || n > seq.activations.maxBlock) {
      throw new ModelException("a verification runs 1 to " + seq.activations.maxBlock + " tokens, got " + n);
    }
    checkTokens(tokens, off, n);
    Pass pass = new Rows(seq, n);
    forwardPass(pass, tokens, off);
    unembed(pass, 0, n, logits, 0);
  }

  /** Scratch for {@link #decode}: one pass over up to {@code maxSequences} sequences. */
  public DecodeBatch newDecodeBatch(int maxSequences) {
    return new DecodeBatch(new Activations(config, maxSequences));
  }

  /**
   * Runs one token for each of {@code count} sequences in one pass: {@code tokens[i]} at the next position of
   * {@code sequences[i]}, which all differ. Each sequence gets, bit for bit, the logits and cache that {@link
   * #forward} of its token alone would give (the same kernels, the same order of operations per row), while
   * every dense weight, and each expert's weights, are read once for all the tokens routed to them.
   *
   * @param logits receives {@code [count, vocab]}: row i for sequence i
   * @throws ModelException for a token id outside the vocabulary
   * @throws ContextOverflowException when a token does not fit its sequence's context or KV budget (before any
   *     work)
   */
  public void decode(DecodeBatch batch, Sequence[] sequences, int[] tokens, int count, float[] logits) {
    if (count < 1 || count > batch.activations.maxBlock) {
      throw new ModelException(
          "a decode batch holds 1 to " + batch.activations.maxBlock + " sequences, got " + count);
    }
    checkTokens(tokens, 0, count);
    Pass pass = new Batch(batch.activations, sequences, count);
    forwardPass(pass, tokens, 0);
    unembed(pass, 0, count, logits, 0);
  }

  private void checkTokens(int[] tokens, int off, int n) {
    for (int i = off; i < off + n; i++) {
      if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
        throw new ModelException(
            "token id " + tokens[i] + " at index " + i + " is outside the vocabulary of " + config.vocabSize());
      }
    }
  }

  /** Runs a pass's tokens through every layer; the residual stream is left in {@code x}. */
  private void forwardPass(Pass pass, int[] tokens, int off) {
    Activations a = pass.a;
    int hidden = config.hiddenSize();
    pass.reserve();
    for (int t = 0; t < pass.n; t++) {
      kernels.embedding(weights.embedding(), tokens[off + t], a.x, t * hidden);
    }
    int n = pass.n;
    Stage.EMBEDDING.requireFinite(a.x, 0, n * hidden, hidden, -1, pass::position);
    for (int l = 0; l < config.numLayers(); l++) {
      attention(l, weights.layers().get(l).attention(), pass);
      Stage.ATTENTION.requireFinite(a.x, 0, n * hidden, hidden, l, pass::position);
      moe(weights.layers().get(l).moe(), pass);
      Stage.MOE.requireFinite(a.x, 0, n * hidden, hidden, l, pass::position);
    }
    pass.advance();
  }

  /**
   * The points where the residual stream (and at the end the logits) is checked for NaN and infinity, each
   * with the weights that could have put them there. A non-finite value never recovers, so the first check
   * it fails names its origin; a scan of the activations costs a fraction of the matmuls that made them.
   */
  private enum Stage {
    EMBEDDING("the embedding", "its rows of the embedding matrix"),
    ATTENTION("attention", "its input norm scale, q/k/v/o projections and biases, or sinks"),
    MOE("mixture of experts", "its norm scale, router, or an expert's MXFP4 blocks, scales or biases"),
    OUTPUT("the output", "the final norm scale or the unembedding");

    private final String what;
    private final String suspects;

    Stage(String what, String suspects) {
      this.what = what;
      this.suspects = suspects;
    }

    /**
     * Throws naming this stage if {@code values[from, from + length)}, rows of {@code width} whose positions
     * {@code positionOfRow} gives, hold a NaN or an infinity.
     */
    void requireFinite(float[] values, int from, int length, int width, int layer, IntUnaryOperator positionOfRow) {
      float probe = 0;
      for (int i = from; i < from + length; i++) {
        probe += values[i] * 0f; // NaN exactly when some value is NaN or infinite
      }
      if (probe == 0) {
        return;
      }
      int i = from;
      while (Float.isFinite(values[i])) {
        i++;
      }
      String where = layer < 0 ? what : "layer " + layer + "'s " + what;
      throw new ModelException("non-finite value (" + values[i] + ") after " + where + " at position "
          + positionOfRow.applyAsInt((i - from) / width) + ": the checkpoint's weights for it (" + suspects + ") likely hold NaN or"
          + " infinity; 'gptoss inspect --check-tensors' scans every tensor");
    }
  }

  /** {@code x += o(attention(rope(q), rope(k), v)) } over the normalised residual. */
  private void attention(int layer, Attention w, Pass p) {
    Activations a = p.a;
    int n = p.n;
    rmsNorm(a.x, w.norm(), a.normed, n);
    p.matmul(w.q(), w.qBias(), a.normed, 0, n, a.q);
    p.matmul(w.k(), w.kBias(), a.normed, 0, n, a.k);
    p.matmul(w.v(), w.vBias(), a.normed, 0, n, a.v);
    int qDim = config.numHeads() * config.headDim();
    int kvDim = config.numKvHeads() * config.headDim();
    for (int t = 0; t < n; t++) {
      rope.apply(a.q, t * qDim, config.numHeads(), p.position(t));
      rope.apply(a.k, t * kvDim, config.numKvHeads(), p.position(t));
    }
    p.attend(layer, w.sinks());
    p.matmul(w.o(), w.oBias(), a.attention, 0, n, a.projected);
    kernels.axpy(1f, a.projected, 0, a.x, 0, n * config.hiddenSize());
  }

  /**
   * {@code x += Σ_e weight_e · expert_e(norm(x))} over each token's top-k experts. Tokens are grouped by
   * expert so each expert's weights are read once per pass.
   */
  private void moe(Moe w, Pass p) {
    Activations a = p.a;
    int n = p.n;
    int hidden = config.hiddenSize();
    int k = config.expertsPerToken();
    int numExperts = config.numExperts();
    rmsNorm(a.x, w.norm(), a.normed, n);
    p.matmul(w.router(), w.routerBias(), a.normed, 0, n, a.routerLogits);
    Arrays.fill(a.expertSlotCount, 0);
    for (int t = 0; t < n; t++) {
      kernels.topK(a.routerLogits, t * numExperts, numExperts, k, a.tokenExperts, a.tokenExpertWeights);
      for (int j = 0; j < k; j++) {
        int e = a.tokenExperts[j];
        a.expertWeights[t * k + j] = a.tokenExpertWeights[j];
        a.expertSlots[e * a.maxBlock + a.expertSlotCount[e]++] = t * k + j;
      }
    }
    for (int e = 0; e < numExperts; e++) {
      int m = a.expertSlotCount[e];
      if (m > 0) {
        runExpert(w.experts().get(e), p, e, m);
      }
    }
    // Weighted sum in router order, then the residual, as the reference adds them.
    for (int t = 0; t < n; t++) {
      Arrays.fill(a.projected, t * hidden, (t + 1) * hidden, 0f);
      for (int j = 0; j < k; j++) {
        kernels.axpy(a.expertWeights[t * k + j], a.routed, (t * k + j) * hidden, a.projected, t * hidden, hidden);
      }
    }
    kernels.axpy(1f, a.projected, 0, a.x, 0, n * hidden);
  }

  /** One expert over the {@code m} tokens routed to it: down(swiglu(gateUp(x))), scattered to their slots. */
  private void runExpert(Expert expert, Pass p, int e, int m) {
    Activations a = p.a;
    int hidden = config.hiddenSize();
    int k = config.expertsPerToken();
    int intermediate = config.intermediateSize();
    for (int i = 0; i < m; i++) {
      int token = a.expertSlots[e * a.maxBlock + i] / k;
      System.arraycopy(a.normed, token * hidden, a.expertIn, i * hidden, hidden);
    }
    p.matmul(expert.gateUp(), expert.gateUpBias(), a.expertIn, 0, m, a.gateUp);
    for (int i = 0; i < m; i++) {
      kernels.swiglu(
          a.gateUp, i * 2 * intermediate, GptOssConfig.SWIGLU_ALPHA, config.swigluLimit(), a.swiglu,
          i * intermediate, intermediate);
    }
    p.matmul(expert.down(), expert.downBias(), a.swiglu, 0, m, a.expertOut);
    for (int i = 0; i < m; i++) {
      int slot = a.expertSlots[e * a.maxBlock + i];
      System.arraycopy(a.expertOut, i * hidden, a.routed, slot * hidden, hidden);
    }
  }

  /** Final RMSNorm and unembedding of {@code count} rows of the residual from {@code first}. */
  private void unembed(Pass p, int first, int count, float[] logits, int logitsOff) {
    Activations a = p.a;
    int hidden = config.hiddenSize();
    for (int t = 0; t < count; t++) {
      kernels.rmsNorm(a.x, (first + t) * hidden, weights.finalNorm(), config.rmsNormEps(), a.normed, t * hidden, hidden);
    }
    p.matmul(weights.unembedding(), null, a.normed, logitsOff, count, logits);
    Stage.OUTPUT.requireFinite(logits, logitsOff, count * config.vocabSize(), config.vocabSize(), -1,
        row -> p.position(first + row));
  }

  private void rmsNorm(float[] x, float[] scale, float[] out, int n) {
    int hidden = config.hiddenSize();
    for (int t = 0; t < n; t++) {
      kernels.rmsNorm(x, t * hidden, scale, config.rmsNormEps(), out, t * hidden, hidden);
    }
  }

  /**
   * The tokens of one pass and where each belongs: the two shapes differ only in how rows meet weights and
   * their sequence's KV cache, so the layers above read the same for both.
   */
  private abstract static class Pass {
    final Activations a;
    final int n;

    Pass(Activations a, int n) {
      this.a = a;
      this.n = n;
    }

    /** Position of row {@code t} in its sequence. */
    abstract int position(int t);

    /** {@code out = x · wᵀ + bias} for the pass's {@code rows} rows of x from {@code xOff}, out from its start. */
    abstract void matmul(WeightMatrix w, float[] bias, float[] x, int outOff, int rows, float[] out);

    /** Stores rows' k and v in their caches and attends every row's q over its own sequence. */
    abstract void attend(int layer, float[] sinks);

    abstract void reserve();

    abstract void advance();
  }

  /** A block of consecutive tokens of one sequence (prefill, or one decode token). */
  private class Block extends Pass {
    final Sequence seq;
    final int pos0;

    Block(Sequence seq, int n) {
      super(seq.activations, n);
      this.seq = seq;
      this.pos0 = seq.cache.size();
    }

    @Override
    int position(int t) {
      return pos0 + t;
    }

    @Override
    void matmul(WeightMatrix w, float[] bias, float[] x, int outOff, int rows, float[] out) {
      kernels.matmul(w, bias, x, 0, rows, out, outOff);
    }

    @Override
    void attend(int layer, float[] sinks) {
      seq.cache.write(layer, a.k, a.v, 0, n);
      kernels.attention(attentionShapes[layer], a.q, 0, n, pos0, seq.cache.buffer(layer), sinks, a.attention, 0);
    }

    @Override
    void reserve() {
      seq.cache.reserve(n);
    }

    @Override
    void advance() {
      seq.cache.advance(n);
    }
  }

  /**
   * A block of one sequence computed row by row with the one-token kernels, so that each row is exactly what
   * a one-token block at its position computes.
   */
  private final class Rows extends Block {
    Rows(Sequence seq, int n) {
      super(seq, n);
    }

    @Override
    void matmul(WeightMatrix w, float[] bias, float[] x, int outOff, int rows, float[] out) {
      kernels.matvecs(w, bias, x, 0, rows, out, outOff);
    }

    @Override
    void attend(int layer, float[] sinks) {
      // All rows' keys first, as a block stores them (the ring holds a block beyond the window); each query
      // then sees only the positions up to its own.
      seq.cache.write(layer, a.k, a.v, 0, n);
      int qDim = config.numHeads() * config.headDim();
      for (int t = 0; t < n; t++) {
        kernels.attention(
            attentionShapes[layer], a.q, t * qDim, 1, pos0 + t, seq.cache.buffer(layer), sinks, a.attention, t * qDim);
      }
    }
  }

  /** One token of each of n sequences: every matmul is n one-token matmuls reading the weights once. */
  private final class Batch extends Pass {
    private final Sequence[] sequences;
    private final int[] positions;

    Batch(Activations a, Sequence[] sequences, int n) {
      super(a, n);
      this.sequences = sequences;
      this.positions = new int[n];
      for (int t = 0; t < n; t++) {
        positions[t] = sequences[t].cache.size();
      }
    }

    @Override
    int position(int t) {
      return positions[t];
    }

    @Override
    void matmul(WeightMatrix w, float[] bias, float[] x, int outOff, int rows, float[] out) {
      kernels.matvecs(w, bias, x, 0, rows, out, outOff);
    }

    @Override
    void attend(int layer, float[] sinks) {
      int qDim = config.numHeads() * config.headDim();
      for (int t = 0; t < n; t++) {
        KvCache cache = sequences[t].cache;
        cache.write(layer, a.k, a.v, t, 1);
        kernels.attention(
            attentionShapes[layer], a.q, t * qDim, 1, positions[t], cache.buffer(layer), sinks, a.attention, t * qDim);
      }
    }

    @Override
    void reserve() {
      for (int t = 0; t < n; t++) {
        sequences[t].cache.reserve(1);
      }
    }

    @Override
    void advance() {
      for (int t = 0; t < n; t++) {
        sequences[t].cache.advance(1);
      }
    }
  }
}
