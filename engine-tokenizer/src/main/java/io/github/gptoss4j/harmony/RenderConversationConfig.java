package io.github.gptoss4j.harmony;

/**
 * How a conversation is rendered.
 *
 * @param autoDropAnalysis drop the {@code analysis} messages of earlier turns (those before the first
 *     {@code final} answer) once the assistant's latest message is a final answer; the model was trained
 *     without its old chain of thought. While a tool call is in progress nothing is dropped.
 */
public record RenderConversationConfig(boolean autoDropAnalysis) {

  /** Harmony's default: {@code autoDropAnalysis = true}. */
  public static final RenderConversationConfig DEFAULT = new RenderConversationConfig(true);
}
