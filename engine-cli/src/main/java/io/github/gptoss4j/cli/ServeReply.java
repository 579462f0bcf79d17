package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One chat completion as OpenAI's API writes it, built from the Generator's events: the {@code chat.completion}
 * object, or, when streaming, one {@code chat.completion.chunk} per event that adds something.
 *
 * <p>Answer text and commentary preambles (text before a tool call) are {@code content}; the analysis channel is
 * {@code reasoning_content}, as llama.cpp's server and vLLM name it.
 */
final class ServeReply {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String id = "chatcmpl-" + randomHex();
  private final long created = System.currentTimeMillis() / 1000;
  private final String model;
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private final List<ObjectNode> toolCalls = new ArrayList<>();
  private Done done;

  ServeReply(String model) {
    this.model = model;
  }

  /** The first chunk of a stream: the assistant's role. */
  ObjectNode roleChunk() {
    ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
    return chunk(delta, null);
  }

  /** Takes one event; returns the chunk that streams it, or null when it shows nothing to the client. */
  ObjectNode accept(GenerationEvent event) {
    ObjectNode delta = JSON.createObjectNode();
    switch (event) {
      case FinalDelta d -> append(content, delta, "content", d.text());
      case CommentaryDelta d -> append(content, delta, "content", d.text());
      case ReasoningDelta d -> append(reasoning, delta, "reasoning_content", d.text());
      case ToolCall c -> {
        ObjectNode call = toolCall(c);
        toolCalls.add(call);
        delta.putArray("tool_calls").addObject().put("index", toolCalls.size() - 1).setAll(call);
      }
      case Done d -> {
        done = d;
        return chunk(delta, finishReason());
      }
      default -> {
        return null; // tokens and message boundaries
      }
    }
    return chunk(delta, null);
  }

  /** The stream's last chunk before {@code [DONE]} when the client asked for usage: no choices, the usage. */
  ObjectNode usageChunk() {
    ObjectNode chunk = header("chat.completion.chunk");
    chunk.putArray("choices");
    chunk.set("usage", usage());
    return chunk;
  }

  /** The whole answer, once {@link Done} was accepted. */
  ObjectNode response() {
    ObjectNode response = header("chat.completion");
    ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (content.isEmpty() && !toolCalls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", content.toString());
    }
    if (!reasoning.isEmpty()) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.putArray("tool_calls").addAll(toolCalls);
    }
    choice.put("finish_reason", finishReason());
    response.set("usage", usage());
    return response;
  }

  /** Stats of the finished generation. */
  Stats stats() {
    return done.stats();
  }

  /** Why the generation ended, finer than {@link #finishReason()} (e.g. cancelled). */
  StopReason stopReason() {
    return done.stopReason();
  }

  /** OpenAI's finish reason: a tool call, the token limit, or a stop (end of answer, stop string, cancel). */
  String finishReason() {
    return switch (done.stopReason()) {
      case TOOL_CALL -> "tool_calls";
      case LENGTH -> "length";
      case STOP_TOKEN, STOP_STRING, CANCELLED, TIMEOUT -> "stop";
    };
  }

  private ObjectNode usage() {
    Stats s = done.stats();
    return JSON.createObjectNode()
        .put("prompt_tokens", s.promptTokens())
        .put("completion_tokens", s.generatedTokens())
        .put("total_tokens", s.promptTokens() + s.generatedTokens());
  }

  private static void append(StringBuilder all, ObjectNode delta, String field, String text) {
    all.append(text);
    delta.put(field, text);
  }

  /** A call to {@code functions.NAME} is reported as function {@code NAME}; any other recipient by its name. */
  private static ObjectNode toolCall(ToolCall c) {
    String name = c.recipient().startsWith("functions.") ? c.recipient().substring("functions.".length()) : c.recipient();
    ObjectNode call = JSON.createObjectNode().put("id", "call_" + randomHex()).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", c.arguments());
    return call;
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason) {
    ObjectNode chunk = header("chat.completion.chunk");
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode choice = choices.addObject().put("index", 0);
    choice.set("delta", delta);
    choice.put("finish_reason", finishReason);
    return chunk;
  }

  private ObjectNode header(String object) {
    return JSON.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
  }

  private static String randomHex() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
