package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * One chat completion as OpenAI's API writes it, built from the Generator's events: the {@code chat.completion}
 * object, or, when streaming, one {@code chat.completion.chunk} per event that adds something.
 *
 * <p>With {@code n} choices each is a {@code choices[i]} with its {@code index}, its own message, finish reason
 * and log-probabilities. Streamed, every chunk carries one choice and its index, interleaved as the choices
 * generate (they decode together); the finish chunks of all choices come at the end, in index order, then the
 * usage chunk. Usage counts the prompt once and the completion tokens of every choice.
 *
 * <p>Answer text and commentary preambles (text before a tool call) are {@code content}; the analysis channel is
 * {@code reasoning_content}, as llama.cpp's server and vLLM name it. Log-probabilities, when asked for, cover
 * the tokens of {@code content}: tokens of message headers, reasoning and the stop token are not reported.
 */
final class ChatReply implements Answer {
  private final String id = Ids.next("chatcmpl-");
  private final long created = System.currentTimeMillis() / 1000;
  private final String model;
  private final TokenLogprobsJson logprobs;
  private final boolean includeUsage;
  private final List<Choice> choices = new ArrayList<>();

  /**
   * @param logprobs writes log-probabilities; null when the request did not ask for them
   * @param includeUsage whether a stream ends with a usage chunk
   * @param n how many choices
   */
  ChatReply(String model, TokenLogprobsJson logprobs, boolean includeUsage, int n) {
    this.model = model;
    this.logprobs = logprobs;
    this.includeUsage = includeUsage;
    for (int i = 0; i < n; i++) {
      choices.add(new Choice(i));
    }
  }

  @Override
  public int choices() {
    return choices.size();
  }

  /** The first chunk of each choice of a stream: the assistant's role. */
  @Override
  public List<Event> start() {
    List<Event> events = new ArrayList<>();
    for (Choice c : choices) {
      ObjectNode delta = JsonBody.JSON.createObjectNode().put("role", "assistant").put("content", "");
      events.add(Event.of(null, chunk(c.index, delta, null, null)));
    }
    return events;
  }

  @Override
  public List<Event> accept(int choice, GenerationEvent event) {
    ObjectNode chunk = chunkFor(choice, event);
    return chunk == null || event instanceof Done ? List.of() : List.of(Event.of(null, chunk));
  }

  /** The finish chunk of each choice, the usage chunk when asked for, {@code [DONE]}. */
  @Override
  public List<Event> end() {
    List<Event> events = new ArrayList<>();
    for (Choice c : choices) {
      events.add(Event.of(null, chunk(c.index, JsonBody.JSON.createObjectNode(), c.finishReason(), null)));
    }
    if (includeUsage) {
      events.add(Event.of(null, usageChunk()));
    }
    events.add(new Event(null, "[DONE]"));
    return events;
  }

  @Override
  public Event error(ApiException e) {
    return Event.of(null, Replies.error(e));
  }

  @Override
  public ObjectNode whole() {
    return response();
  }

  /** Takes one event of a choice; returns the chunk that streams it, or null when it shows nothing to the client. */
  ObjectNode chunkFor(int choice, GenerationEvent event) {
    return choices.get(choice).chunkFor(event);
  }

  /** The stream's last chunk before {@code [DONE]} when the client asked for usage: no choices, the usage. */
  ObjectNode usageChunk() {
    ObjectNode chunk = header("chat.completion.chunk");
    chunk.putArray("choices");
    chunk.set("usage", usage());
    return chunk;
  }

  /** The whole answer, once every choice's {@link Done} was accepted. */
  ObjectNode response() {
    ObjectNode response = header("chat.completion");
    ArrayNode array = response.putArray("choices");
    choices.forEach(c -> array.add(c.json()));
    response.set("usage", usage());
    return response;
  }

  @Override
  public Done done(int choice) {
    return choices.get(choice).done;
  }

  /** Choice {@code choice}'s finish reason, once it is done. */
  String finishReason(int choice) {
    return choices.get(choice).finishReason();
  }

