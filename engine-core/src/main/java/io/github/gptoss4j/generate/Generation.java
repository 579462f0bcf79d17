package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageEnd;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.TextContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link ChatSession} call, run one step at a time so callbacks and pull-based streams share it: a step
 * prefills one block of the prompt or generates one token, and queues the events it caused. Cancellation and
 * the timeout are checked before every step.
 */
final class Generation {
  private final ChatSession session;
  private final GenerationRequest request;
  private final Decoder decoder;
  private final HarmonyEncoding harmony;
  private final int vocab;
  private final int returnToken;
  private final int callToken;
  private final Sampler sampler;
  private final long startNanos = System.nanoTime();
  private final long deadlineNanos;
  private final ArrayDeque<GenerationEvent> queue = new ArrayDeque<>();
  private final float[] logits;
  private final int[] one = new int[1];
  private final int[] replyOpening;
  private final List<Message> reply = new ArrayList<>();
  private volatile boolean cancelled;
  private boolean done;

  private int generated;

  // The current round: one prompt and the reply to it.
  private int[] prompt;
  private int markAt;
  private int roundBudget;
  private int roundStart;
  private int prefilled;
  private int cachedTokens;
  private ReplyParser parser;
  private StopStrings stops;
  private final StringBuilder finalOfMessage = new StringBuilder();
  private ToolCall lastCall;
  private int toolRounds;

  // Stats over all rounds.
  private long firstTokenNanos = -1;
  private long prefillNanos;
  private long decodeNanos;
  private int prefillTokens;
  private int decodeSteps;

  Generation(ChatSession session, GenerationRequest request) {
    this.session = session;
    this.request = request;
    this.decoder = session.decoder();
    this.harmony = session.model().harmony();
    this.vocab = session.model().vocabSize();
    int[] actions = harmony.stopTokensForAssistantActions();
    this.returnToken = actions[0];
    this.callToken = actions[1];
    this.sampler = new Sampler(request.sampling());
    this.deadlineNanos = request.timeout() == null ? Long.MAX_VALUE : startNanos + request.timeout().toNanos();
    this.logits = new float[vocab];
    this.replyOpening = session.replyOpening(request);
  }

  /**
   * Starts a round for {@code tokens}, which may generate {@code budget} tokens: keeps the cached prefix,
   * prefills the rest on the next steps.
   */
  void begin(int[] tokens, int budget) {
    prompt = tokens;
    markAt = tokens.length - session.completionSuffixLength() - replyOpening.length;
    roundBudget = budget;
    roundStart = generated;
    cachedTokens = session.reuse(tokens);
    prefilled = cachedTokens;
    parser = new ReplyParser(harmony, this::route, replyOpening);
    stops = new StopStrings(request.stopStrings());
  }

  void cancel() {
    cancelled = true;
  }

  GenerationEvent poll() {
    return queue.poll();
  }

  GenerationEvent peek() {
    return queue.peek();
  }

  List<Message> replyMessages() {
    return List.copyOf(reply);
  }

  /** Runs one step; false once the generation is done (its {@link Done} is queued). */
  boolean step() {
    if (done) {
      return false;
    }
    try {
      StopReason interrupted = cancelled ? StopReason.CANCELLED : timedOut() ? StopReason.TIMEOUT : null;
      if (interrupted != null) {
        finish(interrupted);
      } else if (prefilled < prompt.length) {
        prefillBlock();
      } else {
        decodeToken();
      }
      return true;
    } catch (RuntimeException e) {
      done = true;
      session.failed(this);
      throw e;
    }
  }

  private boolean timedOut() {
    return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0;
  }

  private void prefillBlock() {
    long t0 = System.nanoTime();
    int end = Math.min(prefilled + decoder.maxBlock(), prompt.length);
    if (prefilled < markAt && markAt < end) {
      end = markAt;
    }
    int n = end - prefilled;
    decoder.forward(prompt, prefilled, n, end == prompt.length ? logits : null);
    session.cached(prompt, prefilled, n);
    prefilled = end;
    prefillTokens += n;
    if (end == markAt) {
      // The next turn's prompt shares everything before this turn's "<|start|>assistant" (it differs after
      // it when earlier reasoning is dropped), even when the sliding window cannot truncate back that far.
      decoder.mark();
    }
    prefillNanos += System.nanoTime() - t0;
  }

