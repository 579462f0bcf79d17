package io.github.gptoss4j.generate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gptoss4j.harmony.Role;

/**
 * What a streaming generation reports, in order, as tokens arrive. For each token: a {@link TokenEvent}, then
 * whatever the token completed ({@link MessageStart} once a message header is read, a text delta, {@link
 * ToolCall} and {@link MessageEnd} when a message ends). The last event is always {@link Done}.
 *
 * <p>Text deltas hold whole characters only: a character split over several tokens is reported once complete.
 */
public sealed interface GenerationEvent {

  /**
   * A message's header is complete.
   *
   * @param role its author's role (the assistant's for generated messages)
   * @param channel e.g. {@code analysis}, {@code commentary} or {@code final}; null if none
   * @param recipient a tool such as {@code functions.get_weather}, or null
   */
  record MessageStart(Role role, String channel, String recipient) implements GenerationEvent {}

  /**
   * The message opened by the matching {@link MessageStart} ended.
   *
   * @param role its author's role, as in the {@link MessageStart}
   * @param channel its channel, or null if it had none
   * @param recipient its recipient (a tool), or null
   */
  record MessageEnd(Role role, String channel, String recipient) implements GenerationEvent {}

  /**
   * Chain-of-thought text (the {@code analysis} channel); not meant for end users.
   *
   * @param text the new reasoning text, whole characters only
   */
  record ReasoningDelta(String text) implements GenerationEvent {}

  /**
   * Answer text (the {@code final} channel, or a message without channel).
   *
   * @param text the new answer text, whole characters only
   */
  record FinalDelta(String text) implements GenerationEvent {}

  /**
   * Preamble text on the {@code commentary} channel, addressed to no tool (e.g. "Let me look that up.").
   *
   * @param text the new preamble text, whole characters only
   */
  record CommentaryDelta(String text) implements GenerationEvent {}

  /**
   * A complete call of a tool: a message addressed to a recipient. Reported when the message ends.
   *
   * @param recipient e.g. {@code functions.get_weather}, {@code browser.search}, {@code python}
   * @param arguments the message's content: JSON for function tools, code for {@code python}
   * @param contentType e.g. {@code <|constrain|>json}, or null
   */
  record ToolCall(String recipient, String arguments, String contentType) implements GenerationEvent {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The arguments parsed as JSON (a fresh tree on each call). Under a {@link ToolChoice} the arguments of a
     * function call are always valid under its parameters schema.
     *
     * @return the arguments as a JSON tree, owned by the caller
     * @throws GenerationException if the arguments are not one JSON value, naming the recipient and the error
     */
    public JsonNode parsedArguments() {
      try {
        return JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(arguments);
      } catch (JacksonException e) {
        throw new GenerationException("the arguments of the call to " + recipient + " are not JSON: " + e.getOriginalMessage());
      }
    }
  }

  /**
   * One generated token.
   *
   * @param token its id
   * @param logprobs its log-probability and the most likely alternatives, when the request's sampling options
   *     ask for {@link SamplingOptions#logprobs()}; else null
   */
  record TokenEvent(int token, TokenLogprobs logprobs) implements GenerationEvent {}

  /**
   * The generation ended.
   *
   * @param stopReason why the generation ended
   * @param stats token counts and timings of the generation
   */
  record Done(StopReason stopReason, Stats stats) implements GenerationEvent {}
}
