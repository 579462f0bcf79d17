package io.github.gptoss4j.checkpoint;

import java.util.List;

/**
 * The architecture of a gpt-oss checkpoint, read from Hugging Face's {@code config.json} or OpenAI's
 * {@code original/config.json}; immutable and validated.
 *
 * @param numLayers transformer blocks
 * @param hiddenSize residual stream width (multiple of 32)
 * @param headDim size of one attention head
 * @param numHeads query heads
 * @param numKvHeads key/value heads (divides {@code numHeads})
 * @param numExperts experts per MoE layer
 * @param expertsPerToken experts each token is routed to
 * @param intermediateSize expert hidden size (the gate/up projection has twice as many rows)
 * @param vocabSize rows of the embedding and the unembedding
 * @param slidingWindow tokens a sliding-attention layer sees
 * @param layerTypes attention kind of each layer
 * @param rmsNormEps epsilon of every RMSNorm
 * @param rope rotary embedding parameters
 * @param swigluLimit clamp of the SwiGLU inputs
 * @param maxPositionEmbeddings longest context the model supports
 */
public record GptOssConfig(
    int numLayers,
    int hiddenSize,
    int headDim,
    int numHeads,
    int numKvHeads,
    int numExperts,
    int expertsPerToken,
    int intermediateSize,
    int vocabSize,
    int slidingWindow,
    List<LayerType> layerTypes,
    float rmsNormEps,
    Rope rope,
    float swigluLimit,
    int maxPositionEmbeddings) {

  /** SwiGLU's sigmoid sharpness, fixed by the architecture. */
  public static final float SWIGLU_ALPHA = 1.702f;

  /** Attention kind of one layer. */
  public enum LayerType {
    SLIDING_ATTENTION,
    FULL_ATTENTION
  }

  /**
   * RoPE with YaRN scaling ({@code factor = 1} means none).
   *
   * @param theta base
   * @param factor YaRN scaling factor
   * @param originalContext context the model was pre-trained for
   * @param betaFast NTK-by-parts fast boundary (OpenAI's {@code rope_ntk_beta})
   * @param betaSlow NTK-by-parts slow boundary (OpenAI's {@code rope_ntk_alpha})
   */
  public record Rope(double theta, double factor, int originalContext, double betaFast, double betaSlow) {}

  /** The sliding window of layer {@code layer}, 0 for full attention. */
  public int windowOf(int layer) {
    return layerTypes.get(layer) == LayerType.SLIDING_ATTENTION ? slidingWindow : 0;
  }
}
