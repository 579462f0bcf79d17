package io.github.gptoss4j;

/**
 * How matmuls treat activations. {@link #EXACT} is the default and matches OpenAI's reference;
 * {@link #INT8} is the opt-in fast path that reads fewer bytes and does integer dot products.
 */
public enum Precision {
  /** f32 activations against every weight exactly as stored. */
  EXACT,
  /**
   * Activations quantised to int8 per 32-column block (one f32 scale per block, symmetric, round to nearest
   * even) before they meet MXFP4 or 8-bit (Q8) weights; each block's dot product is exact in integers
   * and scaled once. bf16 and f32 weights keep f32 activations.
   */
  INT8
}
