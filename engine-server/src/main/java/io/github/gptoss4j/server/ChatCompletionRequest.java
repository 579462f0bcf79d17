package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /v1/chat/completions} as OpenAI defines it, bound field by field (snake_case in
 * JSON). A field missing here is unknown and refused; {@link ChatCompletionMapping} says which of these are
 * used, refused or ignored. Union-typed fields (a string or an array, a string or an object) are {@link
 * JsonNode}s checked there.
 */
record ChatCompletionRequest(
    List<Message> messages,
    String model,
    Boolean stream,
    StreamOptions streamOptions,
    Integer maxTokens,
    Integer maxCompletionTokens,
    Double temperature,
    Double topP,
    Integer topK,
    Double minP,
    Double presencePenalty,
    Double frequencyPenalty,
    Double repetitionPenalty,
    Long seed,
    JsonNode stop,
    String reasoningEffort,
    List<Tool> tools,
    JsonNode toolChoice,
    Boolean parallelToolCalls,
    Boolean logprobs,
    Integer topLogprobs,
    Integer n,
    JsonNode responseFormat,
    JsonNode logitBias,
    List<String> modalities,
    String user,
    JsonNode metadata,
    Boolean store,
    String serviceTier,
    String promptCacheKey,
    String safetyIdentifier,
    JsonNode audio,
    JsonNode prediction,
    JsonNode webSearchOptions,
    JsonNode functions,
    JsonNode functionCall,
    String verbosity) {

  /** {@code stream_options}. */
  record StreamOptions(Boolean includeUsage, Boolean includeObfuscation) {}

  /**
   * One entry of {@code messages}. {@code refusal}, {@code annotations}, {@code audio}, {@code function_call}
   * and {@code reasoning_content} are accepted so that an answer's message can be sent back as it came.
   */
  record Message(
      String role,
      JsonNode content,
      String name,
      List<ToolCall> toolCalls,
      String toolCallId,
      JsonNode refusal,
      JsonNode annotations,
      JsonNode audio,
      JsonNode functionCall,
      JsonNode reasoningContent) {}

  /** A past call in an assistant message. */
  record ToolCall(String id, String type, Function function) {}

  /** The function of a past call. */
  record Function(String name, String arguments) {}

  /** An entry of {@code tools}. */
  record Tool(String type, FunctionDefinition function) {}

  /** A function tool's definition. */
  record FunctionDefinition(String name, String description, JsonNode parameters, Boolean strict) {}
}
