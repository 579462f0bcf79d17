package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageEnd;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.harmony.HarmonyException;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.StreamableParser;
import io.github.gptoss4j.harmony.StreamableParser.State;
import io.github.gptoss4j.tokenizer.StreamingDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the assistant's tokens into {@link GenerationEvent}s through Harmony's streaming parser.
 *
 * <p>Output that breaks the Harmony format (a token the parser rejects, or a header that runs on far longer
 * than any real one, as a model with random weights produces) is not an error: from then on the tokens' text
 * is reported as final text, so the caller still sees what the model wrote.
 */
final class ReplyParser {
  /** Real headers ({@code <|channel|>commentary to=functions.x <|constrain|>json}) take about a dozen tokens. */
  static final int MAX_HEADER_TOKENS = 64;

  private final StreamableParser parser;
  private final StreamingDecoder rawText;
  private final Consumer<GenerationEvent> out;
  private final List<Integer> pending = new ArrayList<>(); // tokens since the last message boundary
  private final List<Message> messages = new ArrayList<>();
  private final StringBuilder rawFinal = new StringBuilder();
  private boolean raw;

  /** A parser of the reply to a prompt ending with {@code <|start|>assistant} and then {@code opening}'s tokens. */
  ReplyParser(HarmonyEncoding harmony, Consumer<GenerationEvent> out, int[] opening) {
    this.parser = new StreamableParser(harmony, Role.ASSISTANT);
    this.rawText = harmony.tokenizer().streamingDecoder();
    this.out = out;
    for (int token : opening) {
      accept(token);
    }
  }

  void accept(int token) {
    if (raw) {
      emitRaw(rawText.feed(token));
      return;
    }
    State before = parser.state();
    pending.add(token);
    try {
      parser.process(token);
    } catch (HarmonyException e) {
      fallBackToRaw();
      return;
    }
    State after = parser.state();
    if (after == State.HEADER && pending.size() > MAX_HEADER_TOKENS) {
      fallBackToRaw();
      return;
    }
    if (before != State.CONTENT && after == State.CONTENT) {
      pending.clear();
      out.accept(new MessageStart(parser.currentRole(), parser.currentChannel(), parser.currentRecipient()));
    } else if (after == State.CONTENT) {
      pending.clear();
      String delta = parser.lastContentDelta();
      if (delta != null && !isToolCall(parser.currentRecipient())) {
        out.accept(delta(parser.currentChannel(), delta));
      }
    } else if (before == State.CONTENT) {
      pending.clear();
      ended(parser.messages().getLast());
    }
  }

  /** Closes a message left open when generation stopped, and returns every message of the reply. */
  List<Message> finish() {
    if (raw) {
      emitRaw(rawText.flush());
      messages.add(Message.of(Role.ASSISTANT, rawFinal.toString()).withChannel("final"));
    } else if (parser.state() == State.CONTENT) {
      parser.processEos();
      ended(parser.messages().getLast());
    }
    return List.copyOf(messages);
  }

  private void ended(Message message) {
    messages.add(message);
    if (isToolCall(message.recipient())) {
      out.accept(new ToolCall(message.recipient(), message.text(), message.contentType()));
    }
    out.accept(new MessageEnd(message.author().role(), message.channel(), message.recipient()));
  }

  private void fallBackToRaw() {
    raw = true;
    for (int token : pending) {
      emitRaw(rawText.feed(token));
    }
    pending.clear();
  }

  private void emitRaw(String text) {
    if (!text.isEmpty()) {
      rawFinal.append(text);
      out.accept(new FinalDelta(text));
    }
  }

  static boolean isToolCall(String recipient) {
    return recipient != null && !recipient.equals("assistant");
  }

  private static GenerationEvent delta(String channel, String text) {
    if ("analysis".equals(channel)) {
      return new ReasoningDelta(text);
    }
    return "commentary".equals(channel) ? new CommentaryDelta(text) : new FinalDelta(text);
  }
}
