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
import io.github.gptoss4j.kernels.Kernels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The decode loop of one {@link ChatSession} call, run one step at a time so callbacks and pull-based streams
 * share it: a step prefills one block of the prompt or generates one token, and queues the events it caused.
 * It uses the session's {@link PromptRenderer} (for tool rounds) and {@link PrefixCache}, and never the
 * session itself. A token is chosen in stages: the model's logits, the logits processors (logit bias,
 * penalties, the request's own), the {@link Sampler}; the {@link Speculator} then runs it, with any guesses of
 * the tokens after it. Cancellation and the timeout are checked before every step.
 */
final class Generation {
  private final GenerationRequest request;
  private final PromptRenderer renderer;
  private final PrefixCache cache;
  private final Kernels kernels;
  private final int vocab;
  private final int returnToken;
  private final int callToken;
  private final HarmonyEncoding harmony;
  private final Sampler sampler;
  private final List<LogitsProcessor> processors;
  private final TokenContext context = new Context();
  private final long startNanos = System.nanoTime();
  private final JfrGeneration recording = JfrGeneration.started();
  private Done result;
  private final long deadlineNanos;
  private final ArrayDeque<GenerationEvent> queue = new ArrayDeque<>();
  private final float[] logits;
  // The processors' working copy when log-probabilities are asked for, so that they describe the model's own
  // distribution; null otherwise: the processors then work on the logits in place (no copy per token).
  private final float[] processed;
  private final Speculator speculator;
  private final int[] replyOpening;
  private final List<Message> conversation;
  private final List<Message> reply = new ArrayList<>();
  private volatile boolean cancelled;
  private boolean done;

  private int[] generatedTokens = new int[64];
  private int generated;

  // The current round: one prompt and the reply to it.
  private int[] prompt;
  private int prefillEnd;
  private int sharedAt;
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

  /**
   * A generation of the reply to {@code conversation} (the session's messages and the request's), which it
   * extends with the reply and any tool rounds.
   */
  Generation(
      GenerationRequest request,
      List<Message> conversation,
      PromptRenderer renderer,
      PrefixCache cache,
      HarmonyEncoding harmony,
      Kernels kernels,
      int vocab,
      Speculation speculation) {
    this.request = request;
    this.conversation = new ArrayList<>(conversation);
    this.renderer = renderer;
    this.cache = cache;
    this.harmony = harmony;
    this.kernels = kernels;
    this.vocab = vocab;
    int[] actions = harmony.stopTokensForAssistantActions();
    this.returnToken = actions[0];
    this.callToken = actions[1];
    this.sampler = new Sampler(request.sampling(), kernels);
    this.processors = processors(request, harmony);
    this.deadlineNanos = request.timeout() == null ? Long.MAX_VALUE : startNanos + request.timeout().toNanos();
    this.logits = new float[vocab];
    this.processed = processors.isEmpty() || request.sampling().logprobs() == 0 ? null : new float[vocab];
    this.replyOpening = renderer.replyOpening(request);
    this.speculator = new Speculator(speculation, cache, vocab);
  }

  /** The chain between the logits and the sampler: logit bias, penalties, then the request's processors. */
  private static List<LogitsProcessor> processors(GenerationRequest request, HarmonyEncoding harmony) {
    List<LogitsProcessor> chain = new ArrayList<>();
    if (!request.logitBias().isEmpty()) {
      chain.add(new LogitBias(request.logitBias()));
    }
    if (request.sampling().penalizes()) {
      chain.add(new Penalties(request.sampling()));
    }
    for (LogitsProcessor.Factory factory : request.logitsProcessors()) {
      LogitsProcessor processor = factory.create(harmony);
      if (processor == null) {
        throw new GenerationException("a logits processor factory returned null; expected a processor");
      }
      chain.add(processor);
    }
    if (request.constraint() != null) {
      chain.add(request.constraint().create(harmony)); // structured output last: its mask must stand
    }
    return List.copyOf(chain);
  }

  /**
   * Starts a round for {@code tokens}, which may generate {@code budget} tokens: keeps the cached prefix,
   * prefills the rest on the next steps.
   */
  void begin(PromptRenderer.Prompt rendered, int budget) {
    int[] tokens = rendered.tokens();
    prompt = tokens;
    prefillEnd = tokens.length;
    sharedAt = rendered.sharedPrefix();
    markAt = tokens.length - renderer.completionSuffixLength() - replyOpening.length;
    roundBudget = budget;
    roundStart = generated;
    speculator.begin(tokens);
    cachedTokens = cache.reuse(tokens);
    prefilled = cachedTokens;
    parser = new ReplyParser(harmony, this::route, replyOpening);
    stops = new StopStrings(request.stopStrings());
  }

