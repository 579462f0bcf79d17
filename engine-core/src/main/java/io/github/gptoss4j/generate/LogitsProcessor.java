package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.HarmonyEncoding;

/**
 * A stage between the model's logits and the sampler, in the spirit of Hugging Face's {@code LogitsProcessor}
 * and llama.cpp's sampler chain: before each token is sampled, every processor of the request's chain, in
 * order, may mask tokens (set their logit to {@code -Infinity}) or bias them (add to their logit). Logit bias,
 * the repetition/presence/frequency penalties and structured output are processors too.
 *
 * <p>A processor is a function of its {@link TokenContext} (the tokens so far) and the logits: it may keep a
 * memo of work done for earlier positions, but must give the same result when the context is shorter than
 * last time (a new reply after a tool round, or a rollback of speculative tokens). Processors run on the
 * generating thread; one instance serves one generation (see {@link Factory}).
 *
 * <pre>{@code
 * int banned = model.harmony().tokenizer().encodeOrdinary(" sorry")[0];
 * GenerationRequest request = GenerationRequest.builder()
 *     .user("Hello")
 *     .logitsProcessor(harmony -> (context, logits) -> logits[banned] = Float.NEGATIVE_INFINITY)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface LogitsProcessor {

  /**
   * Adjusts the next token's logits in place.
   *
   * @param context the tokens so far
   * @param logits {@code logits[0, context.vocabSize())}: the next token's logits, as the model and the
   *     processors before this one left them
   */
  void process(TokenContext context, float[] logits);

  /** Makes the processor of one generation (a request may be reused, a processor's memo may not). */
  @FunctionalInterface
  interface Factory {
    /**
     * A processor for one generation.
     *
     * @return a new processor, used for this generation only; not null
     * @param harmony the model's Harmony encoding and, through it, its tokenizer
     */
    LogitsProcessor create(HarmonyEncoding harmony);
  }
}
