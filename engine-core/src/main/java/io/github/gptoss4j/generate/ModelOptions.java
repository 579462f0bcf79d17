package io.github.gptoss4j.generate;

import io.github.gptoss4j.KvType;
import io.github.gptoss4j.Precision;

/**
 * How a model is loaded and how much memory each session may use; immutable and validated. Build with
 * {@link #builder()} or take {@link #defaults()}.
 *
 * @param threads kernel threads; 0 uses the shared default kernels (all processors, or {@code
 *     -Dgptoss.threads}); results are identical for any count
 * @param kvType element type of each session's KV cache: {@link KvType#F32} is exact, {@link KvType#BF16}
 *     halves the memory
 * @param kvBudgetBytes most off-heap bytes one session's KV cache may take
 * @param maxContext most tokens (prompt plus reply) a session may hold; 0 means the model's own limit
 * @param precision {@link Precision#EXACT} (default) matches OpenAI's reference; {@link Precision#INT8} is the
 *     opt-in fast path: attention and unembedding matrices repacked at load into 8-bit blocks, activations
 *     quantised per 32-block for them and the MXFP4 experts, integer dot products (see docs/performance.md
 *     for its measured speed and accuracy)
 * @param batchSize most sessions whose next tokens one forward pass runs together: sessions of this model that
 *     generate at the same time share a scheduler that batches their decode tokens (continuous batching, each
 *     session's tokens exactly as if alone, the weights read once per pass for all); 1 turns batching off, so
 *     each session computes on its own thread
 * @param prefixCacheBytes most off-heap bytes the model's shared prefix cache keeps: the KV state of prompt
 *     prefixes (the system and developer messages) that sessions reuse instead of prefilling them again,
 *     least recently used evicted first; 0 turns it off
 * @param speculation speculative decoding for the requests that do not choose their own ({@link
 *     GenerationRequest.Builder#speculation}): {@link Speculation#OFF} (default), or e.g. {@code
 *     Speculation.promptLookup(4)}; the tokens are the same either way, only the speed differs
 */
public record ModelOptions(
    int threads,
    KvType kvType,
    long kvBudgetBytes,
    int maxContext,
    Precision precision,
    int batchSize,
    long prefixCacheBytes,
    Speculation speculation) {

  /** Default {@link #batchSize()}: enough to fill a pass on a many-core machine, few enough to bound scratch. */
  public static final int DEFAULT_BATCH_SIZE = 8;

  /** Most sessions one pass may batch. */
  public static final int MAX_BATCH_SIZE = 256;

  /** Default {@link #prefixCacheBytes()}: 1 GiB. */
  public static final long DEFAULT_PREFIX_CACHE_BYTES = 1L << 30;

  /**
   * Validates every option.
   *
   * @throws GenerationException naming the option out of range
   */
  public ModelOptions {
    if (threads < 0) {
      throw new GenerationException("threads must be >= 0 (0 = default), got " + threads);
    }
    if (kvType == null) {
      throw new GenerationException("kvType must be F32 or BF16, got null");
    }
    if (kvBudgetBytes <= 0) {
      throw new GenerationException("kvBudgetBytes must be > 0, got " + kvBudgetBytes);
    }
    if (maxContext < 0) {
      throw new GenerationException("maxContext must be >= 0 (0 = the model's limit), got " + maxContext);
    }
    if (precision == null) {
      throw new GenerationException("precision must be EXACT or INT8, got null");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new GenerationException("batchSize must be in [1, " + MAX_BATCH_SIZE + "] (1 = no batching), got " + batchSize);
    }
    if (prefixCacheBytes < 0) {
      throw new GenerationException("prefixCacheBytes must be >= 0 (0 = off), got " + prefixCacheBytes);
    }
    if (speculation == null) {
      throw new GenerationException("speculation must not be null; Speculation.OFF turns it off");
    }
  }

  /**
   * Default kernels, an f32 KV cache, no memory budget, the model's full context, exact precision, batches of
   * {@value #DEFAULT_BATCH_SIZE}, a 1 GiB prefix cache, no speculation.
   *
   * @return the default options
   */
  public static ModelOptions defaults() {
    return builder().build();
  }

  /**
   * A builder holding {@link #defaults()}.
   *
   * @return a new builder; change what differs from the defaults, then {@link Builder#build()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects options; {@link #build()} validates them. */
  public static final class Builder {
    private int threads;
    private KvType kvType = KvType.F32;
    private long kvBudgetBytes = Long.MAX_VALUE;
    private int maxContext;
    private Precision precision = Precision.EXACT;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private long prefixCacheBytes = DEFAULT_PREFIX_CACHE_BYTES;
    private Speculation speculation = Speculation.OFF;

    private Builder() {}

    /**
     * See {@link ModelOptions#threads()}.
     *
     * @param value kernel threads, 0 for the shared default kernels; checked by {@link #build()} (not negative)
     * @return this builder
     */
    public Builder threads(int value) {
      threads = value;
      return this;
    }

    /**
     * See {@link ModelOptions#kvType()}.
     *
     * @param value the KV cache's element type, not null (checked by {@link #build()})
     * @return this builder
     */
    public Builder kvType(KvType value) {
      kvType = value;
      return this;
    }

    /**
     * See {@link ModelOptions#kvBudgetBytes()}.
     *
     * @param value the per-session KV budget in bytes, positive (checked by {@link #build()})
     * @return this builder
     */
    public Builder kvBudgetBytes(long value) {
      kvBudgetBytes = value;
      return this;
    }

    /**
     * See {@link ModelOptions#maxContext()}.
     *
     * @param value the most tokens per session, 0 for the model's own limit; not negative (checked by {@link
     *     #build()})
     * @return this builder
     */
    public Builder maxContext(int value) {
      maxContext = value;
      return this;
    }

    /**
     * See {@link ModelOptions#precision()}.
     *
     * @param value the matmul precision, not null (checked by {@link #build()})
     * @return this builder
     */
    public Builder precision(Precision value) {
      precision = value;
      return this;
    }

    /**
     * See {@link ModelOptions#batchSize()}.
     *
     * @param value sessions per forward pass, in [1, {@value ModelOptions#MAX_BATCH_SIZE}], 1 for no batching
     *     (checked by {@link #build()})
     * @return this builder
     */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /**
     * See {@link ModelOptions#prefixCacheBytes()}.
     *
     * @param value the prefix cache's size in bytes, 0 to turn it off; not negative (checked by {@link #build()})
     * @return this builder
     */
    public Builder prefixCacheBytes(long value) {
      prefixCacheBytes = value;
      return this;
    }

    /**
     * See {@link ModelOptions#speculation()}.
     *
     * @param value the model's default speculation; {@link Speculation#OFF} for none, not null
     * @return this builder
     */
    public Builder speculation(Speculation value) {
      speculation = value;
      return this;
    }

    /**
     * The options collected so far.
     *
     * @return new validated options; the builder can be reused
     * @throws GenerationException naming the first option out of range
     */
    public ModelOptions build() {
      return new ModelOptions(threads, kvType, kvBudgetBytes, maxContext, precision, batchSize, prefixCacheBytes, speculation);
    }
  }
}
