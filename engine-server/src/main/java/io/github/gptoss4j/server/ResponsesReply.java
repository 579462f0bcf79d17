package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageEnd;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import java.util.ArrayList;
import java.util.List;

/**
 * One Responses API answer built from the Generator's events: the {@code response} object and, as it grows,
 * the stream events the official SDKs parse ({@code response.created}, {@code response.output_item.added},
 * {@code response.output_text.delta}, {@code response.reasoning_text.delta}, {@code
 * response.function_call_arguments.delta}, ..., {@code response.completed}), each with its {@code
 * sequence_number}.
 *
 * <p>The analysis channel is a {@code reasoning} item (its text in {@code content}, no summary); answer text and
 * commentary preambles are {@code message} items; each tool call is a {@code function_call} item.
 */
final class ResponsesReply implements Answer {
  private enum Kind { REASONING, MESSAGE }

  private final String id = Ids.next("resp_");
  private final long created = System.currentTimeMillis() / 1000;
  private final String model;
  private final ResponsesMapping request;
  private final List<ObjectNode> pending = new ArrayList<>();
  private final ArrayNode output = JsonBody.JSON.createArrayNode();
  private int sequence;
  private Kind open;
  private ObjectNode item;
  private StringBuilder text;
  private boolean inAnalysis;
  private int reasoningTokens;
  private Done done;

  ResponsesReply(String model, ResponsesMapping request) {
    this.model = model;
    this.request = request;
  }

  /** The stream events made since the last call, in order, named by their type. */
  private List<Event> drain() {
    List<Event> out = pending.stream().map(e -> Event.of(e.get("type").asText(), e)).toList();
    pending.clear();
    return out;
  }

  /** The response created and in progress. */
  @Override
  public List<Event> start() {
    emit("response.created").set("response", response("in_progress"));
    emit("response.in_progress").set("response", response("in_progress"));
    return drain();
  }

  /** Takes one event; {@code choice} is always 0 (the Responses API has no {@code n}). */
  @Override
  public List<Event> accept(int choice, GenerationEvent event) {
    take(event);
    return drain();
  }

  private void take(GenerationEvent event) {
    switch (event) {
      case ReasoningDelta d -> delta(Kind.REASONING, d.text());
      case FinalDelta d -> delta(Kind.MESSAGE, d.text());
      case CommentaryDelta d -> delta(Kind.MESSAGE, d.text());
      case ToolCall c -> toolCall(c);
      case MessageStart m -> inAnalysis = "analysis".equals(m.channel());
      case MessageEnd m -> {
        inAnalysis = false;
        close();
      }
      case TokenEvent t -> reasoningTokens += inAnalysis ? 1 : 0;
      case Done d -> {
        close();
        done = d;
      }
    }
  }

  /** {@code response.completed}, or {@code response.incomplete} when cut short. */
  @Override
  public List<Event> end() {
    ObjectNode response = whole();
    emit("completed".equals(response.get("status").asText()) ? "response.completed" : "response.incomplete")
        .set("response", response);
    return drain();
  }

  /** An {@code error} event. */
  @Override
  public Event error(ApiException e) {
    return Event.of("error", JsonBody.JSON.createObjectNode().put("type", "error").put("code", e.code())
        .put("message", e.getMessage()).put("param", e.param()).put("sequence_number", sequence++));
  }

  @Override
  public Done done(int choice) {
    return done;
  }

  /** The finished response. */
  @Override
  public ObjectNode whole() {
    StopReason stop = done.stopReason();
    ObjectNode response = response(stop == StopReason.LENGTH || stop == StopReason.TIMEOUT ? "incomplete" : "completed");
    if (stop == StopReason.LENGTH || stop == StopReason.TIMEOUT) {
      response.putObject("incomplete_details").put("reason", stop == StopReason.LENGTH ? "max_output_tokens" : "timeout");
    }
    Stats s = done.stats();
    ObjectNode usage = response.putObject("usage");
    usage.put("input_tokens", s.promptTokens());
    usage.putObject("input_tokens_details").put("cached_tokens", s.cachedTokens());
    usage.put("output_tokens", s.generatedTokens());
    usage.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
    usage.put("total_tokens", s.promptTokens() + s.generatedTokens());
    return response;
  }

