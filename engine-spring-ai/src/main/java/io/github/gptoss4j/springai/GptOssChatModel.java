package io.github.gptoss4j.springai;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.GptOss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A Spring AI {@link ChatModel} that runs gpt-oss in this JVM:
 *
 * <pre>{@code
 * GptOss gptOss = GptOss.load(Path.of("gpt-oss-20b"));
 * ChatClient chat = ChatClient.create(GptOssChatModel.builder().model(gptOss).build());
 * String answer = chat.prompt().user("Why is the sky blue?").call().content();
 * }</pre>
 *
 * <p>Each prompt is rendered as one Harmony conversation (system messages become the developer instructions,
 * the options' tool callbacks function tools) and generated in a fresh session. The reply's {@code
 * AssistantMessage} holds the answer, its reasoning under the metadata key {@value #REASONING}, and the
 * function calls as tool calls, which Spring AI's {@code ToolCallingAdvisor} runs (a {@code ChatModel} runs no
 * tools itself in Spring AI 2). Usage comes as {@code DefaultUsage} whose native usage is the library's {@link
 * io.github.gptoss4j.generate.Stats}, also under the response metadata key {@value #STATS}. Thread-safe:
 * concurrent prompts share the model.
 */
public final class GptOssChatModel implements ChatModel {
  /** Key of the reasoning (the analysis channel) in the assistant message's and the stream chunks' metadata. */
  public static final String REASONING = "reasoningContent";
  /** Key of the library's {@link io.github.gptoss4j.generate.Stats} in the response metadata. */
  public static final String STATS = "gptoss.stats";
  /** Key of the library's {@link io.github.gptoss4j.generate.StopReason} in the generation metadata. */
  public static final String STOP_REASON = "gptoss.stopReason";

  private final GptOss model;
  private final GptOssChatOptions defaults;
  private final Executor executor;

  private GptOssChatModel(GptOss model, GptOssChatOptions defaults, Executor executor) {
    this.model = model;
    this.defaults = defaults;
    this.executor = executor;
  }

  /** A builder; {@code model(...)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The loaded model this chat model generates with. */
  public GptOss getModel() {
    return model;
  }

  /** The default options, which each prompt's options override. */
  @Override
  public GptOssChatOptions getDefaultOptions() {
    return defaults;
  }

  /** The default options; Spring AI's {@code ChatClient} starts every request's options from these. */
  @Override
  public GptOssChatOptions getOptions() {
    return defaults;
  }

  /**
   * Generates the reply to {@code prompt}.
   *
   * @throws GenerationException if a message or option cannot be honoured (it names which) or the conversation
   *     does not fit the context
   */
  @Override
  public ChatResponse call(Prompt prompt) {
    GptOssChatOptions options = options(prompt);
    try (ChatSession session = model.newSession()) {
      GenerationResult result = session.generate(PromptMapper.request(prompt, options));
      return PromptMapper.response(options.getModel(), result.finalText(), result.reasoning(), result.toolCalls(),
          result.stopReason(), result.stats());
    }
  }

  /**
   * Streams the reply to {@code prompt}: a chunk per piece of answer or reasoning and per function call, then a
   * last chunk with the finish reason and usage. Generation runs on the builder's executor; cancelling the
   * subscription stops it within one token. Errors, a request that cannot be honoured included, end the flux.
   */
  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.create(sink -> {
      GenerationRequest request;
      GptOssChatOptions options;
      try {
        options = options(prompt);
        request = PromptMapper.request(prompt, options);
      } catch (RuntimeException e) {
        sink.error(e);
        return;
      }
      executor.execute(() -> generate(request, options.getModel(), sink));
    });
  }

  private void generate(GenerationRequest request, String modelName, FluxSink<ChatResponse> sink) {
    try (ChatSession session = model.newSession()) {
      sink.onCancel(session::cancel);
      StringBuilder text = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      session.generate(request, event -> {
        if (sink.isCancelled()) {
          return; // the session stops at its next token
        }
        switch (event) {
          case FinalDelta d -> {
            text.append(d.text());
            sink.next(PromptMapper.chunk(d.text(), "", List.of()));
          }
          case ReasoningDelta d -> {
            reasoning.append(d.text());
            sink.next(PromptMapper.chunk("", d.text(), List.of()));
          }
          case ToolCall c -> {
            calls.add(c);
            if (c.recipient().startsWith("functions.")) {
              int index = (int) calls.stream().filter(k -> k.recipient().startsWith("functions.")).count() - 1;
              sink.next(PromptMapper.chunk("", "", List.of(PromptMapper.toolCall(c, index))));
            }
          }
          case Done d -> {
            // The last chunk carries what a complete response carries, minus the text already streamed.
            ChatResponse whole = PromptMapper.response(modelName, "", "", List.of(), d.stopReason(), d.stats());
            sink.next(whole);
          }
          default -> {}
        }
      });
      sink.complete();
    } catch (RuntimeException e) {
      sink.error(e);
    }
  }

  /** The prompt's options over the defaults; options a {@code ChatClient} built from ours are used as they are. */
  private GptOssChatOptions options(Prompt prompt) {
    ChatOptions requested = prompt.getOptions();
    if (requested == null) {
      return defaults;
    }
    if (requested instanceof GptOssChatOptions own) {
      return own;
    }
    return defaults.mutate().combineWith(requested.mutate()).build();
  }

  /** Builds a {@link GptOssChatModel}. */
  public static final class Builder {
    private GptOss model;
    private GptOssChatOptions defaultOptions = GptOssChatOptions.builder().model("gpt-oss").build();
    private Executor executor = command -> Thread.ofVirtual().name("gptoss-spring-ai").start(command);

    private Builder() {}

    /** The loaded model (required); its owner closes it after the chat model's last use. */
    public Builder model(GptOss value) {
      model = value;
      return this;
    }

    /** Default options of every prompt; default: the library's, with model name {@code gpt-oss}. */
    public Builder defaultOptions(GptOssChatOptions value) {
      defaultOptions = value;
      return this;
    }

    /** Where streamed generations run; default: a new virtual thread per prompt. */
    public Builder executor(Executor value) {
      executor = value;
      return this;
    }

    /**
     * The chat model.
     *
     * @throws GenerationException if the model, the options or the executor is missing
     */
    public GptOssChatModel build() {
      if (model == null || defaultOptions == null || executor == null) {
        throw new GenerationException((model == null ? "model" : defaultOptions == null ? "defaultOptions" : "executor")
            + " must not be null");
      }
      return new GptOssChatModel(model, defaultOptions, executor);
    }
  }
}