  /**
   * Prefills the prompt but for its last token, which each of several choices then runs itself: the KV of
   * everything before it is computed once for them all.
   */
  void prefillShared() {
    prefillEnd = prompt.length - 1;
    while (prefilled < prefillEnd) {
      step();
    }
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

  /** Whether the generation has ended (its {@link Done} is queued) or failed. */
  boolean isDone() {
    return done;
  }

  /** The {@link Done} event once the generation has ended; null before, or when it failed. */
  Done result() {
    return result;
  }

  /** The conversation with the reply (and any tool rounds) appended: the session's next history. */
  List<Message> conversation() {
    return List.copyOf(conversation);
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
      } else if (prefilled < prefillEnd) {
        prefillBlock();
      } else {
        decodeToken();
      }
      return true;
    } catch (RuntimeException e) {
      done = true;
      cache.invalidate();
      throw e;
    }
  }

  private boolean timedOut() {
    return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0;
  }

  private void prefillBlock() {
    long t0 = System.nanoTime();
    int end = Math.min(prefilled + cache.maxBlock(), prefillEnd);
    // Blocks end at the instructions' end, so that cached and cold prefills continue from the same point.
    for (int boundary : new int[] {sharedAt, markAt}) {
      if (prefilled < boundary && boundary < end) {
        end = boundary;
      }
    }
    int n = end - prefilled;
    cache.forward(prompt, prefilled, n, end == prompt.length ? logits : null);
    prefilled = end;
    prefillTokens += n;
    if (end == sharedAt) {
      cache.share(prompt, sharedAt);
    }
    if (end == sharedAt || end == markAt) {
      // The next turn's prompt shares everything before this turn's "<|start|>assistant" (it differs after
      // it when earlier reasoning is dropped), and after a reset still the system and developer messages,
      // even when the sliding window cannot truncate back that far.
      cache.mark();
    }
    prefillNanos += System.nanoTime() - t0;
  }

  private void decodeToken() {
    long t0 = System.nanoTime();
    int token = sampler.sample(scores(), 0, vocab);
    if (firstTokenNanos < 0) {
      firstTokenNanos = System.nanoTime() - startNanos;
    }
    int topN = request.sampling().logprobs();
    queue.add(new TokenEvent(token, topN > 0 ? TokenLogprobs.of(kernels, logits, 0, vocab, token, topN) : null));
    record(token);
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
      speculator.advance(token, logits, context.remainingTokens() - 1);
      decodeSteps++;
      decodeNanos += System.nanoTime() - t0;
    } else {
      finish(stop);
    }
  }

  /** The next token's logits after the processors (the model's own when there are none). */
  private float[] scores() {
    float[] scores = logits;
    if (processed != null) {
      System.arraycopy(logits, 0, processed, 0, vocab);
      scores = processed;
    }
    for (LogitsProcessor processor : processors) {
      processor.process(context, scores);
    }
    return scores;
  }

  private void record(int token) {
    if (generated == generatedTokens.length) {
      generatedTokens = Arrays.copyOf(generatedTokens, 2 * generated);
    }
    generatedTokens[generated++] = token;
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
    speculator.settle();
    List<Message> messages = new ArrayList<>(parser.finish());
    emitFinal(stops.flush());
    if (reason == StopReason.STOP_STRING && !messages.isEmpty()) {
      // The message holds the text past the stop string; keep only what was shown.
      Message last = messages.removeLast();
      messages.add(new Message(last.author(), last.recipient(), last.channel(), last.contentType(),
          List.of(new TextContent(finalOfMessage.toString()))));
    }
    reply.addAll(messages);
    conversation.addAll(messages);
    ToolHandler handler = reason == StopReason.TOOL_CALL ? request.handlerFor(lastCall.recipient()) : null;
    boolean tokensLeft = request.maxTokens() == 0 || generated < request.maxTokens();
    if (handler != null && toolRounds < GenerationRequest.MAX_AUTO_TOOL_ROUNDS && tokensLeft) {
      runTool(handler);
      return;
    }
    done = true;
    result = new Done(reason, stats());
    queue.add(result);
    recording.finished(result);
  }

  /** Runs a built-in tool, adds its result to the conversation and starts the next round. */
  private void runTool(ToolHandler handler) {
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
    conversation.add(GenerationRequest.Builder.toolMessage(call.recipient(), output));
    toolRounds++;
    lastCall = null;
    PromptRenderer.Prompt next = renderer.render(request, conversation);
    begin(next, renderer.checkFits(next.tokens().length, request.maxTokens() == 0 ? 0 : request.maxTokens() - generated));
  }

  private Stats stats() {
    return new Stats(
        prompt.length,
        cachedTokens,
        generated,
        Math.max(firstTokenNanos, 0),
        perSecond(prefillTokens, prefillNanos),
        perSecond(decodeSteps, decodeNanos),
        sampler.seed(),
        speculator.drafted(),
        speculator.accepted());
  }

  private static double perSecond(int tokens, long nanos) {
    return tokens == 0 || nanos == 0 ? 0 : tokens * 1e9 / nanos;
  }

  /** The processors' view: the tokens generated so far and the current reply with its opening. */
  private final class Context implements TokenContext {
    @Override
    public int vocabSize() {
      return vocab;
    }

    @Override
    public int generatedCount() {
      return generated;
    }

    @Override
    public int generated(int i) {
      Objects.checkIndex(i, generated);
      return generatedTokens[i];
    }

    @Override
    public int replyLength() {
      return replyOpening.length + generated - roundStart;
    }

    @Override
    public int replyToken(int i) {
      Objects.checkIndex(i, replyLength());
      return i < replyOpening.length ? replyOpening[i] : generatedTokens[roundStart + i - replyOpening.length];
    }

    @Override
    public int remainingTokens() {
      return roundBudget - (generated - roundStart);
    }
  }
}
