package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /v1/responses} as OpenAI defines it, bound field by field (snake_case in JSON); a field
 * missing here is unknown and refused. {@link ResponsesMapping} says which are used, refused or ignored. {@code
 * seed} is this server's addition (as {@code seed} in Chat Completions).
 */
record ResponsesRequest(
    String model,
    JsonNode input,
    String instructions,
    Reasoning reasoning,
    List<Tool> tools,
    JsonNode toolChoice,
    Integer maxOutputTokens,
    Double temperature,
    Double topP,
    Long seed,
    Boolean stream,
    JsonNode streamOptions,
    Text text,
    Boolean store,
    String previousResponseId,
    JsonNode metadata,
    Boolean parallelToolCalls,
    String user,
    List<String> include,
    String truncation,
    Boolean background,
    String serviceTier,
    Integer topLogprobs,
    Integer maxToolCalls,
    JsonNode prompt,
    String promptCacheKey,
    String safetyIdentifier,
    JsonNode conversation) {

  /** {@code reasoning}. */
  record Reasoning(String effort, String summary, String generateSummary) {}

  /** An entry of {@code tools}: only {@code function} tools are served. */
  record Tool(String type, String name, String description, JsonNode parameters, Boolean strict) {}

  /** {@code text}. */
  record Text(JsonNode format, String verbosity) {}

  /**
   * One entry of an {@code input} array: a message, a past {@code function_call}, its {@code
   * function_call_output}, or a past {@code reasoning} item (dropped, as Harmony drops past chain of thought).
   */
  record InputItem(
      String type,
      String id,
      String role,
      JsonNode content,
      String status,
      String callId,
      String name,
      String arguments,
      JsonNode output,
      JsonNode summary,
      String encryptedContent) {}
}
