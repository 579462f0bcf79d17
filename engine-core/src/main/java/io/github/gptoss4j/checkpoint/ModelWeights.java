package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.util.List;

/**
 * Every weight of a gpt-oss model, bound to the mapped checkpoint without copying the matrices. Small
 * vectors (norm scales, biases, sinks) are widened to f32 arrays at bind time.
 *
 * @param config the architecture
 * @param embedding {@code [vocab, hidden]}
 * @param layers one entry per transformer block
 * @param finalNorm scale of the last RMSNorm, {@code [hidden]}
 * @param unembedding {@code [vocab, hidden]}
 */
public record ModelWeights(
    GptOssConfig config,
    WeightMatrix embedding,
    List<Layer> layers,
    float[] finalNorm,
    WeightMatrix unembedding) {

  /** One transformer block. */
  public record Layer(Attention attention, Moe moe) {}

  /**
   * Attention block: RMSNorm, q/k/v projections with bias, sinks, output projection with bias.
   *
   * @param norm {@code [hidden]}
   * @param q {@code [heads·headDim, hidden]}
   * @param k {@code [kvHeads·headDim, hidden]}
   * @param v {@code [kvHeads·headDim, hidden]}
   * @param o {@code [hidden, heads·headDim]}
   * @param sinks one learned logit per query head
   */
  public record Attention(
      float[] norm,
      WeightMatrix q,
      float[] qBias,
      WeightMatrix k,
      float[] kBias,
      WeightMatrix v,
      float[] vBias,
      WeightMatrix o,
      float[] oBias,
      float[] sinks) {}

  /**
   * Mixture-of-experts block.
   *
   * @param norm {@code [hidden]}
   * @param router {@code [experts, hidden]}
   * @param routerBias {@code [experts]}
   * @param experts one entry per expert
   */
  public record Moe(float[] norm, WeightMatrix router, float[] routerBias, List<Expert> experts) {}

  /**
   * One expert: gate/up projection (rows interleaved gate, up, gate, up …) and down projection.
   *
   * @param gateUp {@code [2·intermediate, hidden]}
   * @param down {@code [hidden, intermediate]}
   */
  public record Expert(Mxfp4Matrix gateUp, float[] gateUpBias, Mxfp4Matrix down, float[] downBias) {}
}
