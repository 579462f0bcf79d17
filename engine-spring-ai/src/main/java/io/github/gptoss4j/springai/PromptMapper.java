package io.github.gptoss4j.springai;

import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.generate.ToolChoice;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * The mapping between Spring AI's chat API and the Generator API: a {@link Prompt} (the whole conversation, as
 * Spring AI sends it every time) becomes one {@link GenerationRequest} for a fresh session, and the reply a
 * {@link ChatResponse}.
 */
final class PromptMapper {
  private static final String FUNCTIONS = "functions.";
  private static final String JSON_CONTENT = "<|constrain|>json";

  private PromptMapper() {}

  /**
   * The Generator request for {@code prompt} under {@code options} (the prompt's merged over the model's):
   * system messages become the developer instructions, tool callbacks function tools.
   *
   * @throws GenerationException naming the message or option that cannot be expressed in Harmony
   * @throws io.github.gptoss4j.structured.SchemaException if a tool's or the output's JSON schema uses a keyword
   *     constrained decoding does not support (the message names it)
   */
  static GenerationRequest request(Prompt prompt, GptOssChatOptions options) {
    GenerationRequest.Builder generation = GenerationRequest.builder();
    List<String> instructions = new ArrayList<>();
    Map<String, ToolCall> calls = new HashMap<>(); // tool call id -> the call, for its response
    List<org.springframework.ai.chat.messages.Message> messages = prompt.getInstructions();
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      switch (messages.get(i)) {
        case SystemMessage m -> instructions.add(m.getText());
        case UserMessage m -> {
          if (!m.getMedia().isEmpty()) {
            throw new GenerationException(where + " has " + m.getMedia().size()
                + " media attachment(s) (" + m.getMedia().getFirst().getMimeType() + "); gpt-oss reads text only");
          }
          generation.user(m.getText());
        }
        case AssistantMessage m -> assistant(m, generation, calls);
        case ToolResponseMessage m -> {
          for (ToolResponseMessage.ToolResponse response : m.getResponses()) {
            ToolCall call = calls.get(response.id());
            generation.toolResult(call != null ? call : new ToolCall(FUNCTIONS + response.name(), "", JSON_CONTENT),
                response.responseData());
          }
        }
        case org.springframework.ai.chat.messages.Message m -> throw new GenerationException(
            where + " is a " + m.getMessageType() + " message; expected SYSTEM, USER, ASSISTANT or TOOL");
      }
    }
    if (!instructions.isEmpty()) {
      generation.instructions(String.join("\n\n", instructions));
    }
    options(options, generation);
    return generation.build();
  }

  /** An earlier reply as Harmony renders it: its reasoning, then its answer or its preamble and tool calls. */
  private static void assistant(AssistantMessage message, GenerationRequest.Builder generation,
      Map<String, ToolCall> calls) {
    if (message.getMetadata().get(GptOssChatModel.REASONING) instanceof String reasoning && !reasoning.isEmpty()) {
      generation.message(Message.of(Role.ASSISTANT, reasoning).withChannel("analysis"));
    }
    String text = message.getText() == null ? "" : message.getText();
    if (!message.hasToolCalls()) {
      generation.message(Message.of(Role.ASSISTANT, text).withChannel("final"));
      return;
    }
    if (!text.isEmpty()) {
      generation.message(Message.of(Role.ASSISTANT, text).withChannel("commentary"));
    }
    for (AssistantMessage.ToolCall request : message.getToolCalls()) {
      ToolCall call = new ToolCall(FUNCTIONS + request.name(), request.arguments(), JSON_CONTENT);
      calls.put(request.id(), call);
      generation.toolCall(call);
    }
  }

  private static void options(GptOssChatOptions options, GenerationRequest.Builder generation) {
    SamplingOptions.Builder sampling = SamplingOptions.builder();
    set(options.getTemperature(), sampling::temperature);
    set(options.getTopP(), sampling::topP);
    set(options.getTopK(), sampling::topK);
    set(options.getFrequencyPenalty(), sampling::frequencyPenalty);
    set(options.getPresencePenalty(), sampling::presencePenalty);
    set(options.getSeed(), sampling::seed);
    generation.sampling(sampling.build());
    set(options.getMaxTokens(), generation::maxTokens);
    set(options.getReasoningEffort(), generation::reasoningEffort);
    if (options.getStopSequences() != null) {
      options.getStopSequences().forEach(generation::stopString);
    }
    List<ToolCallback> tools = options.getToolCallbacks() == null ? List.of() : options.getToolCallbacks();
    for (ToolCallback callback : tools) {
      ToolDefinition tool = callback.getToolDefinition();
      generation.functionTool(tool.name(), tool.description(), tool.inputSchema());
    }
    if (!tools.isEmpty()) {
      // Constrains the reply: calls name declared tools, with arguments valid under their input schemas.
      generation.toolChoice(ToolChoice.auto());
    }
    if (options.getOutputSchema() != null) {
      generation.responseFormat(ResponseFormat.jsonSchema(options.getOutputSchema()));
    }
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** A complete reply: its answer and reasoning, the function calls it made, usage and finish reason. */
  static ChatResponse response(String modelName, String text, String reasoning, List<ToolCall> calls,
      StopReason stopReason, Stats stats) {
    List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
    for (ToolCall call : calls) {
      if (call.recipient().startsWith(FUNCTIONS)) {
        toolCalls.add(toolCall(call, toolCalls.size()));
      }
    }
    ChatGenerationMetadata generation = ChatGenerationMetadata.builder()
        .finishReason(finishReason(stopReason))
        .metadata(GptOssChatModel.STOP_REASON, stopReason)
        .build();
    ChatResponseMetadata metadata = ChatResponseMetadata.builder()
        .model(modelName)
        .usage(new DefaultUsage(stats.promptTokens(), stats.generatedTokens(),
            stats.promptTokens() + stats.generatedTokens(), stats))
        .keyValue(GptOssChatModel.STATS, stats)
        .build();
    return new ChatResponse(List.of(new Generation(assistant(text, reasoning, toolCalls), generation)), metadata);
  }

  /** A streamed piece of the reply, without usage or finish reason. */
  static ChatResponse chunk(String text, String reasoning, List<AssistantMessage.ToolCall> toolCalls) {
    return new ChatResponse(List.of(new Generation(assistant(text, reasoning, toolCalls))));
  }

  private static AssistantMessage assistant(String text, String reasoning, List<AssistantMessage.ToolCall> toolCalls) {
    return AssistantMessage.builder()
        .content(text)
        .properties(reasoning.isEmpty() ? Map.of() : Map.of(GptOssChatModel.REASONING, reasoning))
        .toolCalls(toolCalls)
        .build();
  }

  /** The Spring AI form of a function call; ids number the calls of one reply, as responses refer to them. */
  static AssistantMessage.ToolCall toolCall(ToolCall call, int index) {
    return new AssistantMessage.ToolCall(
        "call_" + index, "function", call.recipient().substring(FUNCTIONS.length()), call.arguments());
  }

  /** As OpenAI's Spring AI model names them, so code that checks finish reasons works on either. */
  static String finishReason(StopReason stopReason) {
    return switch (stopReason) {
      case STOP_TOKEN, STOP_STRING -> "STOP";
      case LENGTH -> "LENGTH";
      case TOOL_CALL -> "TOOL_CALLS";
      case CANCELLED, TIMEOUT -> stopReason.name();
    };
  }
}
