package io.github.gptoss4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationResult;
import java.util.Set;

/**
 * A LangChain4j {@link ChatModel} that runs gpt-oss in this JVM:
 *
 * <pre>{@code
 * ChatModel model = GptOssChatModel.builder()
 *     .modelPath(Path.of("gpt-oss-20b"))
 *     .reasoningEffort(ReasoningEffort.LOW)
 *     .build();
 * String answer = model.chat("Why is the sky blue?");
 * }</pre>
 *
 * <p>Each request is rendered as one Harmony conversation (system messages become the developer instructions,
 * tool specifications function tools) and generated in a fresh session; the response's {@code AiMessage}
 * holds the answer, the reasoning as {@code thinking()} and the function calls as tool execution requests,
 * and its metadata is a {@link GptOssChatResponseMetadata}. Thread-safe: concurrent requests share the model.
 */
public final class GptOssChatModel implements ChatModel {
  private final Adapter adapter;

  private GptOssChatModel(Adapter adapter) {
    this.adapter = adapter;
  }

  /** A builder; set {@code modelPath(...)} or {@code model(...)}. */
  public static Builder builder() {
    return new Builder();
  }

  /** JSON-schema response formats: decoding is constrained so the answer always parses and validates. */
  @Override
  public Set<Capability> supportedCapabilities() {
    return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
  }

  /** The builder's sampling defaults and model name; each request's parameters override them. */
  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return adapter.defaultParameters();
  }

  /**
   * Generates the reply to {@code request}.
   *
   * @throws io.github.gptoss4j.generate.GenerationException if a message or parameter cannot be honoured (it
   *     names which) or the conversation does not fit the context
   */
  @Override
  public ChatResponse doChat(ChatRequest request) {
    try (ChatSession session = adapter.model().newSession()) {
      GenerationResult result = session.generate(adapter.request(request));
      return adapter.response(
          result.finalText(), result.reasoning(), result.toolCalls(), result.stopReason(), result.stats());
    }
  }

  /** Builds a {@link GptOssChatModel}; the options are those of {@link GptOssModelBuilder}. */
  public static final class Builder extends GptOssModelBuilder<Builder> {
    private Builder() {}

    /**
     * The model, loading the checkpoint if no model built before loaded the same directory.
     *
     * @throws io.github.gptoss4j.generate.GenerationException if an option is invalid
     * @throws io.github.gptoss4j.CheckpointException if the directory holds no valid checkpoint
     */
    public GptOssChatModel build() {
      return new GptOssChatModel(adapter());
    }
  }
}
