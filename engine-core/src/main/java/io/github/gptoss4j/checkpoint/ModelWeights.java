package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.kernels.Q8Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.Arena;
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

  /**
   * The weights {@code precision} computes with: these for {@link Precision#EXACT}, {@link #withQ8Matrices} for
   * {@link Precision#INT8}.
   */
  public ModelWeights forPrecision(Precision precision, Arena arena) {
    return precision == Precision.INT8 ? withQ8Matrices(arena) : this;
  }

  /**
   * These weights with the attention projections (q, k, v, o) and the unembedding repacked into {@link
   * Q8Matrix} blocks allocated from {@code arena}, for {@link io.github.gptoss4j.Precision#INT8}: 1.125
   * instead of 2 bytes per weight read per token. The router (small, and it decides the experts) and the
   * embedding (one row read per token) stay as they are. Layers are repacked in parallel; each source matrix's
   * mapped pages are released once repacked, so they stop counting towards the process's resident memory.
   */
  public ModelWeights withQ8Matrices(Arena arena) {
    List<Layer> repacked = layers.parallelStream()
        .map(l -> {
          Attention a = l.attention();
          return new Layer(
              new Attention(a.norm(), q8(a.q(), arena), a.qBias(), q8(a.k(), arena), a.kBias(), q8(a.v(), arena),
                  a.vBias(), q8(a.o(), arena), a.oBias(), a.sinks()),
              l.moe());
        })
        .toList();
    return new ModelWeights(config, embedding, repacked, finalNorm, q8(unembedding, arena));
  }

  private static WeightMatrix q8(WeightMatrix m, Arena arena) {
    if (!(m instanceof Bf16Matrix b)) {
      return m;
    }
    Q8Matrix q = Q8Matrix.quantize(m, arena);
    if (b.data().isMapped()) {
      b.data().unload();
    }
    return q;
  }

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
