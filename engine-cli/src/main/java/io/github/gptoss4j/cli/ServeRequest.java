package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.harmony.Author;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One OpenAI Chat Completions request body, read into a Generator request. Every field is checked; a bad one is
 * a {@link ServeException} (400) whose {@code param} names it. Fields this server does not use are ignored,
 * except those whose meaning it cannot honour ({@code n} above 1, {@code logprobs}, forced {@code tool_choice},
 * a non-text {@code response_format}), which are refused rather than silently dropped.
 *
 * @param generation what to generate
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 * @param model the {@code model} field, echoed in the answer; null when absent
 */
record ServeRequest(GenerationRequest generation, boolean stream, boolean includeUsage, String model) {

  /**
   * Reads {@code body}.
   *
   * @param demo whether the model is the demo (random weights): its replies are opened on the final channel
   *     and limited to {@link GenerationOptions#DEMO_MAX_TOKENS} unless the request says otherwise, as in
   *     {@code generate}
   */
  static ServeRequest parse(JsonNode body, boolean demo) {
    GenerationRequest.Builder request = GenerationRequest.builder();
    List<String> instructions = new ArrayList<>();
    messages(body, request, instructions);
    if (!instructions.isEmpty()) {
      request.instructions(String.join("\n\n", instructions));
    }
    tools(body, request);
    request.sampling(sampling(body));
    // max_completion_tokens is OpenAI's current name, max_tokens the older one most clients still send.
    String maxTokensField = field(body, "max_completion_tokens") != null ? "max_completion_tokens" : "max_tokens";
    Integer maxTokens = int32(body, maxTokensField);
    if (maxTokens != null) {
      apply(maxTokensField, () -> request.maxTokens(maxTokens));
    } else if (demo) {
      request.maxTokens(GenerationOptions.DEMO_MAX_TOKENS);
    }
    stops(body, request);
    String effort = text(body, "reasoning_effort");
    if (effort != null) {
      request.reasoningEffort(switch (effort) {
        case "low" -> ReasoningEffort.LOW;
        case "medium" -> ReasoningEffort.MEDIUM;
        case "high" -> ReasoningEffort.HIGH;
        default -> throw ServeException.invalid(
            "reasoning_effort", "reasoning_effort must be low, medium or high, got '" + effort + "'");
      });
    }
    refuseUnsupported(body);
    if (demo) {
      request.replyChannel("final"); // random weights never write a Harmony header themselves
    }
    Boolean stream = bool(body, "stream");
    JsonNode options = field(body, "stream_options");
    if (options != null && !options.isObject()) {
      throw ServeException.invalid("stream_options", "stream_options must be an object");
    }
    Boolean usage = options == null ? null : bool(options, "stream_options.include_usage", "include_usage");
    return new ServeRequest(request.build(), Boolean.TRUE.equals(stream), Boolean.TRUE.equals(usage), text(body, "model"));
  }

