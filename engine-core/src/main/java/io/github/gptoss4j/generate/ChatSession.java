package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
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
  /** The sessions of choices 1 to n - 1 of the {@link #generate(GenerationRequest, int)} call in progress. */
  private final Set<ChatSession> forks = ConcurrentHashMap.newKeySet();
  /** Whether {@link #cancel()} was called since the choices call in progress began. */
  private volatile boolean cancelled;

  ChatSession(GptOss model, Decoder decoder) {
    this.model = model;
    this.cache = new PrefixCache(decoder, model.prefixStore());
  }

  /**
   * Generates the reply, calling {@code listener} with each event as it happens, on this thread; the last
   * event is {@link Done}. Built-in tool calls with a handler in the request are run and generation goes on.
   *
   * @param request what to generate: new messages, options and limits; not null
   * @param listener receives every event in order, on the calling thread; an exception it throws ends the
   *     generation and propagates
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
   * @param request what to generate; not null
   * @return a sequential stream of the events, ending with {@link Done}; it holds the session until consumed or
   *     closed
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
   * @param request what to generate; not null
   * @return the reply: its messages, text, tool calls, stop reason and statistics
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
   * @param request what to generate
   * @param n how many choices, in [1, {@value #MAX_CHOICES}]
   * @return the choices' results, choice i at index i
   * @throws GenerationException as {@link #generate(GenerationRequest)}, or if {@code n} is outside [1, 128]
   */
  public List<GenerationResult> generate(GenerationRequest request, int n) {
    return choices(request, n, (session, choice, i) -> session.generate(choice));
  }

  /**
   * Generates {@code n} replies to the same request as {@link #generate(GenerationRequest, int)} does, calling
   * {@code listener} with each event of choice i and i as it happens, so the choices can be streamed. With
   * {@code n > 1} each choice calls from its own thread while the others run (the listener must be
   * thread-safe; the events of one choice come in order); with {@code n == 1} on this thread. Each choice's
   * last event is its {@link Done}. A listener that throws ends that choice, cancels the others, and the call
   * throws what it threw; {@link #cancel()} cancels every choice.
   *
   * @param request what to generate
   * @param n how many choices, in [1, {@value #MAX_CHOICES}]
   * @param listener called with each event and the index of the choice it belongs to
   * @throws GenerationException as {@link #generate(GenerationRequest, int)}, before any event when the request
   *     is refused
   */
  public void generate(GenerationRequest request, int n, ObjIntConsumer<? super GenerationEvent> listener) {
    if (listener == null) {
      throw new GenerationException("listener must not be null");
    }
    choices(request, n, (session, choice, i) -> {
      session.generate(choice, event -> {
        if (cancelled) {
          session.cancel(); // a choice that started after cancel() was called
        }
        listener.accept(event, i);
      });
      return null;
    });
  }

  /** Runs one choice of {@link #choices} in its session. */
  @FunctionalInterface
  private interface Choice<T> {
    T run(ChatSession session, GenerationRequest request, int index);
  }

  /**
   * Prefills {@code request}'s prompt once and runs {@code n} choices of it at the same time, choice 0 in this
   * session and each other one in a copy; the first choice that fails cancels the others.
   */
  private <T> List<T> choices(GenerationRequest request, int n, Choice<T> choice) {
    if (n < 1 || n > MAX_CHOICES) {
      throw new GenerationException("n must be in [1, " + MAX_CHOICES + "], got " + n);
    }
    cancelled = false;
    if (n == 1) {
      return Collections.singletonList(choice.run(this, request, 0));
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
    List<Future<T>> results = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        ChatSession fork = i == 0 ? this : model.newSession();
        if (i > 0) {
          forks.add(fork);
          fork.cache.copyFrom(cache);
          fork.history.addAll(before);
        }
        GenerationRequest forChoice = i == 0 ? request : request.forChoice(i);
        int index = i;
        results.add(threads.submit(() -> {
          try {
            return choice.run(fork, forChoice, index);
          } catch (RuntimeException e) {
            cancel(); // the others need not run on
            throw e;
          }
        }));
      }
      List<T> out = new ArrayList<>();
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
      forks.clear();
    }
  }

  /**
   * Stops the generation in progress (every choice of a {@code generate(request, n)} call) within one token
   * (its {@link Done} reports {@link StopReason#CANCELLED}); does nothing when none is. Safe from any thread.
   */
  public void cancel() {
    Generation generation = running.get();
    if (generation != null) {
      generation.cancel();
    }
    cancelled = true;
    forks.forEach(ChatSession::cancel);
  }

  /**
   * The conversation so far (without the system and developer messages rendered from requests).
   *
   * @return an immutable copy of the messages, oldest first; later turns do not change it
   */
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
   * @param file where to write the session; its parent directory must exist
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
