package io.github.gptoss4j.springai;

import io.github.gptoss4j.harmony.ReasoningEffort;
import java.util.Objects;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;

/**
 * Spring AI chat options for {@link GptOssChatModel}: the portable ones (temperature, top-p, top-k, max tokens,
 * stop sequences, penalties, tool callbacks), the output schema of native structured output, plus gpt-oss's
 * reasoning effort and the sampler's seed. Options
 * left unset (null) fall back to the model's defaults, then to the library's.
 *
 * <pre>{@code
 * chatClient.prompt()
 *     .user("Why is the sky blue?")
 *     .options(GptOssChatOptions.builder().reasoningEffort(ReasoningEffort.HIGH).seed(42L).build())
 *     .call();
 * }</pre>
 */
public class GptOssChatOptions extends DefaultToolCallingChatOptions implements StructuredOutputChatOptions {
  private final ReasoningEffort reasoningEffort;
  private final Long seed;
  private final String outputSchema;

  private GptOssChatOptions(
      DefaultToolCallingChatOptions portable, ReasoningEffort reasoningEffort, Long seed, String outputSchema) {
    super(portable.getToolCallbacks(), portable.getToolContext(), portable.getModel(), portable.getFrequencyPenalty(),
        portable.getMaxTokens(), portable.getPresencePenalty(), portable.getStopSequences(), portable.getTemperature(),
        portable.getTopK(), portable.getTopP());
    this.reasoningEffort = reasoningEffort;
    this.seed = seed;
    this.outputSchema = outputSchema;
  }

  /** How much the model reasons before answering; null for Harmony's default (medium). */
  public ReasoningEffort getReasoningEffort() {
    return reasoningEffort;
  }

  /** The sampler's seed (same seed, same reply); null for a new random seed per request. */
  public Long getSeed() {
    return seed;
  }

  /**
   * The JSON schema the answer must satisfy, or null for free text. Spring AI's {@code ChatClient} sets it from
   * {@code entity(...)} when native structured output is asked for ({@code
   * AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT}); decoding is then constrained so the answer always parses
   * and validates.
   */
  @Override
  public String getOutputSchema() {
    return outputSchema;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  @Override
  public Builder mutate() {
    return builder()
        .model(getModel())
        .frequencyPenalty(getFrequencyPenalty())
        .maxTokens(getMaxTokens())
        .presencePenalty(getPresencePenalty())
        .stopSequences(getStopSequences())
        .temperature(getTemperature())
        .topK(getTopK())
        .topP(getTopP())
        .toolCallbacks(getToolCallbacks())
        .toolContext(getToolContext())
        .reasoningEffort(reasoningEffort)
        .seed(seed)
        .outputSchema(outputSchema);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GptOssChatOptions that && super.equals(o)
        && reasoningEffort == that.reasoningEffort && Objects.equals(seed, that.seed)
        && Objects.equals(outputSchema, that.outputSchema);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), reasoningEffort, seed, outputSchema);
  }

  /** Collects {@link GptOssChatOptions}; every option may stay unset. */
  public static class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
      implements StructuredOutputChatOptions.Builder<Builder> {
    private ReasoningEffort reasoningEffort;
    private Long seed;
    private String outputSchema;

    /** An empty builder (see {@link GptOssChatOptions#builder()}). */
    protected Builder() {}

    /** See {@link GptOssChatOptions#getReasoningEffort()}. */
    public Builder reasoningEffort(ReasoningEffort value) {
      reasoningEffort = value;
      return this;
    }

    /** See {@link GptOssChatOptions#getSeed()}. */
    public Builder seed(Long value) {
      seed = value;
      return this;
    }

    /** See {@link GptOssChatOptions#getOutputSchema()}. */
    @Override
    public Builder outputSchema(String value) {
      outputSchema = value;
      return this;
    }

    /** Takes the options {@code other} sets, as Spring AI merges request options over the model's. */
    @Override
    public Builder combineWith(ChatOptions.Builder<?> other) {
      super.combineWith(other);
      if (other instanceof Builder that) {
        reasoningEffort = that.reasoningEffort != null ? that.reasoningEffort : reasoningEffort;
        seed = that.seed != null ? that.seed : seed;
        outputSchema = that.outputSchema != null ? that.outputSchema : outputSchema;
      }
      return this;
    }

    /** The options. */
    @Override
    public GptOssChatOptions build() {
      // The portable options as Spring AI's own builder checks and copies them.
      DefaultToolCallingChatOptions portable = (DefaultToolCallingChatOptions) DefaultToolCallingChatOptions.builder()
          .combineWith(this)
          .build();
      return new GptOssChatOptions(portable, reasoningEffort, seed, outputSchema);
    }
  }
}
