package io.github.gptoss4j.model;

import io.github.gptoss4j.checkpoint.GptOssConfig;

/**
 * Scratch memory of one sequence for a block of up to {@code maxBlock} tokens, allocated once so the
 * per-token path allocates nothing. Buffers are named after what the forward pass keeps in them.
 */
final class Activations {
  final GptOssConfig config;
  final int maxBlock;
  /** Residual stream {@code [block, hidden]}. */
  final float[] x;
  /** Normalised input of the current sub-block {@code [block, hidden]}. */
  final float[] normed;
  final float[] q;
  final float[] k;
  final float[] v;
  /** Attention output before the output projection {@code [block, heads·headDim]}. */
  final float[] attention;
  /** Output of a projection before it joins the residual {@code [block, hidden]}. */
  final float[] projected;
  final float[] routerLogits;
  /** One token's chosen experts and their weights, in router order. */
  final int[] tokenExperts;
  final float[] tokenExpertWeights;
  /** Every token's expert weights {@code [block, expertsPerToken]}. */
  final float[] expertWeights;
  /** Per expert: the (token·expertsPerToken + rank) slots routed to it. */
  final int[] expertSlots;
  final int[] expertSlotCount;
  /** One expert's gathered inputs, gate/up projections, SwiGLU outputs and down projections. */
  final float[] expertIn;
  final float[] gateUp;
  final float[] swiglu;
  final float[] expertOut;
  /** Each token's outputs of its chosen experts {@code [block, expertsPerToken, hidden]}. */
  final float[] routed;

  Activations(GptOssConfig c, int maxBlock) {
    this.config = c;
    this.maxBlock = maxBlock;
    int hidden = c.hiddenSize();
    int qDim = c.numHeads() * c.headDim();
    int kvDim = c.numKvHeads() * c.headDim();
    int k = c.expertsPerToken();
    x = new float[maxBlock * hidden];
    normed = new float[maxBlock * hidden];
    q = new float[maxBlock * qDim];
    this.k = new float[maxBlock * kvDim];
    v = new float[maxBlock * kvDim];
    attention = new float[maxBlock * qDim];
    projected = new float[maxBlock * hidden];
    routerLogits = new float[maxBlock * c.numExperts()];
    tokenExperts = new int[k];
    tokenExpertWeights = new float[k];
    expertWeights = new float[maxBlock * k];
    expertSlots = new int[c.numExperts() * maxBlock];
    expertSlotCount = new int[c.numExperts()];
    expertIn = new float[maxBlock * hidden];
    gateUp = new float[maxBlock * 2 * c.intermediateSize()];
    swiglu = new float[maxBlock * c.intermediateSize()];
    expertOut = new float[maxBlock * hidden];
    routed = new float[maxBlock * k * hidden];
  }

  /** Fresh scratch of the same shape. */
  Activations(Activations shape) {
    this(shape.config, shape.maxBlock);
  }
}
