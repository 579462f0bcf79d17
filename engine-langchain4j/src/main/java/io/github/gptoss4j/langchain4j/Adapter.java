package io.github.gptoss4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The mapping between LangChain4j's chat API and the Generator API, shared by the blocking and the streaming
 * model: a {@link ChatRequest} (the whole conversation, as LangChain4j sends it every time) becomes one {@link
 * GenerationRequest} for a fresh session, and the reply becomes a {@link ChatResponse}.
 */
final class Adapter {
  /** Sampling defaults of the builder, reported as the model's default request parameters; null = library default. */
  record Defaults(Double temperature, Double topP, Integer topK, Integer maxTokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FUNCTIONS = "functions.";
  private static final String JSON_CONTENT = "<|constrain|>json";

  private final GptOss model;
  private final String modelName;
  private final ReasoningEffort reasoningEffort;
  private final Long seed;
  private final Defaults defaults;

  Adapter(GptOss model, String modelName, ReasoningEffort reasoningEffort, Long seed, Defaults defaults) {
    this.model = model;
    this.modelName = modelName;
    this.reasoningEffort = reasoningEffort;
    this.seed = seed;
    this.defaults = defaults;
  }

  GptOss model() {
    return model;
  }

  ChatRequestParameters defaultParameters() {
    return DefaultChatRequestParameters.builder()
        .modelName(modelName)
        .temperature(defaults.temperature())
        .topP(defaults.topP())
        .topK(defaults.topK())
        .maxOutputTokens(defaults.maxTokens())
        .build();
  }

  /**
   * The Generator request for {@code request}: system messages become the developer instructions, the other
   * messages the conversation, tool specifications function tools.
   *
   * @throws GenerationException naming the message or parameter that cannot be expressed in Harmony
   * @throws io.github.gptoss4j.structured.SchemaException if a tool's or the response format's JSON schema uses
   *     a keyword constrained decoding does not support (the message names it)
   */
  GenerationRequest request(ChatRequest request) {
    GenerationRequest.Builder generation = GenerationRequest.builder();
    List<String> instructions = new ArrayList<>();
    Map<String, ToolCall> calls = new HashMap<>(); // tool execution request id -> the call, for its result
    List<ChatMessage> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      switch (messages.get(i)) {
        case SystemMessage m -> instructions.add(m.text());
        case UserMessage m -> generation.user(text(m, where));
        case AiMessage m -> assistant(m, generation, calls);
        case ToolExecutionResultMessage m -> {
          ToolCall call = calls.get(m.id());
          generation.toolResult(call != null ? call : new ToolCall(FUNCTIONS + m.toolName(), "", JSON_CONTENT),
              m.text());
        }
        case ChatMessage m -> throw new GenerationException(
            where + " is a " + m.type() + " message; expected SYSTEM, USER, AI or TOOL_EXECUTION_RESULT");
      }
    }
    if (!instructions.isEmpty()) {
      generation.instructions(String.join("\n\n", instructions));
    }
    if (reasoningEffort != null) {
      generation.reasoningEffort(reasoningEffort);
    }
    parameters(request.parameters(), generation);
    return generation.build();
  }

  private static String text(UserMessage message, String where) {
    StringBuilder text = new StringBuilder();
    List<Content> contents = message.contents();
    for (int k = 0; k < contents.size(); k++) {
      if (!(contents.get(k) instanceof TextContent part)) {
        throw new GenerationException(where + ".contents[" + k + "] is " + contents.get(k).type()
            + " content; gpt-oss reads TEXT only");
      }
      text.append(part.text());
    }
    return text.toString();
  }

  /** An earlier reply as Harmony renders it: its reasoning, then its answer or its preamble and tool calls. */
  private static void assistant(AiMessage message, GenerationRequest.Builder generation, Map<String, ToolCall> calls) {
    if (message.thinking() != null && !message.thinking().isEmpty()) {
      generation.message(Message.of(Role.ASSISTANT, message.thinking()).withChannel("analysis"));
    }
    String text = message.text();
    if (!message.hasToolExecutionRequests()) {
      generation.message(Message.of(Role.ASSISTANT, text == null ? "" : text).withChannel("final"));
      return;
    }
    if (text != null && !text.isEmpty()) {
      generation.message(Message.of(Role.ASSISTANT, text).withChannel("commentary"));
    }
    for (ToolExecutionRequest request : message.toolExecutionRequests()) {
      ToolCall call = new ToolCall(FUNCTIONS + request.name(), request.arguments(), JSON_CONTENT);
      calls.put(request.id(), call);
      generation.toolCall(call);
    }
  }

