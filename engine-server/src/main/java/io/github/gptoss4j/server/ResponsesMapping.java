package io.github.gptoss4j.server;

import static io.github.gptoss4j.server.RequestFields.refuse;
import static io.github.gptoss4j.server.RequestFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.ToolChoice;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.server.ResponsesRequest.InputItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses API request read into a Generator request. Every field is used, refused with a 400 naming it, or
 * (hints that change nothing in the answer) ignored, as docs/serve.md lists.
 *
 * @param generation what to generate
 * @param body the request, for what the response echoes (instructions, tools, sampling, metadata)
 * @param stream whether to answer with server-sent events
 */
record ResponsesMapping(GenerationRequest generation, ResponsesRequest body, boolean stream) {
  /** {@code POST /v1/responses}: a {@code response} object, or with {@code "stream": true} its event stream. */
  static GenerationRoute.Plan plan(ResponsesRequest body, ServerSettings settings, GptOssServer.Served served) {
    ResponsesMapping request = of(body, settings);
    ResponsesReply reply = new ResponsesReply(body.model() == null ? served.name() : body.model(), request);
    return new GenerationRoute.Plan(request.generation(), request.stream(), reply);
  }

  static ResponsesMapping of(ResponsesRequest body, ServerSettings settings) {
    refuseUnsupported(body);
    GenerationRequest.Builder request = GenerationRequest.builder();
    List<String> instructions = new ArrayList<>();
    if (body.instructions() != null) {
      instructions.add(body.instructions());
    }
    input(body.input(), request, instructions);
    if (!instructions.isEmpty()) {
      request.instructions(String.join("\n\n", instructions));
    }
    boolean offerTools = !"none".equals(toolChoice(body.toolChoice()).asText());
    List<ResponsesRequest.Tool> tools = body.tools() == null ? List.of() : body.tools();
    Set<String> declared = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      ResponsesRequest.Tool tool = required(tools.get(i), where);
      if (!"function".equals(tool.type())) {
        throw ApiException.unsupported(where + ".type", "only function tools are served, got '" + tool.type() + "'");
      }
      if (offerTools) {
        RequestFields.functionTool(request, where, tool.name(), tool.description(), tool.parameters());
        declared.add(tool.name());
      }
    }
    ToolChoice forced = RequestFields.toolChoice(body.toolChoice(), c -> c.path("name"), "tool_choice.name", declared);
    if (forced != null) {
      request.toolChoice(forced);
    }
    if (body.text() != null) {
      ResponseFormat format = RequestFields.responseFormat(body.text().format(), "text.format", null);
      if (format != null) {
        request.responseFormat(format);
      }
    }
    SamplingOptions.Builder s = SamplingOptions.builder();
    RequestFields.sampling(s, "temperature", body.temperature(), s::temperature);
    RequestFields.sampling(s, "top_p", body.topP(), s::topP);
    RequestFields.sampling(s, "seed", body.seed(), s::seed);
    request.sampling(s.build());
    RequestFields.defaults(request, body.maxOutputTokens(), "max_output_tokens", settings);
    if (body.reasoning() != null) {
      ReasoningEffort effort = RequestFields.effort(body.reasoning().effort(), "reasoning.effort");
      if (effort != null) {
        request.reasoningEffort(effort);
      }
    }
    return new ResponsesMapping(ChatCompletionMapping.build(request), body, Boolean.TRUE.equals(body.stream()));
  }

  /** The tool choice as the response echoes it: {@code auto}, {@code none}, {@code required}, or the object. */
  static JsonNode toolChoice(JsonNode choice) {
    return JsonBody.given(choice) ? choice : JsonBody.JSON.getNodeFactory().textNode("auto");
  }

  private static void input(JsonNode input, GenerationRequest.Builder request, List<String> instructions) {
    if (!JsonBody.given(input)) {
      throw ApiException.invalid("input", "input is required: a string or an array of input items");
    }
    if (input.isTextual()) {
      request.user(input.asText());
      return;
    }
    if (!input.isArray() || input.isEmpty()) {
      throw ApiException.invalid("input", "input must be a string or a non-empty array of input items");
    }
    Map<String, String> callNames = new HashMap<>(); // call_id -> function name, for outputs
    for (int i = 0; i < input.size(); i++) {
      String where = "input[" + i + "]";
      InputItem item = JsonBody.convert(input.get(i), InputItem.class, where);
      String type = item.type() != null ? item.type() : item.role() != null ? "message" : null;
      switch (required(type, where + ".type")) {
        case "message" -> message(item, where, request, instructions);
        case "function_call" -> {
          String name = required(item.name(), where + ".name");
          callNames.put(required(item.callId(), where + ".call_id"), name);
          request.message(Harmony.pastCall(name, required(item.arguments(), where + ".arguments")));
        }
        case "function_call_output" -> {
          String id = required(item.callId(), where + ".call_id");
          String name = callNames.get(id);
          if (name == null) {
            throw ApiException.invalid(where + ".call_id",
                where + ".call_id '" + id + "' matches no function_call earlier in input");
          }
          String output = required(RequestFields.text(item.output(), where + ".output", "input_text"), where + ".output");
          request.message(Harmony.toolResult(name, output));
        }
        case "reasoning" -> {
          // past chain of thought: Harmony drops it from later prompts
        }
        default -> throw ApiException.unsupported(where + ".type",
            "input items must be message, function_call, function_call_output or reasoning, got '" + type + "'");
      }
    }
  }

  private static void message(InputItem item, String where, GenerationRequest.Builder request,
      List<String> instructions) {
    String role = required(item.role(), where + ".role");
    String text = required(RequestFields.text(item.content(), where + ".content", "input_text", "output_text"),
        where + ".content");
    switch (role) {
      case "system", "developer" -> instructions.add(text);
      case "user" -> request.user(text);
      case "assistant" -> request.message(Message.of(Role.ASSISTANT, text).withChannel("final"));
      default -> throw ApiException.invalid(where + ".role",
          where + ".role must be user, assistant, system or developer, got '" + role + "'");
    }
  }

  private static void refuseUnsupported(ResponsesRequest body) {
    refuse(body.previousResponseId(), "previous_response_id",
        "responses are not stored; send the whole conversation in input");
    refuse(body.conversation(), "conversation", "conversations are not stored; send the whole conversation in input");
    refuse(body.prompt(), "prompt", "prompt templates are not supported");
    if (Boolean.TRUE.equals(body.background())) {
      throw ApiException.unsupported("background", "background responses are not supported");
    }
    if (body.include() != null && !body.include().isEmpty()) {
      throw ApiException.unsupported("include[0]", "no include value is supported, got '" + body.include().getFirst() + "'");
    }
    if (body.topLogprobs() != null && body.topLogprobs() != 0) {
      throw ApiException.unsupported("top_logprobs", "log-probabilities are served by Chat Completions only");
    }
    if (body.truncation() != null && !body.truncation().equals("disabled")) {
      throw ApiException.unsupported("truncation", "only 'disabled' is supported (a too-long input is a 400)");
    }
    if (JsonBody.given(body.metadata()) && !body.metadata().isObject()) {
      throw ApiException.invalid("metadata", "metadata must be an object of string values");
    }
  }

  /** The tools as the response echoes them. */
  ArrayNode toolsJson() {
    ArrayNode tools = JsonBody.JSON.createArrayNode();
    if (body.tools() != null) {
      body.tools().forEach(t -> tools.add(JsonBody.JSON.valueToTree(t)));
    }
    return tools;
  }
}
