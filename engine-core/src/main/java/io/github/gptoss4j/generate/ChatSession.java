package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.DeveloperContent;
import io.github.gptoss4j.harmony.HarmonyException;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.SystemContent;
import io.github.gptoss4j.harmony.ToolNamespaceConfig;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One conversation with a {@link GptOss} model: its messages, and the KV cache of the tokens last run.
 *
 * <p>Each {@link #generate} call appends the request's messages to the conversation, renders it in Harmony
 * (earlier turns' reasoning dropped, as gpt-oss was trained), reuses the cache for the tokens it shares with
 * the previous call (only the rest is prefilled; {@link Stats#cachedTokens()} shows how many were reused),
 * generates the assistant's reply and appends that to the conversation too.
 *
 * <p>Not thread-safe: one call at a time (a second concurrent call fails), except {@link #cancel()}, which any
 * thread may call. Different sessions of one model may generate at the same time.
 */
public final class ChatSession implements AutoCloseable {
  private final GptOss model;
  private final Decoder decoder;
  private final int completionSuffixLength;
  private final List<Message> history = new ArrayList<>();
  // The tokens the decoder's KV cache holds: cachedTokens[0, cachedCount).
  private int[] cachedTokens = new int[256];
  private int cachedCount;
  private final AtomicReference<Generation> running = new AtomicReference<>();

  ChatSession(GptOss model, Decoder decoder) {
    this.model = model;
    this.decoder = decoder;
    this.completionSuffixLength = 1 + model.harmony().tokenizer().encodeOrdinary(Role.ASSISTANT.value()).length;
  }

  /**
   * Generates the reply, calling {@code listener} with each event as it happens, on this thread; the last
   * event is {@link Done}. Built-in tool calls with a handler in the request are run and generation goes on.
   *
   * @throws GenerationException if the request does not fit the context (before any work), a stop token id is
   *     outside the vocabulary, a tool handler fails, or this session is already generating
   */
  public void generate(GenerationRequest request, Consumer<GenerationEvent> listener) {
    if (listener == null) {
      throw new GenerationException("listener must not be null");
    }
    Generation generation = start(request);
    try {
      while (generation.step()) {
        GenerationEvent event;
        while ((event = generation.poll()) != null) {
          listener.accept(event);
        }
      }
    } catch (RuntimeException e) {
      stop(generation);
      throw e;
    }
  }

  /** Ends a generation its consumer gave up on, as a cancellation, so the session stays consistent. */
  private static void stop(Generation generation) {
    generation.cancel();
    while (generation.step()) {
      // runs to the cancellation point
    }
  }

  /**
   * The reply's events as a lazy stream: each token is generated when the stream is pulled, on the pulling
   * thread. Consume it fully or close it (try-with-resources); closing early cancels the generation.
   *
   * @throws GenerationException as {@link #generate(GenerationRequest, Consumer)}, validation errors at once
   */
  public Stream<GenerationEvent> stream(GenerationRequest request) {
    Generation generation = start(request);
    Iterator<GenerationEvent> events =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            while (generation.peek() == null && generation.step()) {
              // each step queues the events of one prefill block or one token
            }
            return generation.peek() != null;
          }

          @Override
          public GenerationEvent next() {
            if (!hasNext()) {
              throw new NoSuchElementException("the generation is done");
            }
            return generation.poll();
          }
        };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(events, Spliterator.ORDERED), false)
        .onClose(() -> stop(generation));
  }

  /**
   * Generates the whole reply and returns it.
   *
   * @throws GenerationException as {@link #generate(GenerationRequest, Consumer)}
   */
  public GenerationResult generate(GenerationRequest request) {
    StringBuilder answer = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    List<Integer> tokens = new ArrayList<>();
    Done[] done = new Done[1];
    Generation generation = start(request);
    while (generation.step()) {
      GenerationEvent event;
      while ((event = generation.poll()) != null) {
        switch (event) {
          case FinalDelta d -> answer.append(d.text());
          case ReasoningDelta d -> reasoning.append(d.text());
          case ToolCall c -> calls.add(c);
          case TokenEvent t -> tokens.add(t.token());
          case Done d -> done[0] = d;
          default -> {} // boundaries and preambles are in the messages
        }
      }
    }
    return new GenerationResult(
        answer.toString(), reasoning.toString(), calls, generation.replyMessages(), tokens, done[0].stopReason(),
        done[0].stats());
  }

  /**
   * Stops the generation in progress within one token (its {@link Done} reports {@link
   * StopReason#CANCELLED}); does nothing when none is. Safe from any thread.
   */
  public void cancel() {
    Generation generation = running.get();
    if (generation != null) {
      generation.cancel();
    }
  }

  /** The conversation so far (without the system and developer messages rendered from requests). */
  public List<Message> conversation() {
    return List.copyOf(history);
  }

  /** Forgets the conversation; the KV cache is kept and still reused where the next prompt matches it. */
  public void reset() {
    if (running.get() != null) {
      throw new GenerationException("cannot reset a session while it is generating");
    }
    history.clear();
  }

  /**
   * Frees the KV cache.
   *
   * @throws GenerationException if a generation is in progress (cancel it and let it finish first)
   */
  @Override
  public void close() {
    if (running.get() != null) {
      throw new GenerationException("cannot close a session while it is generating; cancel() it and let it finish");
    }
    decoder.close();
  }

  private Generation start(GenerationRequest request) {
    if (request == null) {
      throw new GenerationException("request must not be null");
    }
    for (int id : request.stopTokenIds()) {
      if (id >= model.vocabSize()) {
        throw new GenerationException(
            "stop token id " + id + " is outside the vocabulary of " + model.vocabSize() + " tokens");
      }
    }
    Generation generation = new Generation(this, request);
    if (!running.compareAndSet(null, generation)) {
      throw new GenerationException("this session is already generating; use one session per concurrent conversation");
    }
    List<Message> messages =
        new ArrayList<>(request.conversation() == null ? history : request.conversation().messages());
    messages.addAll(request.messages());
    int[] prompt;
    int budget;
    try {
      prompt = render(request, messages);
      budget = checkFits(prompt.length, request.maxTokens());
    } catch (RuntimeException e) {
      running.set(null); // refused before any work: the session is as it was
      throw e;
    }
    try {
      generation.begin(prompt, budget);
    } catch (RuntimeException e) {
      failed(generation);
      throw e;
    }
    history.clear();
    history.addAll(messages);
    return generation;
  }

  /** The tokens available for the reply, after checking prompt + maxTokens fit the context. */
  int checkFits(int promptTokens, int maxTokens) {
    int limit = model.contextLimit();
    if (maxTokens == 0) {
      if (promptTokens >= limit) {
        throw new GenerationException(
            "the prompt of " + promptTokens + " tokens leaves no room for a reply within the context limit of "
                + limit + " tokens (" + model.contextLimitReason() + ")");
      }
      return limit - promptTokens;
    }
    if ((long) promptTokens + maxTokens > limit) {
      throw new GenerationException(
          "the prompt of " + promptTokens + " tokens plus maxTokens " + maxTokens + " exceeds the context limit of "
              + limit + " tokens (" + model.contextLimitReason() + ")");
    }
    return maxTokens;
  }

  /** The prompt for the conversation {@code messages} under {@code request}'s system and developer settings. */
  int[] render(GenerationRequest request, List<Message> messages) {
    List<Message> all = new ArrayList<>();
    if (messages.stream().noneMatch(m -> m.author().role() == Role.SYSTEM)) {
      SystemContent system = SystemContent.defaults();
      if (request.reasoningEffort() != null) {
        system = system.withReasoningEffort(request.reasoningEffort());
      }
      if (request.browser() != null) {
        system = system.withTools(ToolNamespaceConfig.browser());
      }
      if (request.python() != null) {
        system = system.withTools(ToolNamespaceConfig.python());
      }
      all.add(Message.of(Role.SYSTEM, system));
    }
    boolean wantsDeveloper = request.instructions() != null || !request.functionTools().isEmpty();
    if (wantsDeveloper && messages.stream().noneMatch(m -> m.author().role() == Role.DEVELOPER)) {
      DeveloperContent developer = DeveloperContent.empty();
      if (request.instructions() != null) {
        developer = developer.withInstructions(request.instructions());
      }
      if (!request.functionTools().isEmpty()) {
        developer = developer.withFunctionTools(request.functionTools());
      }
      all.add(Message.of(Role.DEVELOPER, developer));
    }
    all.addAll(messages);
    int[] prompt;
    try {
      prompt = model.harmony().renderConversationForCompletion(new Conversation(all), Role.ASSISTANT);
    } catch (HarmonyException e) {
      throw new GenerationException("cannot render the conversation in Harmony: " + e.getMessage());
    }
    int[] opening = replyOpening(request);
    int[] full = Arrays.copyOf(prompt, prompt.length + opening.length);
    System.arraycopy(opening, 0, full, prompt.length, opening.length);
    return full;
  }

  /** The header tokens after {@code <|start|>assistant} that open the reply on the request's reply channel. */
  int[] replyOpening(GenerationRequest request) {
    if (request.replyChannel() == null) {
      return new int[0];
    }
    Tokenizer tokenizer = model.harmony().tokenizer();
    int[] channel = tokenizer.encodeOrdinary(request.replyChannel());
    int[] opening = new int[channel.length + 2];
    opening[0] = tokenizer.specialTokenId("<|channel|>");
    System.arraycopy(channel, 0, opening, 1, channel.length);
    opening[opening.length - 1] = tokenizer.specialTokenId("<|message|>");
    return opening;
  }

  /**
   * Brings the cache to the longest prefix of {@code prompt} it can keep (always leaving at least one prompt
   * token to run, for its logits) and returns its length.
   */
  int reuse(int[] prompt) {
    int common = Arrays.mismatch(cachedTokens, 0, cachedCount, prompt, 0, prompt.length);
    if (common < 0) {
      common = prompt.length; // identical
    }
    common = Math.min(common, prompt.length - 1);
    cachedCount = decoder.position() == common ? common : decoder.backTo(common);
    return cachedCount;
  }

  /** Tokens of the {@code <|start|>assistant} that ends every prompt. */
  int completionSuffixLength() {
    return completionSuffixLength;
  }

  /** Records that the cache now also holds {@code tokens[off, off + n)}. */
  void cached(int[] tokens, int off, int n) {
    if (cachedCount + n > cachedTokens.length) {
      cachedTokens = Arrays.copyOf(cachedTokens, Math.max(2 * cachedTokens.length, cachedCount + n));
    }
    System.arraycopy(tokens, off, cachedTokens, cachedCount, n);
    cachedCount += n;
  }

  /** Called when a generation ends: the reply joins the conversation. */
  void finished(Generation generation, List<Message> reply) {
    history.addAll(reply);
    running.compareAndSet(generation, null);
  }

  /** Called when a generation fails: the cache's content is unknown, so nothing of it is reused. */
  void failed(Generation generation) {
    cachedCount = 0;
    decoder.backTo(0);
    running.compareAndSet(generation, null);
  }

  void addToHistory(Message message) {
    history.add(message);
  }

  List<Message> history() {
    return history;
  }

  Decoder decoder() {
    return decoder;
  }

  GptOss model() {
    return model;
  }
}
