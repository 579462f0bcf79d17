package io.github.gptoss4j.model;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.ModelWeights;
import io.github.gptoss4j.checkpoint.ModelWeights.Attention;
import io.github.gptoss4j.checkpoint.ModelWeights.Expert;
import io.github.gptoss4j.checkpoint.ModelWeights.Moe;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.kernels.Rope;
import java.util.Arrays;

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
    return new Sequence(new KvCache(config, kvType, kvBudgetBytes, maxBlock), new Activations(config, maxBlock));
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
    for (int i = off; i < off + n; i++) {
      if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
        throw new ModelException(
            "token id " + tokens[i] + " at index " + i + " is outside the vocabulary of " + config.vocabSize());
      }
    }
    int maxBlock = seq.activations.maxBlock;
    for (int start = 0; start < n; start += maxBlock) {
      int block = Math.min(maxBlock, n - start);
      forwardBlock(seq, tokens, off + start, block);
      if (logits != null && allLogits) {
        unembed(seq.activations, 0, block, logits, logitsOff + start * config.vocabSize());
      } else if (logits != null && start + block == n) {
        unembed(seq.activations, block - 1, 1, logits, logitsOff);
      }
    }
  }

  /** Runs one block of tokens through every layer; the residual stream is left in {@code x}. */
  private void forwardBlock(Sequence seq, int[] tokens, int off, int n) {
    Activations a = seq.activations;
    int hidden = config.hiddenSize();
    seq.cache.reserve(n);
    for (int t = 0; t < n; t++) {
      kernels.embedding(weights.embedding(), tokens[off + t], a.x, t * hidden);
    }
    for (int l = 0; l < config.numLayers(); l++) {
      attention(l, weights.layers().get(l).attention(), seq, n);
      moe(weights.layers().get(l).moe(), a, n);
    }
    seq.cache.advance(n);
  }

  /** {@code x += o(attention(rope(q), rope(k), v)) } over the normalised residual. */
  private void attention(int layer, Attention w, Sequence seq, int n) {
    Activations a = seq.activations;
    int pos0 = seq.cache.size();
    rmsNorm(a.x, w.norm(), a.normed, n);
    kernels.matmul(w.q(), w.qBias(), a.normed, 0, n, a.q, 0);
    kernels.matmul(w.k(), w.kBias(), a.normed, 0, n, a.k, 0);
    kernels.matmul(w.v(), w.vBias(), a.normed, 0, n, a.v, 0);
    int qDim = config.numHeads() * config.headDim();
    int kvDim = config.numKvHeads() * config.headDim();
    for (int t = 0; t < n; t++) {
      rope.apply(a.q, t * qDim, config.numHeads(), pos0 + t);
      rope.apply(a.k, t * kvDim, config.numKvHeads(), pos0 + t);
    }
    seq.cache.write(layer, a.k, a.v, n);
    kernels.attention(attentionShapes[layer], a.q, 0, n, pos0, seq.cache.buffer(layer), w.sinks(), a.attention, 0);
    kernels.matmul(w.o(), w.oBias(), a.attention, 0, n, a.projected, 0);
    kernels.axpy(1f, a.projected, 0, a.x, 0, n * config.hiddenSize());
  }

  /**
   * {@code x += Σ_e weight_e · expert_e(norm(x))} over each token's top-k experts. Tokens are grouped by
   * expert so each expert's weights are read once per block.
   */
  private void moe(Moe w, Activations a, int n) {
    int hidden = config.hiddenSize();
    int k = config.expertsPerToken();
    int numExperts = config.numExperts();
    rmsNorm(a.x, w.norm(), a.normed, n);
    kernels.matmul(w.router(), w.routerBias(), a.normed, 0, n, a.routerLogits, 0);
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
        runExpert(w.experts().get(e), a, e, m);
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
  private void runExpert(Expert expert, Activations a, int e, int m) {
    int hidden = config.hiddenSize();
    int k = config.expertsPerToken();
    int intermediate = config.intermediateSize();
    for (int i = 0; i < m; i++) {
      int token = a.expertSlots[e * a.maxBlock + i] / k;
      System.arraycopy(a.normed, token * hidden, a.expertIn, i * hidden, hidden);
    }
    kernels.matmul(expert.gateUp(), expert.gateUpBias(), a.expertIn, 0, m, a.gateUp, 0);
    for (int i = 0; i < m; i++) {
      kernels.swiglu(
          a.gateUp, i * 2 * intermediate, GptOssConfig.SWIGLU_ALPHA, config.swigluLimit(), a.swiglu,
          i * intermediate, intermediate);
    }
    kernels.matmul(expert.down(), expert.downBias(), a.swiglu, 0, m, a.expertOut, 0);
    for (int i = 0; i < m; i++) {
      int slot = a.expertSlots[e * a.maxBlock + i];
      System.arraycopy(a.expertOut, i * hidden, a.routed, slot * hidden, hidden);
    }
  }

  /** Final RMSNorm and unembedding of {@code count} rows of the residual from {@code first}. */
  private void unembed(Activations a, int first, int count, float[] logits, int logitsOff) {
    int hidden = config.hiddenSize();
    for (int t = 0; t < count; t++) {
      kernels.rmsNorm(a.x, (first + t) * hidden, weights.finalNorm(), config.rmsNormEps(), a.normed, t * hidden, hidden);
    }
    kernels.matmul(weights.unembedding(), null, a.normed, 0, count, logits, logitsOff);
  }

  private void rmsNorm(float[] x, float[] scale, float[] out, int n) {
    int hidden = config.hiddenSize();
    for (int t = 0; t < n; t++) {
      kernels.rmsNorm(x, t * hidden, scale, config.rmsNormEps(), out, t * hidden, hidden);
    }
  }
}