  private static void messages(JsonNode body, GenerationRequest.Builder request, List<String> instructions) {
    JsonNode messages = field(body, "messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ServeException.invalid("messages", "messages must be a non-empty array of {role, content} objects");
    }
    Map<String, String> callNames = new HashMap<>(); // tool_call id -> function name, for tool results
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      JsonNode m = messages.get(i);
      if (!m.isObject()) {
        throw ServeException.invalid(where, where + " must be an object");
      }
      String role = required(text(m, where + ".role", "role"), where + ".role");
      switch (role) {
        case "system", "developer" -> instructions.add(required(content(m, where), where + ".content"));
        case "user" -> request.user(required(content(m, where), where + ".content"));
        case "assistant" -> assistant(m, where, request, callNames);
        case "tool" -> {
          String id = required(text(m, where + ".tool_call_id", "tool_call_id"), where + ".tool_call_id");
          String name = callNames.get(id);
          if (name == null) {
            throw ServeException.invalid(where + ".tool_call_id",
                where + ".tool_call_id '" + id + "' matches no tool call of an earlier assistant message");
          }
          String output = required(content(m, where), where + ".content");
          request.message(Message.of(new Author(Role.TOOL, "functions." + name), output)
              .withRecipient("assistant")
              .withChannel("commentary"));
        }
        default -> throw ServeException.invalid(where + ".role",
            where + ".role must be system, developer, user, assistant or tool, got '" + role + "'");
      }
    }
  }

  /** An assistant turn: its text (final answer, or the preamble of its tool calls) and its tool calls. */
  private static void assistant(
      JsonNode m, String where, GenerationRequest.Builder request, Map<String, String> callNames) {
    String text = content(m, where);
    JsonNode calls = field(m, "tool_calls");
    if (calls == null) {
      request.message(Message.of(Role.ASSISTANT, required(text, where + ".content")).withChannel("final"));
      return;
    }
    if (!calls.isArray()) {
      throw ServeException.invalid(where + ".tool_calls", where + ".tool_calls must be an array");
    }
    if (text != null && !text.isEmpty()) {
      request.message(Message.of(Role.ASSISTANT, text).withChannel("commentary"));
    }
    for (int j = 0; j < calls.size(); j++) {
      String at = where + ".tool_calls[" + j + "]";
      JsonNode call = calls.get(j);
      String type = text(call, at + ".type", "type");
      if (type != null && !type.equals("function")) {
        throw ServeException.invalid(at + ".type", at + ".type must be 'function', got '" + type + "'");
      }
      JsonNode function = field(call, "function");
      if (function == null || !function.isObject()) {
        throw ServeException.invalid(at + ".function", at + ".function must be an object {name, arguments}");
      }
      String name = required(text(function, at + ".function.name", "name"), at + ".function.name");
      String arguments = required(text(function, at + ".function.arguments", "arguments"), at + ".function.arguments");
      String id = text(call, at + ".id", "id");
      if (id != null) {
        callNames.put(id, name);
      }
      // As Harmony renders a past function call: to the function, on commentary, constrained to JSON.
      request.message(Message.of(Role.ASSISTANT, arguments)
          .withChannel("commentary")
          .withRecipient("functions." + name)
          .withContentType("<|constrain|>json"));
    }
  }

  /** A message's content: a string, or an array of {@code {"type": "text", "text": ...}} parts; null if absent. */
  private static String content(JsonNode m, String where) {
    JsonNode content = field(m, "content");
    if (content == null || content.isTextual()) {
      return content == null ? null : content.asText();
    }
    if (!content.isArray()) {
      throw ServeException.invalid(where + ".content", where + ".content must be a string or an array of text parts");
    }
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < content.size(); k++) {
      String at = where + ".content[" + k + "]";
      JsonNode part = content.get(k);
      if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
        throw ServeException.invalid(at, at + " must be {\"type\": \"text\", \"text\": ...}; only text is supported");
      }
      text.append(part.get("text").asText());
    }
    return text.toString();
  }

  private static void tools(JsonNode body, GenerationRequest.Builder request) {
    JsonNode tools = field(body, "tools");
    String choice = "auto";
    JsonNode toolChoice = field(body, "tool_choice");
    if (toolChoice != null) {
      choice = toolChoice.isTextual() ? toolChoice.asText() : toolChoice.toString();
      if (!choice.equals("auto") && !choice.equals("none")) {
        throw ServeException.invalid("tool_choice",
            "tool_choice must be 'auto' or 'none' (forcing a tool call is not supported), got " + choice);
      }
    }
    if (tools == null) {
      return;
    }
    if (!tools.isArray()) {
      throw ServeException.invalid("tools", "tools must be an array");
    }
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      JsonNode tool = tools.get(i);
      String type = text(tool, where + ".type", "type");
      if (!"function".equals(type)) {
        throw ServeException.invalid(where + ".type", where + ".type must be 'function', got " + type);
      }
      JsonNode function = field(tool, "function");
      if (function == null || !function.isObject()) {
        throw ServeException.invalid(where + ".function", where + ".function must be an object {name, description, parameters}");
      }
      String name = required(text(function, where + ".function.name", "name"), where + ".function.name");
      String description = text(function, where + ".function.description", "description");
      JsonNode parameters = field(function, "parameters");
      if (parameters != null && !parameters.isObject()) {
        throw ServeException.invalid(where + ".function.parameters", where + ".function.parameters must be a JSON schema object");
      }
      if (choice.equals("auto")) {
        apply(where + ".function", () -> request.functionTool(
            name, description == null ? "" : description, parameters == null ? null : parameters.toString()));
      }
    }
  }

  private static SamplingOptions sampling(JsonNode body) {
    SamplingOptions.Builder sampling = SamplingOptions.builder();
    option(body, "temperature", ServeRequest::number, sampling::temperature, sampling);
    option(body, "top_p", ServeRequest::number, sampling::topP, sampling);
    option(body, "top_k", ServeRequest::int32, sampling::topK, sampling);
    option(body, "min_p", ServeRequest::number, sampling::minP, sampling);
    option(body, "presence_penalty", ServeRequest::number, sampling::presencePenalty, sampling);
    option(body, "frequency_penalty", ServeRequest::number, sampling::frequencyPenalty, sampling);
    option(body, "seed", ServeRequest::integer, sampling::seed, sampling);
    return sampling.build();
  }

  /** Reads one sampling field, sets it and checks it at once, so the error names that field. */
  private static <T> void option(JsonNode body, String field, BiFunction<JsonNode, String, T> read,
      Consumer<T> set, SamplingOptions.Builder sampling) {
    T value = read.apply(body, field);
    if (value != null) {
      apply(field, () -> {
        set.accept(value);
        sampling.build();
      });
    }
  }

  private static void stops(JsonNode body, GenerationRequest.Builder request) {
    JsonNode stop = field(body, "stop");
    if (stop == null) {
      return;
    }
    if (stop.isTextual()) {
      apply("stop", () -> request.stopString(stop.asText()));
      return;
    }
    if (!stop.isArray()) {
      throw ServeException.invalid("stop", "stop must be a string or an array of strings");
    }
    for (JsonNode s : stop) {
      if (!s.isTextual()) {
        throw ServeException.invalid("stop", "stop must be a string or an array of strings, got an element " + s);
      }
      apply("stop", () -> request.stopString(s.asText()));
    }
  }

  private static void refuseUnsupported(JsonNode body) {
    Long n = integer(body, "n");
    if (n != null && n != 1) {
      throw ServeException.invalid("n", "n must be 1 (one choice per request), got " + n);
    }
    if (Boolean.TRUE.equals(bool(body, "logprobs")) || field(body, "top_logprobs") != null) {
      throw ServeException.invalid("logprobs", "logprobs are not supported by this server");
    }
    JsonNode format = field(body, "response_format");
    if (format != null && !"text".equals(format.path("type").asText())) {
      throw ServeException.invalid("response_format", "response_format must be {\"type\": \"text\"}; structured output is not supported");
    }
  }

  /** Runs a Generator builder call, turning its error into a 400 naming {@code param}. */
  private static void apply(String param, Runnable set) {
    try {
      set.run();
    } catch (GenerationException e) {
      String message = e.getMessage();
      throw ServeException.invalid(param, message.startsWith(param) ? message : param + ": " + message);
    }
  }

  /** The field, or null where it is absent or JSON null (OpenAI treats both as "not given"). */
  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  private static String text(JsonNode node, String name) {
    return text(node, name, name);
  }

  private static String text(JsonNode node, String param, String name) {
    return typed(node, param, name, JsonNode::isTextual, "a string", JsonNode::asText);
  }

  private static Double number(JsonNode node, String name) {
    return typed(node, name, name, JsonNode::isNumber, "a number", JsonNode::asDouble);
  }

  private static Long integer(JsonNode node, String name) {
    return typed(node, name, name, v -> v.isIntegralNumber() && v.canConvertToLong(), "an integer", JsonNode::asLong);
  }

  private static Integer int32(JsonNode node, String name) {
    return typed(node, name, name, v -> v.isIntegralNumber() && v.canConvertToInt(), "a 32-bit integer", JsonNode::asInt);
  }

  private static Boolean bool(JsonNode node, String name) {
    return bool(node, name, name);
  }

  private static Boolean bool(JsonNode node, String param, String name) {
    return typed(node, param, name, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
  }

  /** The field {@code name} read by {@code read}; null if absent; a 400 naming {@code param} if not {@code ok}. */
  private static <T> T typed(JsonNode node, String param, String name, Predicate<JsonNode> ok, String expected,
      Function<JsonNode, T> read) {
    JsonNode value = field(node, name);
    if (value == null) {
      return null;
    }
    if (!ok.test(value)) {
      throw ServeException.invalid(param, param + " must be " + expected + ", got " + value);
    }
    return read.apply(value);
  }

  private static String required(String value, String param) {
    if (value == null) {
      throw ServeException.invalid(param, param + " is required");
    }
    return value;
  }
}