  private void parameters(ChatRequestParameters parameters, GenerationRequest.Builder generation) {
    SamplingOptions.Builder sampling = SamplingOptions.builder();
    set(parameters.temperature(), sampling::temperature);
    set(parameters.topP(), sampling::topP);
    set(parameters.topK(), sampling::topK);
    set(parameters.frequencyPenalty(), sampling::frequencyPenalty);
    set(parameters.presencePenalty(), sampling::presencePenalty);
    set(seed, sampling::seed);
    generation.sampling(sampling.build());
    set(parameters.maxOutputTokens(), generation::maxTokens);
    if (parameters.stopSequences() != null) {
      parameters.stopSequences().forEach(generation::stopString);
    }
    ToolChoice choice = parameters.toolChoice() == null ? ToolChoice.AUTO : parameters.toolChoice();
    List<ToolSpecification> tools = choice == ToolChoice.NONE ? List.of() : parameters.toolSpecifications();
    for (ToolSpecification tool : tools) {
      generation.functionTool(tool.name(), tool.description() == null ? "" : tool.description(),
          tool.parameters() == null ? null : schemaJson(tool.parameters()));
    }
    if (!tools.isEmpty()) {
      // Either choice constrains the reply: calls name declared tools, with arguments valid under their schemas.
      generation.toolChoice(choice == ToolChoice.REQUIRED
          ? io.github.gptoss4j.generate.ToolChoice.required()
          : io.github.gptoss4j.generate.ToolChoice.auto());
    } else if (choice == ToolChoice.REQUIRED) {
      throw new GenerationException("toolChoice is REQUIRED but the request has no tool specifications");
    }
    ResponseFormat format = parameters.responseFormat();
    if (format != null && format.type() == ResponseFormatType.JSON) {
      generation.responseFormat(responseFormat(format.jsonSchema()));
    }
  }

  /** LangChain4j's JSON response format as the library's: any JSON object, or JSON valid under the schema. */
  private static io.github.gptoss4j.generate.ResponseFormat responseFormat(JsonSchema schema) {
    if (schema == null) {
      return io.github.gptoss4j.generate.ResponseFormat.json();
    }
    String json = schemaJson(schema.rootElement());
    return schema.name() == null
        ? io.github.gptoss4j.generate.ResponseFormat.jsonSchema(json)
        : io.github.gptoss4j.generate.ResponseFormat.jsonSchema(schema.name(), json);
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  static String schemaJson(JsonSchemaElement schema) {
    try {
      return JSON.writeValueAsString(JsonSchemaElementUtils.toMap(schema));
    } catch (JsonProcessingException e) {
      throw new GenerationException("cannot write the JSON schema " + schema + ": " + e.getOriginalMessage());
    }
  }

  /** The response for a reply: its answer and reasoning, the function calls it made, usage and finish reason. */
  ChatResponse response(String text, String reasoning, List<ToolCall> toolCalls, StopReason stopReason, Stats stats) {
    List<ToolExecutionRequest> requests = new ArrayList<>();
    for (ToolCall call : toolCalls) {
      if (call.recipient().startsWith(FUNCTIONS)) {
        requests.add(toolExecutionRequest(call, requests.size()));
      }
    }
    AiMessage.Builder message = AiMessage.builder()
        .text(text.isEmpty() && !requests.isEmpty() ? null : text)
        .thinking(reasoning.isEmpty() ? null : reasoning);
    if (!requests.isEmpty()) {
      message.toolExecutionRequests(requests);
    }
    return ChatResponse.builder()
        .aiMessage(message.build())
        .metadata(GptOssChatResponseMetadata.builder()
            .modelName(modelName)
            .tokenUsage(new TokenUsage(stats.promptTokens(), stats.generatedTokens()))
            .finishReason(finishReason(stopReason))
            .stopReason(stopReason)
            .stats(stats)
            .build())
        .build();
  }

  /** The LangChain4j form of a function call; ids number the calls of one reply, as results refer to them. */
  static ToolExecutionRequest toolExecutionRequest(ToolCall call, int index) {
    return ToolExecutionRequest.builder()
        .id("call_" + index)
        .name(call.recipient().substring(FUNCTIONS.length()))
        .arguments(call.arguments())
        .build();
  }

  static FinishReason finishReason(StopReason stopReason) {
    return switch (stopReason) {
      case STOP_TOKEN, STOP_STRING -> FinishReason.STOP;
      case LENGTH -> FinishReason.LENGTH;
      case TOOL_CALL -> FinishReason.TOOL_EXECUTION;
      case CANCELLED, TIMEOUT -> FinishReason.OTHER;
    };
  }
}
