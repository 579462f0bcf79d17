package io.github.gptoss4j.kernels;

/**
 * YaRN rotary position embedding as OpenAI's reference ({@code gpt_oss/torch/model.py}, {@code RotaryEmbedding}):
 * NTK-by-parts inverse frequencies, the concentration {@code 0.1·ln(factor)+1} multiplied into cos and sin, and
 * rotation of halves ({@code x1} = first half of a head, {@code x2} = second half:
 * {@code o1 = x1·cos − x2·sin}, {@code o2 = x2·cos + x1·sin}).
 *
 * <p>Inverse frequencies and angles are computed in float32 like the reference, so tables match it closely.
 * The cos/sin table grows on demand (positions are computed once, then reused); instances are thread-safe.
 */
public final class Rope {
  /** Positions beyond this are rejected: gpt-oss's context is 131072 tokens. */
  public static final int MAX_POSITIONS = 1 << 20;

  private final int headDim;
  private final int half;
  private final float[] invFreq;
  private final float concentration;
  private volatile Table table = new Table(new float[0], new float[0], 0);

  private record Table(float[] cos, float[] sin, int positions) {}

  /**
   * Precomputes the inverse frequencies for one head size and YaRN setting; the cos/sin table is built lazily.
   *
   * @param headDim size of one head (even)
   * @param theta RoPE base ({@code rope_theta})
   * @param factor YaRN scaling factor; ≤ 1 means plain RoPE
   * @param originalContext context length the model was trained with ({@code original_max_position_embeddings})
   * @param betaFast YaRN β_fast (32 for gpt-oss); sets the low end of the ramp
   * @param betaSlow YaRN β_slow (1 for gpt-oss); sets the high end of the ramp
   * @throws KernelException if the settings are not valid YaRN settings
   */
  public Rope(int headDim, double theta, double factor, int originalContext, double betaFast, double betaSlow) {
    if (headDim < 2 || headDim % 2 != 0 || !(theta > 1)) {
      throw new KernelException("RoPE: headDim " + headDim + " must be even and positive, theta " + theta + " > 1");
    }
    this.headDim = headDim;
    this.half = headDim / 2;
    this.invFreq = new float[half];
    // freq = theta ** (arange(0, headDim, 2) / headDim) in float32
    float[] freq = new float[half];
    for (int i = 0; i < half; i++) {
      freq[i] = (float) Math.pow(theta, (float) (2 * i) / (float) headDim);
    }
    if (factor > 1.0) {
      concentration = (float) (0.1 * Math.log(factor) + 1.0);
      double low = half * Math.log(originalContext / (betaFast * 2 * Math.PI)) / Math.log(theta);
      double high = half * Math.log(originalContext / (betaSlow * 2 * Math.PI)) / Math.log(theta);
      if (!(0 < low && low < high && high < half - 1)) {
        throw new KernelException("RoPE YaRN: ramp bounds low " + low + ", high " + high + " from betaFast "
            + betaFast + ", betaSlow " + betaSlow + ", originalContext " + originalContext
            + " must satisfy 0 < low < high < headDim/2 - 1 = " + (half - 1));
      }
      float fFactor = (float) factor;
      float fLow = (float) low;
      float fRange = (float) (high - low);
      for (int i = 0; i < half; i++) {
        float interpolation = 1f / (fFactor * freq[i]);
        float extrapolation = 1f / freq[i];
        float ramp = ((float) i - fLow) / fRange;
        float mask = 1f - Math.clamp(ramp, 0f, 1f);
        invFreq[i] = interpolation * (1f - mask) + extrapolation * mask;
      }
    } else {
      concentration = 1f;
      for (int i = 0; i < half; i++) {
        invFreq[i] = 1f / freq[i];
      }
    }
  }

  /**
   * Head size this instance rotates.
   *
   * @return the head size given to the constructor (even)
   */
  public int headDim() {
    return headDim;
  }

  /**
   * Rotates {@code nHeads} consecutive heads of {@code x} starting at {@code off}, all at {@code position},
   * in place.
   *
   * @param x the vectors, rotated in place
   * @param off index in {@code x} of the first head's first element
   * @param nHeads how many heads of {@link #headDim()} elements follow one another from {@code off}
   * @param position the token position, from 0 to {@link #MAX_POSITIONS} − 1
   */
  public void apply(float[] x, int off, int nHeads, int position) {
    MatrixChecks.range("RoPE input", x, off, (long) nHeads * headDim);
    Table t = tableFor(position);
    int tb = position * half;
    for (int h = 0; h < nHeads; h++) {
      int base = off + h * headDim;
      for (int i = 0; i < half; i++) {
        float c = t.cos[tb + i];
        float s = t.sin[tb + i];
        float x1 = x[base + i];
        float x2 = x[base + half + i];
        x[base + i] = x1 * c - x2 * s;
        x[base + half + i] = x2 * c + x1 * s;
      }
    }
  }

  /**
   * Rotates a block of {@code tokens} vectors of {@code nHeads} heads each (stored row after row from
   * {@code off}), token {@code t} at position {@code pos0 + t}.
   *
   * @param x the vectors, rotated in place
   * @param off index in {@code x} of the first token's first element
   * @param tokens number of token vectors, each {@code nHeads · headDim()} elements, one after another
   * @param nHeads heads per token vector
   * @param pos0 position of the first token; {@code pos0 + tokens} must not exceed {@link #MAX_POSITIONS}
   */
  public void applyBlock(float[] x, int off, int tokens, int nHeads, int pos0) {
    for (int t = 0; t < tokens; t++) {
      apply(x, off + t * nHeads * headDim, nHeads, pos0 + t);
    }
  }

  /** cos (at index 0) and sin (at index {@code headDim/2}) of one position, concentration included. */
  float[] cosSin(int position) {
    Table t = tableFor(position);
    float[] r = new float[headDim];
    System.arraycopy(t.cos, position * half, r, 0, half);
    System.arraycopy(t.sin, position * half, r, half, half);
    return r;
  }

  private Table tableFor(int position) {
    Table t = table;
    if (position >= 0 && position < t.positions) {
      return t;
    }
    if (position < 0 || position >= MAX_POSITIONS) {
      throw new KernelException("RoPE position " + position + " is outside [0, " + MAX_POSITIONS + ")");
    }
    return grow(position);
  }

  private synchronized Table grow(int position) {
    Table t = table;
    if (position < t.positions) {
      return t;
    }
    int positions = Math.min(MAX_POSITIONS, Math.max(Math.max(4096, 2 * t.positions), position + 1));
    float[] cos = java.util.Arrays.copyOf(t.cos, positions * half);
    float[] sin = java.util.Arrays.copyOf(t.sin, positions * half);
    for (int p = t.positions; p < positions; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) p * invFreq[i]; // float32 product, as torch.einsum on float32
        cos[p * half + i] = (float) Math.cos(angle) * concentration;
        sin[p * half + i] = (float) Math.sin(angle) * concentration;
      }
    }
    t = new Table(cos, sin, positions);
    table = t;
    return t;
  }
}
