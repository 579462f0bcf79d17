package io.github.gptoss4j.generate;

/**
 * What a {@link LogitsProcessor} sees of a generation: the tokens so far and the budget left. Valid only during
 * the {@link LogitsProcessor#process} call it is passed to.
 */
public interface TokenContext {

  /**
   * Tokens in the vocabulary: the logits' length that processors may read and write.
   *
   * @return the vocabulary size, e.g. 201088 for gpt-oss
   */
  int vocabSize();

  /**
   * Tokens the model has generated in this call so far, over all its tool rounds.
   *
   * @return the count, from 0
   */
  int generatedCount();

  /**
   * The {@code i}-th generated token, {@code 0 <= i < generatedCount()}.
   *
   * @param i the index, from 0 (the first generated token) to {@code generatedCount() - 1}
   * @return the token id
   */
  int generated(int i);

  /**
   * Length of the reply being written: the tokens after the prompt's last {@code <|start|>assistant}, i.e.
   * the reply opening the request asked for ({@link GenerationRequest#replyChannel()}) followed by the tokens
   * generated in this round.
   *
   * @return the reply's length in tokens, from 0
   */
  int replyLength();

  /**
   * The {@code i}-th token of the reply being written, {@code 0 <= i < replyLength()}.
   *
   * @param i the index, from 0 to {@code replyLength() - 1}
   * @return the token id
   */
  int replyToken(int i);

  /**
   * Tokens that may still be generated in this reply, the next one included (at least 1): a processor that
   * must close a structure within the budget starts steering when this runs short.
   *
   * @return the remaining budget in tokens, at least 1
   */
  int remainingTokens();
}