  private void decodeToken() {
    long t0 = System.nanoTime();
    int token = sampler.sample(logits, 0, vocab);
    if (firstTokenNanos < 0) {
      firstTokenNanos = System.nanoTime() - startNanos;
    }
    int topN = request.sampling().logprobs();
    queue.add(new TokenEvent(token, topN > 0 ? TokenLogprobs.of(logits, 0, vocab, token, topN) : null));
    generated++;
    sampler.accept(token);
    StopReason stop = null;
    if (request.isStopToken(token)) {
      stop = StopReason.STOP_TOKEN;
    } else {
      parser.accept(token);
      if (stops.stopped()) {
        stop = StopReason.STOP_STRING;
      } else if (token == returnToken) {
        stop = StopReason.STOP_TOKEN;
      } else if (token == callToken) {
        stop = lastCall != null ? StopReason.TOOL_CALL : StopReason.STOP_TOKEN;
      } else if (generated - roundStart >= roundBudget) {
        stop = StopReason.LENGTH;
      }
    }
    if (stop == null) {
      one[0] = token;
      decoder.forward(one, 0, 1, logits);
      session.cached(one, 0, 1);
      decodeSteps++;
      decodeNanos += System.nanoTime() - t0;
    } else {
      finish(stop);
    }
  }

  /** Passes the parser's events on, filtering final text through the stop strings. */
  private void route(GenerationEvent event) {
    switch (event) {
      case MessageStart s -> {
        finalOfMessage.setLength(0);
        lastCall = null; // <|call|> ends a call only in the message that addressed a tool
        queue.add(s);
      }
      case FinalDelta d -> emitFinal(stops.accept(d.text()));
      case MessageEnd e -> {
        emitFinal(stops.flush());
        queue.add(e);
      }
      case ToolCall c -> {
        lastCall = c;
        queue.add(c);
      }
      default -> queue.add(event);
    }
  }

  private void emitFinal(String text) {
    if (!text.isEmpty()) {
      finalOfMessage.append(text);
      queue.add(new FinalDelta(text));
    }
  }

  private void finish(StopReason reason) {
    List<Message> messages = new ArrayList<>(parser.finish());
    emitFinal(stops.flush());
    if (reason == StopReason.STOP_STRING && !messages.isEmpty()) {
      // The message holds the text past the stop string; keep only what was shown.
      Message last = messages.removeLast();
      messages.add(new Message(last.author(), last.recipient(), last.channel(), last.contentType(),
          List.of(new TextContent(finalOfMessage.toString()))));
    }
    reply.addAll(messages);
    ToolHandler handler = reason == StopReason.TOOL_CALL ? request.handlerFor(lastCall.recipient()) : null;
    boolean tokensLeft = request.maxTokens() == 0 || generated < request.maxTokens();
    if (handler != null && toolRounds < GenerationRequest.MAX_AUTO_TOOL_ROUNDS && tokensLeft) {
      runTool(handler, messages);
      return;
    }
    done = true;
    session.finished(this, messages);
    queue.add(new Done(reason, stats()));
  }

  /** Runs a built-in tool, adds its call and result to the conversation and starts the next round. */
  private void runTool(ToolHandler handler, List<Message> messages) {
    ToolCall call = lastCall;
    String output;
    try {
      output = handler.run(call);
    } catch (RuntimeException e) {
      throw new GenerationException("the handler of tool " + call.recipient() + " failed: " + e);
    }
    if (output == null) {
      throw new GenerationException("the handler of tool " + call.recipient() + " returned null; expected its output text");
    }
    messages.forEach(session::addToHistory);
    session.addToHistory(GenerationRequest.Builder.toolMessage(call.recipient(), output));
    toolRounds++;
    lastCall = null;
    int[] next = session.render(request, session.history());
    begin(next, session.checkFits(next.length, request.maxTokens() == 0 ? 0 : request.maxTokens() - generated));
  }

  private Stats stats() {
    return new Stats(
        prompt.length,
        cachedTokens,
        generated,
        Math.max(firstTokenNanos, 0),
        perSecond(prefillTokens, prefillNanos),
        perSecond(decodeSteps, decodeNanos),
        sampler.seed());
  }

  private static double perSecond(int tokens, long nanos) {
    return tokens == 0 || nanos == 0 ? 0 : tokens * 1e9 / nanos;
  }
}