  private ObjectNode response(String status) {
    ResponsesRequest body = request.body();
    ObjectNode r = JsonBody.JSON.createObjectNode()
        .put("id", id).put("object", "response").put("created_at", created).put("status", status)
        .put("model", model);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.put("instructions", body.instructions());
    r.set("metadata", JsonBody.given(body.metadata()) ? body.metadata() : JsonBody.JSON.createObjectNode());
    r.set("output", status.equals("in_progress") ? JsonBody.JSON.createArrayNode() : output.deepCopy());
    r.put("parallel_tool_calls", body.parallelToolCalls() == null || body.parallelToolCalls());
    r.put("temperature", body.temperature() == null ? 1.0 : body.temperature());
    r.put("top_p", body.topP() == null ? 1.0 : body.topP());
    r.set("tool_choice", ResponsesMapping.toolChoice(body.toolChoice()));
    r.set("tools", request.toolsJson());
    r.put("max_output_tokens", body.maxOutputTokens());
    r.putNull("previous_response_id");
    ObjectNode reasoning = r.putObject("reasoning");
    reasoning.put("effort", body.reasoning() == null ? null : body.reasoning().effort()).putNull("summary");
    JsonNode format = body.text() == null ? null : body.text().format();
    r.putObject("text").set("format",
        JsonBody.given(format) ? format : JsonBody.JSON.createObjectNode().put("type", "text"));
    r.put("truncation", "disabled");
    r.put("store", false);
    r.put("background", false);
    r.putNull("usage");
    return r;
  }

  private void delta(Kind kind, String delta) {
    if (open != kind) {
      close();
      openItem(kind);
    }
    text.append(delta);
    ObjectNode event = emit(kind == Kind.MESSAGE ? "response.output_text.delta" : "response.reasoning_text.delta");
    event.put("item_id", item.get("id").asText()).put("output_index", output.size()).put("content_index", 0)
        .put("delta", delta);
    if (kind == Kind.MESSAGE) {
      event.putArray("logprobs");
    }
  }

  private void openItem(Kind kind) {
    open = kind;
    text = new StringBuilder();
    item = JsonBody.JSON.createObjectNode();
    if (kind == Kind.MESSAGE) {
      item.put("id", Ids.next("msg_")).put("type", "message").put("status", "in_progress").put("role", "assistant");
      item.putArray("content");
    } else {
      item.put("id", Ids.next("rs_")).put("type", "reasoning").put("status", "in_progress");
      item.putArray("summary");
      item.putArray("content");
    }
    emit("response.output_item.added").put("output_index", output.size()).set("item", item.deepCopy());
    if (kind == Kind.MESSAGE) {
      emit("response.content_part.added").put("item_id", item.get("id").asText()).put("output_index", output.size())
          .put("content_index", 0).set("part", part(""));
    }
  }

  private ObjectNode part(String content) {
    ObjectNode part = JsonBody.JSON.createObjectNode();
    if (open == Kind.MESSAGE) {
      part.put("type", "output_text").put("text", content);
      part.putArray("annotations");
      part.putArray("logprobs");
    } else {
      part.put("type", "reasoning_text").put("text", content);
    }
    return part;
  }

  /** Ends the open reasoning or message item. */
  private void close() {
    if (open == null) {
      return;
    }
    String itemId = item.get("id").asText();
    int index = output.size();
    ObjectNode part = part(text.toString());
    if (open == Kind.MESSAGE) {
      ObjectNode done = emit("response.output_text.done").put("item_id", itemId).put("output_index", index)
          .put("content_index", 0).put("text", text.toString());
      done.putArray("logprobs");
      emit("response.content_part.done").put("item_id", itemId).put("output_index", index).put("content_index", 0)
          .set("part", part);
    } else {
      emit("response.reasoning_text.done").put("item_id", itemId).put("output_index", index).put("content_index", 0)
          .put("text", text.toString());
    }
    item.put("status", "completed");
    ((ArrayNode) item.get("content")).add(part);
    itemDone();
  }

  private void itemDone() {
    emit("response.output_item.done").put("output_index", output.size()).set("item", item.deepCopy());
    output.add(item);
    open = null;
    item = null;
  }

  private void toolCall(ToolCall c) {
    close();
    item = JsonBody.JSON.createObjectNode().put("id", Ids.next("fc_")).put("type", "function_call")
        .put("status", "in_progress").put("call_id", Ids.next("call_")).put("name", Harmony.functionName(c.recipient()))
        .put("arguments", "");
    int index = output.size();
    String itemId = item.get("id").asText();
    emit("response.output_item.added").put("output_index", index).set("item", item.deepCopy());
    emit("response.function_call_arguments.delta").put("item_id", itemId).put("output_index", index)
        .put("delta", c.arguments());
    emit("response.function_call_arguments.done").put("item_id", itemId).put("output_index", index)
        .put("name", item.get("name").asText()).put("arguments", c.arguments());
    item.put("arguments", c.arguments()).put("status", "completed");
    itemDone();
  }

  private ObjectNode emit(String type) {
    ObjectNode event = JsonBody.JSON.createObjectNode().put("type", type).put("sequence_number", sequence++);
    pending.add(event);
    return event;
  }
}
