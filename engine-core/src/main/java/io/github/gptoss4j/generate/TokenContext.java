package io.github.gptoss4j.generate;

/**
 * What a {@link LogitsProcessor} sees of a generation: the tokens so far and the budget left. Valid only during
 * the {@link LogitsProcessor#process} call it is passed to.
 */
public interface TokenContext {

  /** Tokens in the vocabulary: the logits' length that processors may read and write. */
  int vocabSize();

  /** Tokens the model has generated in this call so far, over all its tool rounds. */
  int generatedCount();

  /** The {@code i}-th generated token, {@code 0 <= i < generatedCount()}. */
  int generated(int i);

  /**
   * Length of the reply being written: the tokens after the prompt's last {@code <|start|>assistant}, i.e.
   * the reply opening the request asked for ({@link GenerationRequest#replyChannel()}) followed by the tokens
   * generated in this round.
   */
  int replyLength();

  /** The {@code i}-th token of the reply being written, {@code 0 <= i < replyLength()}. */
  int replyToken(int i);

  /**
   * Tokens that may still be generated in this reply, the next one included (at least 1): a processor that
   * must close a structure within the budget starts steering when this runs short.
   */
  int remainingTokens();
}
