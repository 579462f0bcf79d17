package io.github.gptoss4j.generate;

import java.util.Map;

/**
 * OpenAI's {@code logit_bias} as a {@link LogitsProcessor}: adds a fixed bias to the logits of chosen tokens
 * at every step ({@code -100} in effect bans a token, {@code +100} all but forces it).
 */
final class LogitBias implements LogitsProcessor {
  private final int[] tokens;
  private final float[] biases;

  LogitBias(Map<Integer, Float> bias) {
    tokens = new int[bias.size()];
    biases = new float[bias.size()];
    int i = 0;
    for (Map.Entry<Integer, Float> e : bias.entrySet()) {
      tokens[i] = e.getKey();
      biases[i++] = e.getValue();
    }
  }

  @Override
  public void process(TokenContext context, float[] logits) {
    for (int i = 0; i < tokens.length; i++) {
      logits[tokens[i]] += biases[i];
    }
  }
}
