package io.github.gptoss4j.checkpoint;

import java.util.ArrayList;
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

  /**
   * Checks the architecture is consistent; messages use the Hugging Face {@code config.json} field names.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public GptOssConfig {
    positive("num_hidden_layers", numLayers);
    positive("hidden_size", hiddenSize);
    positive("head_dim", headDim);
    positive("num_attention_heads", numHeads);
    positive("num_key_value_heads", numKvHeads);
    positive("num_local_experts", numExperts);
    positive("num_experts_per_tok", expertsPerToken);
    positive("intermediate_size", intermediateSize);
    positive("vocab_size", vocabSize);
    positive("sliding_window", slidingWindow);
    positive("max_position_embeddings", maxPositionEmbeddings);
    // Far above any gpt-oss (2880 wide, 36 layers, 201088 tokens) yet low enough that no product of sizes
    // the model computes in int can overflow, so a hostile config fails here instead of allocating.
    atMost("num_hidden_layers", numLayers, 1 << 12);
    atMost("hidden_size", hiddenSize, 1 << 16);
    atMost("head_dim", headDim, 1 << 12);
    atMost("num_attention_heads", numHeads, 1 << 12);
    atMost("num_local_experts", numExperts, 1 << 12);
    atMost("intermediate_size", intermediateSize, 1 << 18);
    atMost("vocab_size", vocabSize, 1 << 24);
    atMost("max_position_embeddings", maxPositionEmbeddings, 1 << 24);
    require((long) numHeads * headDim <= 1 << 20, "num_attention_heads × head_dim = " + (long) numHeads * headDim
        + " exceeds the limit of " + (1 << 20));
    require(hiddenSize % 32 == 0, "hidden_size " + hiddenSize + " must be a multiple of 32 (MXFP4 blocks)");
    require(intermediateSize % 32 == 0, "intermediate_size " + intermediateSize + " must be a multiple of 32 (MXFP4 blocks)");
    require(numHeads % numKvHeads == 0,
        "num_attention_heads " + numHeads + " must be a multiple of num_key_value_heads " + numKvHeads);
    require(expertsPerToken <= numExperts,
        "num_experts_per_tok " + expertsPerToken + " exceeds num_local_experts " + numExperts);
    require(layerTypes != null && layerTypes.size() == numLayers,
        "layer_types has " + (layerTypes == null ? "no" : layerTypes.size()) + " entries, expected num_hidden_layers = " + numLayers);
    layerTypes = List.copyOf(layerTypes);
    require(rmsNormEps > 0 && Float.isFinite(rmsNormEps), "rms_norm_eps " + rmsNormEps + " must be a positive number");
    require(swigluLimit > 0 && Float.isFinite(swigluLimit), "swiglu_limit " + swigluLimit + " must be a positive number");
    require(rope != null, "rope parameters are missing");
  }

  private static void positive(String field, int value) {
    require(value > 0, field + " must be a positive integer, found " + value);
  }

  private static void atMost(String field, int value, int max) {
    require(value <= max, field + " " + value + " exceeds the limit of " + max);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** SwiGLU's sigmoid sharpness, fixed by the architecture. */
  public static final float SWIGLU_ALPHA = 1.702f;

  /** Attention kind of one layer. */
  public enum LayerType {
    /** Attends to the last {@code sliding_window} tokens. */
    SLIDING_ATTENTION,
    /** Attends to every earlier token. */
    FULL_ATTENTION;

    /** The reference's default for {@code layers} blocks: even layers slide, odd layers attend to everything. */
    public static List<LayerType> alternating(int layers) {
      List<LayerType> types = new ArrayList<>(layers);
      for (int i = 0; i < layers; i++) {
        types.add(i % 2 == 0 ? SLIDING_ATTENTION : FULL_ATTENTION);
      }
      return List.copyOf(types);
    }
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
  public record Rope(double theta, double factor, int originalContext, double betaFast, double betaSlow) {
    /**
     * Checks the parameters describe a usable RoPE.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public Rope {
      require(theta > 0 && Double.isFinite(theta), "rope_theta " + theta + " must be a positive number");
      require(factor >= 1 && Double.isFinite(factor), "rope_scaling.factor " + factor + " must be at least 1");
      require(originalContext > 0 && originalContext <= 1 << 24,
          "rope_scaling.original_max_position_embeddings " + originalContext + " must be a positive integer up to "
              + (1 << 24));
      require(Double.isFinite(betaFast) && Double.isFinite(betaSlow) && betaFast > betaSlow && betaSlow > 0,
          "rope_scaling.beta_fast " + betaFast + " must exceed beta_slow " + betaSlow + " > 0");
    }
  }

  /** The sliding window of layer {@code layer}, 0 for full attention. */
  public int windowOf(int layer) {
    return layerTypes.get(layer) == LayerType.SLIDING_ATTENTION ? slidingWindow : 0;
  }
}
