package io.github.gptoss4j.generate;

/**
 * Speculative decoding by prompt lookup: before each forward step, up to {@code draftTokens} tokens are
 * guessed by finding the most recent earlier occurrence of the last {@code maxNgram} (down to 1) tokens in the
 * prompt and the reply so far and proposing what followed it; the step then runs the sampled token and the
 * guesses in one pass, and every guess the sampler confirms saves a step. Exact: the tokens, their
 * log-probabilities and the events are the same as without speculation, for every sampling setting and seed
 * (see docs/speculative.md). Immutable; {@link #OFF} turns it off.
 *
 * @param draftTokens most tokens guessed per step, in [0, {@value #MAX_DRAFT_TOKENS}]; 0 is off
 * @param maxNgram longest suffix of the text looked up, in [1, {@value #MAX_NGRAM}]; shorter ones are tried
 *     when it does not occur earlier
 */
public record Speculation(int draftTokens, int maxNgram) {
  /** Most tokens one step may guess. */
  public static final int MAX_DRAFT_TOKENS = 32;

  /** Longest suffix one lookup may match. */
  public static final int MAX_NGRAM = 16;

  /** Default {@link #maxNgram()}. */
  public static final int DEFAULT_NGRAM = 3;

  /** No speculation: one forward step per token (the default). */
  public static final Speculation OFF = new Speculation(0, DEFAULT_NGRAM);

  /**
   * Validates both bounds.
   *
   * @throws GenerationException naming the one out of range
   */
  public Speculation {
    if (draftTokens < 0 || draftTokens > MAX_DRAFT_TOKENS) {
      throw new GenerationException(
          "speculation's draftTokens must be in [0, " + MAX_DRAFT_TOKENS + "] (0 = off), got " + draftTokens);
    }
    if (maxNgram < 1 || maxNgram > MAX_NGRAM) {
      throw new GenerationException("speculation's maxNgram must be in [1, " + MAX_NGRAM + "], got " + maxNgram);
    }
  }

  /**
   * Prompt lookup guessing up to {@code draftTokens} tokens per step from suffixes of up to 3 tokens.
   *
   * @param draftTokens tokens guessed per step, in [0, {@value #MAX_DRAFT_TOKENS}]; 0 is off
   * @return the speculation
   */
  public static Speculation promptLookup(int draftTokens) {
    return new Speculation(draftTokens, DEFAULT_NGRAM);
  }

  /**
   * Whether any tokens are guessed.
   *
   * @return true when {@code draftTokens > 0}
   */
  public boolean enabled() {
    return draftTokens > 0;
  }
}
