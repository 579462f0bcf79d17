package io.github.gptoss4j.server;

import static io.github.gptoss4j.server.RequestFields.apply;
import static io.github.gptoss4j.server.RequestFields.refuse;
import static io.github.gptoss4j.server.RequestFields.required;
import static io.github.gptoss4j.server.RequestFields.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.ToolChoice;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.server.ChatCompletionRequest.Tool;
import io.github.gptoss4j.server.ChatCompletionRequest.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Chat Completions request read into a Generator request. Every field is used, refused with a 400 naming it,
 * or (metadata and routing hints that change nothing in the answer: {@code user}, {@code metadata}, {@code
 * store}, {@code service_tier}, {@code prompt_cache_key}, {@code safety_identifier}) ignored, as docs/serve.md
 * lists.
 *
 * @param generation what to generate
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 * @param topLogprobs how many alternatives to report with the log-probability of each of the answer's tokens
 *     ({@code top_logprobs}, 0 when absent); null when {@code logprobs} is not asked for
 * @param model the {@code model} field, echoed in the answer; null when absent
 * @param n how many choices ({@code n}), in [1, {@value #MAX_N}]
 */
record ChatCompletionMapping(
    GenerationRequest generation, boolean stream, boolean includeUsage, Integer topLogprobs, String model, int n) {
  /**
   * Most choices one request may ask for: the model's default batch, so that one request's choices decode in
   * the same passes.
   */
  static final int MAX_N = ModelOptions.DEFAULT_BATCH_SIZE;

  /**
   * {@code POST /v1/chat/completions}: a {@code chat.completion} object with {@code n} choices of one prompt,
   * or with {@code "stream": true} its chunks as server-sent events ending in {@code data: [DONE]}.
   */
  static GenerationRoute.Plan plan(ChatCompletionRequest body, ServerSettings settings, GptOssServer.Served served) {
    ChatCompletionMapping request = of(body, settings);
    ChatReply reply = new ChatReply(request.model() == null ? served.name() : request.model(),
        request.topLogprobs() == null ? null
            : new TokenLogprobsJson(served.model().harmony().tokenizer(), request.topLogprobs()),
        request.includeUsage(), request.n());
    return new GenerationRoute.Plan(request.generation(), request.stream(), reply);
  }

  /** Reads {@code body}, filling what it leaves out from {@code settings}. */
  static ChatCompletionMapping of(ChatCompletionRequest body, ServerSettings settings) {
    refuseUnsupported(body);
    GenerationRequest.Builder request = GenerationRequest.builder();
    List<String> instructions = new ArrayList<>();
    messages(body.messages(), request, instructions);
    if (!instructions.isEmpty()) {
      request.instructions(String.join("\n\n", instructions));
    }
    tools(body, request);
    ResponseFormat format = RequestFields.responseFormat(body.responseFormat(), "response_format", "json_schema");
    if (format != null) {
      request.responseFormat(format);
    }
    boolean logprobs = Boolean.TRUE.equals(body.logprobs());
    request.sampling(sampling(body, logprobs));
    // max_completion_tokens is OpenAI's current name, max_tokens the older one most clients still send.
    boolean current = body.maxCompletionTokens() != null;
    RequestFields.defaults(request, current ? body.maxCompletionTokens() : body.maxTokens(),
        current ? "max_completion_tokens" : "max_tokens", settings);
    stops(body.stop(), request);
    logitBias(body.logitBias(), request);
    ReasoningEffort effort = RequestFields.effort(body.reasoningEffort(), "reasoning_effort");
    if (effort != null) {
      request.reasoningEffort(effort);
    }
    ChatCompletionRequest.StreamOptions options = body.streamOptions();
    boolean usage = options != null && Boolean.TRUE.equals(options.includeUsage());
    GenerationRequest generation = build(request);
    Integer top = !logprobs ? null : body.topLogprobs() == null ? 0 : body.topLogprobs();
    return new ChatCompletionMapping(generation, Boolean.TRUE.equals(body.stream()), usage, top, body.model(),
        body.n() == null ? 1 : body.n());
  }

  static GenerationRequest build(GenerationRequest.Builder request) {
    try {
      return request.build();
    } catch (io.github.gptoss4j.generate.GenerationException e) {
      throw ApiException.invalid("messages", e.getMessage());
    }
  }

  private static void messages(
      List<ChatCompletionRequest.Message> messages, GenerationRequest.Builder request, List<String> instructions) {
    if (messages == null || messages.isEmpty()) {
      throw ApiException.invalid("messages", "messages must be a non-empty array of {role, content} objects");
    }
    Map<String, String> callNames = new HashMap<>(); // tool_call id -> function name, for tool results
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      ChatCompletionRequest.Message m = messages.get(i);
      if (m == null) {
        throw ApiException.invalid(where, where + " must be an object");
      }
      String role = required(m.role(), where + ".role");
      String content = RequestFields.text(m.content(), where + ".content", "text");
      switch (role) {
        case "system", "developer" -> instructions.add(required(content, where + ".content"));
        case "user" -> request.user(required(content, where + ".content"));
        case "assistant" -> assistant(m, content, where, request, callNames);
        case "tool" -> {
          String id = required(m.toolCallId(), where + ".tool_call_id");
          String name = callNames.get(id);
          if (name == null) {
            throw ApiException.invalid(where + ".tool_call_id",
                where + ".tool_call_id '" + id + "' matches no tool call of an earlier assistant message");
          }
          request.message(Harmony.toolResult(name, required(content, where + ".content")));
        }
        default -> throw ApiException.invalid(where + ".role",
            where + ".role must be system, developer, user, assistant or tool, got '" + role + "'");
      }
    }
  }

  /** An assistant turn: its text (final answer, or the preamble of its tool calls) and its tool calls. */
  private static void assistant(ChatCompletionRequest.Message m, String text, String where,
      GenerationRequest.Builder request, Map<String, String> callNames) {
    List<ToolCall> calls = m.toolCalls();
    if (calls == null) {
      request.message(Message.of(Role.ASSISTANT, required(text, where + ".content")).withChannel("final"));
      return;
    }
    if (text != null && !text.isEmpty()) {
      request.message(Message.of(Role.ASSISTANT, text).withChannel("commentary"));
    }
    for (int j = 0; j < calls.size(); j++) {
      String at = where + ".tool_calls[" + j + "]";
      ToolCall call = required(calls.get(j), at);
      if (call.type() != null && !call.type().equals("function")) {
        throw ApiException.invalid(at + ".type", at + ".type must be 'function', got '" + call.type() + "'");
      }
      ChatCompletionRequest.Function function = required(call.function(), at + ".function");
      String name = required(function.name(), at + ".function.name");
      String arguments = required(function.arguments(), at + ".function.arguments");
      if (call.id() != null) {
        callNames.put(call.id(), name);
      }
      request.message(Harmony.pastCall(name, arguments));
    }
  }

  private static void tools(ChatCompletionRequest body, GenerationRequest.Builder request) {
    JsonNode choice = body.toolChoice();
    boolean offered = !(JsonBody.given(choice) && choice.isTextual() && choice.asText().equals("none"));
    List<Tool> tools = body.tools() == null ? List.of() : body.tools();
    Set<String> declared = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      Tool tool = required(tools.get(i), where);
      if (!"function".equals(tool.type())) {
        throw ApiException.invalid(where + ".type", where + ".type must be 'function', got " + tool.type());
      }
      ChatCompletionRequest.FunctionDefinition function = required(tool.function(), where + ".function");
      if (offered) {
        RequestFields.functionTool(
            request, where + ".function", function.name(), function.description(), function.parameters());
        declared.add(function.name());
      }
    }
    ToolChoice forced = RequestFields.toolChoice(
        choice, c -> c.path("function").path("name"), "tool_choice.function.name", declared);
    if (forced != null) {
      request.toolChoice(forced);
    }
  }

  private static SamplingOptions sampling(ChatCompletionRequest body, boolean logprobs) {
    SamplingOptions.Builder s = SamplingOptions.builder();
    RequestFields.sampling(s, "temperature", body.temperature(), s::temperature);
    RequestFields.sampling(s, "top_p", body.topP(), s::topP);
    RequestFields.sampling(s, "top_k", body.topK(), s::topK);
    RequestFields.sampling(s, "min_p", body.minP(), s::minP);
    RequestFields.sampling(s, "presence_penalty", body.presencePenalty(), s::presencePenalty);
    RequestFields.sampling(s, "frequency_penalty", body.frequencyPenalty(), s::frequencyPenalty);
    RequestFields.sampling(s, "repetition_penalty", body.repetitionPenalty(), s::repetitionPenalty);
    RequestFields.sampling(s, "seed", body.seed(), s::seed);
    if (body.topLogprobs() != null) {
      if (!logprobs) {
        throw ApiException.invalid("top_logprobs", "top_logprobs needs \"logprobs\": true");
      }
      RequestFields.sampling(s, "top_logprobs", body.topLogprobs(), s::logprobs);
    } else if (logprobs) {
      s.logprobs(1); // the library's 0 is none at all; the alternative is not written (top_logprobs is [])
    }
    return s.build();
  }

  private static void stops(JsonNode stop, GenerationRequest.Builder request) {
    if (!JsonBody.given(stop)) {
      return;
    }
    if (stop.isTextual()) {
      apply("stop", () -> request.stopString(stop.asText()));
      return;
    }
    if (!stop.isArray()) {
      throw ApiException.invalid("stop", "stop must be a string or an array of strings");
    }
    for (int i = 0; i < stop.size(); i++) {
      JsonNode s = stop.get(i);
      if (!s.isTextual()) {
        throw ApiException.invalid("stop", "stop must be a string or an array of strings, got an element " + s);
      }
      apply("stop", () -> request.stopString(s.asText()));
    }
  }

  /** {@code {"TOKEN_ID": BIAS}}: BIAS in [-100, 100] added to that token's logit at every step. */
  private static void logitBias(JsonNode bias, GenerationRequest.Builder request) {
    if (!JsonBody.given(bias)) {
      return;
    }
    if (!bias.isObject()) {
      throw ApiException.invalid("logit_bias", "logit_bias must be an object of token ids to biases");
    }
    for (Map.Entry<String, JsonNode> e : bias.properties()) {
      String where = "logit_bias." + e.getKey();
      if (!e.getKey().matches("\\d{1,9}")) {
        throw ApiException.invalid(where, where + ": keys must be token ids (decimal integers), got '" + e.getKey() + "'");
      }
      if (!e.getValue().isNumber()) {
        throw ApiException.invalid(where, where + " must be a number in [-100, 100], got " + e.getValue());
      }
      int id = Integer.parseInt(e.getKey());
      apply(where, () -> request.logitBias(id, e.getValue().asDouble()));
    }
  }

  private static void refuseUnsupported(ChatCompletionRequest body) {
    if (body.n() != null && (body.n() < 1 || body.n() > MAX_N)) {
      throw ApiException.invalid("n", "n must be an integer in [1, " + MAX_N + "], got " + body.n());
    }
    if (body.modalities() != null && !body.modalities().equals(List.of("text"))) {
      throw ApiException.unsupported("modalities", "only [\"text\"] is supported, got " + body.modalities());
    }
    refuse(body.audio(), "audio", "audio output is not supported");
    refuse(body.prediction(), "prediction", "predicted outputs are not supported");
    refuse(body.webSearchOptions(), "web_search_options", "web search is not supported");
    refuse(body.functions(), "functions", "the deprecated functions field is not supported; use tools");
    refuse(body.functionCall(), "function_call", "the deprecated function_call field is not supported; use tool_choice");
    refuse(body.verbosity(), "verbosity", "verbosity is not supported");
    ChatCompletionRequest.StreamOptions options = body.streamOptions();
    if (options != null && !Boolean.TRUE.equals(body.stream())) {
      throw ApiException.invalid("stream_options", "stream_options is only allowed with \"stream\": true");
    }
  }
}
