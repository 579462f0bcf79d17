package io.github.gptoss4j.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A LangChain4j {@link StreamingChatModel} that runs gpt-oss in this JVM. The answer arrives through {@code
 * onPartialResponse}, the reasoning through {@code onPartialThinking}, each function call through {@code
 * onCompleteToolCall}, and the whole reply (as {@link GptOssChatModel} would return it) through {@code
 * onCompleteResponse}. Generation runs on the builder's executor (default: a new virtual thread per request),
 * never on the caller's thread.
 *
 * <p>{@code context.streamingHandle().cancel()} in a partial callback stops generation within one token; no
 * callback follows it.
 */
public final class GptOssStreamingChatModel extends AdapterModel implements StreamingChatModel {
  private final Executor executor;

  private GptOssStreamingChatModel(Adapter adapter, Executor executor) {
    super(adapter);
    this.executor = executor;
  }

  /** A builder; set {@code modelPath(...)} or {@code model(...)}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts generating the reply to {@code request} on the executor and returns. A request that cannot be
   * honoured, and any failure while generating, go to {@code handler.onError}.
   */
  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    GenerationRequest generation;
    try {
      generation = adapter.request(request);
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    executor.execute(() -> generate(generation, handler));
  }

  private void generate(GenerationRequest generation, StreamingChatResponseHandler handler) {
    try (ChatSession session = adapter.model().newSession()) {
      Handle handle = new Handle(session);
      StringBuilder text = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      session.generate(generation, event -> {
        if (handle.isCancelled()) {
          return; // the session stops at its next token; the handler hears nothing more
        }
        switch (event) {
          case FinalDelta d -> {
            text.append(d.text());
            handler.onPartialResponse(new PartialResponse(d.text()), new PartialResponseContext(handle));
          }
          case ReasoningDelta d -> {
            reasoning.append(d.text());
            handler.onPartialThinking(new PartialThinking(d.text()), new PartialThinkingContext(handle));
          }
          case ToolCall c -> {
            calls.add(c);
            if (c.recipient().startsWith("functions.")) {
              int index = (int) calls.stream().filter(k -> k.recipient().startsWith("functions.")).count() - 1;
              handler.onCompleteToolCall(new CompleteToolCall(index, Adapter.toolExecutionRequest(c, index)));
            }
          }
          case Done d -> handler.onCompleteResponse(
              adapter.response(text.toString(), reasoning.toString(), calls, d.stopReason(), d.stats()));
          default -> {}
        }
      });
    } catch (RuntimeException e) {
      handler.onError(e);
    }
  }

  /** Cancels the session's generation; safe from any thread, as the session's own cancel is. */
  private static final class Handle implements StreamingHandle {
    private final ChatSession session;
    private volatile boolean cancelled;

    Handle(ChatSession session) {
      this.session = session;
    }

    @Override
    public void cancel() {
      cancelled = true;
      session.cancel();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }
  }

  /** Builds a {@link GptOssStreamingChatModel}; the options are those of {@link GptOssModelBuilder}. */
  public static final class Builder extends GptOssModelBuilder<Builder> {
    private Executor executor = command -> Thread.ofVirtual().name("gptoss-langchain4j").start(command);

    private Builder() {}

    /** Where generations run; default: a new virtual thread per request. */
    public Builder executor(Executor value) {
      executor = value;
      return this;
    }

    /**
     * The model, loading the checkpoint if no model built before loaded the same directory.
     *
     * @throws io.github.gptoss4j.generate.GenerationException if an option is invalid
     * @throws io.github.gptoss4j.CheckpointException if the directory holds no valid checkpoint
     */
    public GptOssStreamingChatModel build() {
      if (executor == null) {
        throw new GenerationException("executor must not be null");
      }
      return new GptOssStreamingChatModel(adapter(), executor);
    }
  }
}
