package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  /** Most choices one {@link #generate(GenerationRequest, int)} call makes. */
  public static final int MAX_CHOICES = 128;

  private final GptOss model;
  private final PrefixCache cache;
  private final List<Message> history = new ArrayList<>();
  private final AtomicReference<Generation> running = new AtomicReference<>();

  ChatSession(GptOss model, Decoder decoder) {
    this.model = model;
    this.cache = new PrefixCache(decoder, model.prefixStore());
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
      while (step(generation)) {
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
  private void stop(Generation generation) {
    generation.cancel();
    while (step(generation)) {
      // runs to the cancellation point
    }
  }

  /**
   * Runs one step of {@code generation}; once it has ended, its conversation becomes this session's history
   * and the session is free for the next call.
   */
  private boolean step(Generation generation) {
    boolean more;
    try {
      more = generation.step();
    } catch (RuntimeException e) {
      running.compareAndSet(generation, null);
      throw e;
    }
    if (generation.isDone() && running.get() == generation) {
      history.clear();
      history.addAll(generation.conversation());
      running.set(null);
      model.generated(generation.result());
    }
    return more;
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
            while (generation.peek() == null && step(generation)) {
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
    while (step(generation)) {
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
   * Generates {@code n} replies to the same request, as OpenAI's {@code n}: the prompt is prefilled once and its
   * KV cache copied for each choice, and the choices decode at the same time (batched in the same passes when
   * the model batches). With a seed in the request, choice i samples with seed + i, so the choices differ and
   * are reproducible; without one each picks its own. Each choice is a whole generation of its own (tool
   * handlers included); the session's conversation continues with choice 0.
   *
   * @throws GenerationException as {@link #generate(GenerationRequest)}, or if {@code n} is outside [1, 128]
   */
  public List<GenerationResult> generate(GenerationRequest request, int n) {
    if (n < 1 || n > MAX_CHOICES) {
      throw new GenerationException("n must be in [1, " + MAX_CHOICES + "], got " + n);
    }
    if (n == 1) {
      return List.of(generate(request));
    }
    List<Message> before = new ArrayList<>(history);
    Generation shared = start(request);
    try {
      shared.prefillShared();
    } finally {
      running.compareAndSet(shared, null);
      history.clear();
      history.addAll(before);
    }
    List<ChatSession> forks = new ArrayList<>();
    List<Future<GenerationResult>> results = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        ChatSession fork = i == 0 ? this : model.newSession();
        if (i > 0) {
          forks.add(fork);
          fork.cache.copyFrom(cache);
          fork.history.addAll(before);
        }
        GenerationRequest choice = i == 0 ? request : request.forChoice(i);
        results.add(threads.submit(() -> fork.generate(choice)));
      }
      List<GenerationResult> out = new ArrayList<>();
      for (var r : results) {
        out.add(r.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new GenerationException("a choice failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenerationException("interrupted while generating " + n + " choices");
    } finally {
      forks.forEach(ChatSession::close);
    }
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
   * Saves this session (its conversation, the tokens its KV cache holds and that cache's state) to {@code
   * file}, so that {@link GptOss#restoreSession} continues it exactly. An existing file is replaced whole or
   * not at all.
   *
   * @throws GenerationException if the session is generating, or the file cannot be written (naming it)
   */
  public void save(Path file) {
    if (running.get() != null) {
      throw new GenerationException("cannot save a session while it is generating");
    }
    SessionFile.write(file, history, cache);
  }

  /** Replaces this new session's state with a saved one. */
  void load(Path file) {
    history.addAll(SessionFile.read(file, cache, model.vocabSize()));
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
    cache.close();
  }

  private void checkToken(String what, int id) {
    if (id >= model.vocabSize()) {
      throw new GenerationException(what + " " + id + " is outside the vocabulary of " + model.vocabSize() + " tokens");
    }
  }

  private Generation start(GenerationRequest request) {
    if (request == null) {
      throw new GenerationException("request must not be null");
    }
    for (int id : request.stopTokenIds()) {
      checkToken("stop token id", id);
    }
    for (int id : request.logitBias().keySet()) {
      checkToken("logit bias token id", id);
    }
    List<Message> messages =
        new ArrayList<>(request.conversation() == null ? history : request.conversation().messages());
    messages.addAll(request.messages());
    PromptRenderer renderer = model.renderer();
    Generation generation =
        new Generation(request, messages, renderer, cache, model.harmony(), model.kernels(), model.vocabSize(),
            request.speculation() != null ? request.speculation() : model.speculation());
    if (!running.compareAndSet(null, generation)) {
      throw new GenerationException("this session is already generating; use one session per concurrent conversation");
    }
    PromptRenderer.Prompt prompt;
    int budget;
    try {
      prompt = renderer.render(request, messages);
      budget = renderer.checkFits(prompt.tokens().length, request.maxTokens());
    } catch (RuntimeException e) {
      running.set(null); // refused before any work: the session is as it was
      throw e;
    }
    try {
      generation.begin(prompt, budget);
    } catch (RuntimeException e) {
      cache.invalidate();
      running.set(null);
      throw e;
    }
    history.clear();
    history.addAll(messages);
    return generation;
  }
}
