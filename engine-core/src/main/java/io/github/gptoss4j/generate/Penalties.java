package io.github.gptoss4j.generate;

/**
 * The repetition, presence and frequency penalties as a {@link LogitsProcessor}: for each distinct token among
 * the last {@link SamplingOptions#penaltyWindow()} generated ones, a positive logit is divided by the
 * repetition penalty and a negative one multiplied (Hugging Face / llama.cpp), then the presence penalty is
 * subtracted once and the frequency penalty once per occurrence (OpenAI). The prompt does not count.
 */
final class Penalties implements LogitsProcessor {
  private final double repetition;
  private final double presence;
  private final double frequency;
  private final int window;
  // Occurrences per token, all zero between calls; grown to the vocabulary on first use.
  private int[] counts = new int[0];
  private final int[] distinct;

  Penalties(SamplingOptions options) {
    this.repetition = options.repetitionPenalty();
    this.presence = options.presencePenalty();
    this.frequency = options.frequencyPenalty();
    this.window = options.penaltyWindow();
    this.distinct = new int[window];
  }

  @Override
  public void process(TokenContext context, float[] logits) {
    if (counts.length < context.vocabSize()) {
      counts = new int[context.vocabSize()];
    }
    int end = context.generatedCount();
    int d = 0;
    for (int i = Math.max(0, end - window); i < end; i++) {
      int token = context.generated(i);
      if (counts[token]++ == 0) {
        distinct[d++] = token;
      }
    }
    for (int k = 0; k < d; k++) {
      int token = distinct[k];
      double logit = logits[token];
      logit = logit > 0 ? logit / repetition : logit * repetition;
      logit -= presence + frequency * counts[token];
      logits[token] = (float) logit;
      counts[token] = 0;
    }
  }
}
