package io.github.gptoss4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationResult;

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
public final class GptOssChatModel extends AdapterModel implements ChatModel {

  private GptOssChatModel(Adapter adapter) {
    super(adapter);
  }

  /** A builder; set {@code modelPath(...)} or {@code model(...)}. */
  public static Builder builder() {
    return new Builder();
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