  /**
   * The prompt once (the choices share it, prefilled once, so choice 0's cached tokens are the request's), the
   * completion tokens of all choices.
   */
  private ObjectNode usage() {
    Stats first = choices.getFirst().done.stats();
    int completion = choices.stream().mapToInt(c -> c.done.stats().generatedTokens()).sum();
    ObjectNode usage = JsonBody.JSON.createObjectNode()
        .put("prompt_tokens", first.promptTokens())
        .put("completion_tokens", completion)
        .put("total_tokens", first.promptTokens() + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", first.cachedTokens());
    return usage;
  }

  /** One choice's message as it grows. */
  private final class Choice {
    private final int index;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<ObjectNode> toolCalls = new ArrayList<>();
    private final ArrayNode contentLogprobs = JsonBody.JSON.createArrayNode();
    /** Log-probabilities of tokens not yet known to belong to the content. */
    private final List<TokenEvent> pending = new ArrayList<>();
    private Done done;

    Choice(int index) {
      this.index = index;
    }

    ObjectNode chunkFor(GenerationEvent event) {
      ObjectNode delta = JsonBody.JSON.createObjectNode();
      ArrayNode chunkLogprobs = null;
      switch (event) {
        case TokenEvent t -> {
          if (logprobs != null) {
            pending.add(t);
          }
          return null;
        }
        case FinalDelta d -> chunkLogprobs = text(delta, d.text());
        case CommentaryDelta d -> chunkLogprobs = text(delta, d.text());
        case ReasoningDelta d -> {
          pending.clear();
          reasoning.append(d.text());
          delta.put("reasoning_content", d.text());
        }
        case ToolCall c -> {
          pending.clear();
          ObjectNode call = toolCall(c);
          toolCalls.add(call);
          delta.putArray("tool_calls").addObject().put("index", toolCalls.size() - 1).setAll(call);
        }
        case MessageStart m -> {
          pending.clear(); // the header's tokens
          return null;
        }
        case Done d -> {
          done = d;
          return chunk(index, delta, finishReason(), null);
        }
        default -> {
          return null; // message ends
        }
      }
      return chunk(index, delta, null, chunkLogprobs);
    }

    private ArrayNode text(ObjectNode delta, String text) {
      content.append(text);
      delta.put("content", text);
      if (logprobs == null) {
        return null;
      }
      ArrayNode entries = JsonBody.JSON.createArrayNode();
      pending.forEach(t -> entries.add(logprobs.entry(t.logprobs())));
      pending.clear();
      contentLogprobs.addAll(entries);
      return entries;
    }

    /** {@code choices[index]} of the whole answer. */
    ObjectNode json() {
      ObjectNode choice = JsonBody.JSON.createObjectNode().put("index", index);
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
      if (logprobs != null) {
        choice.putObject("logprobs").putNull("refusal").set("content", contentLogprobs);
      } else {
        choice.putNull("logprobs");
      }
      choice.put("finish_reason", finishReason());
      return choice;
    }

    /**
     * OpenAI's finish reason: a tool call, the token limit or the request's deadline ({@code length}: the
     * answer is cut), or the end of the answer or a stop string ({@code stop}). A cancelled generation is not
     * finished; the server reports it as an error instead.
     */
    String finishReason() {
      return switch (done.stopReason()) {
        case TOOL_CALL -> "tool_calls";
        case LENGTH, TIMEOUT -> "length";
        case STOP_TOKEN, STOP_STRING, CANCELLED -> "stop";
      };
    }
  }

  /** A call to {@code functions.NAME} is reported as function {@code NAME}; any other recipient by its name. */
  private static ObjectNode toolCall(ToolCall c) {
    ObjectNode call = JsonBody.JSON.createObjectNode().put("id", Ids.next("call_")).put("type", "function");
    call.putObject("function").put("name", Harmony.functionName(c.recipient())).put("arguments", c.arguments());
    return call;
  }

  private ObjectNode chunk(int index, ObjectNode delta, String finishReason, ArrayNode chunkLogprobs) {
    ObjectNode chunk = header("chat.completion.chunk");
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
    choice.set("delta", delta);
    if (chunkLogprobs != null) {
      choice.putObject("logprobs").putNull("refusal").set("content", chunkLogprobs);
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason);
    return chunk;
  }

  private ObjectNode header(String object) {
    return JsonBody.JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
        .put("model", model).put("system_fingerprint", (String) null);
  }
}
