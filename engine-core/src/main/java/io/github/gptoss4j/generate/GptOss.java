package io.github.gptoss4j.generate;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.ModelWeights;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.model.KvCache;
import io.github.gptoss4j.model.Transformer;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A loaded gpt-oss model: the library's front door. Load it once, then open a {@link ChatSession} per
 * conversation:
 *
 * <pre>{@code
 * try (GptOss model = GptOss.load(Path.of("gpt-oss-20b"));
 *     ChatSession chat = model.newSession()) {
 *   GenerationResult answer = chat.generate(GenerationRequest.builder().user("Hello!").build());
 *   System.out.println(answer.finalText());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe: any number of sessions, on any threads, share one model's weights; each
 * session gives exactly the tokens it would give alone. {@link #close()} unmaps the weights; sessions must be
 * done by then.
 */
public final class GptOss implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GptOss.class.getName());
  private final Supplier<Decoder> decoders;
  private final HarmonyEncoding harmony;
  private final Kernels kernels;
  private final int vocabSize;
  private final int contextLimit;
  private final PromptRenderer renderer;
  private final BatchScheduler scheduler;
  private final PrefixStore prefixStore;
  private final LongSupplier kvBytes;
  private final Speculation speculation;
  private final Runnable resources;
  private final List<Consumer<? super Done>> generationListeners = new CopyOnWriteArrayList<>();

  GptOss(
      Supplier<Decoder> decoders,
      BatchScheduler scheduler,
      PrefixStore prefixStore,
      LongSupplier kvBytes,
      Speculation speculation,
      HarmonyEncoding harmony,
      Kernels kernels,
      int vocabSize,
      int contextLimit,
      String contextLimitReason,
      Runnable resources) {
    this.decoders = decoders;
    this.scheduler = scheduler;
    this.prefixStore = prefixStore;
    this.kvBytes = kvBytes;
    this.speculation = speculation;
    this.harmony = harmony;
    this.kernels = kernels;
    this.vocabSize = vocabSize;
    this.contextLimit = contextLimit;
    this.renderer = new PromptRenderer(harmony, contextLimit, contextLimitReason);
    this.resources = resources;
  }

  /**
   * Loads the model in {@code dir} with {@link ModelOptions#defaults()}; see {@link #load(Path, ModelOptions)}.
   *
   * @param dir the model directory, not null
   * @return the loaded model; close it to unmap the weights
   */
  public static GptOss load(Path dir) {
    return load(dir, ModelOptions.defaults());
  }

  /**
   * Loads the checkpoint in {@code dir} (Hugging Face layout, or OpenAI's under {@code original/}; weights are
   * memory-mapped, not copied) and its tokenizer ({@code tokenizer.json} if present, else the embedded
   * o200k_harmony).
   *
   * @param dir the model directory, not null
   * @param options how to run the model (threads, precision, KV cache, limits), not null
   * @return the loaded model; close it to unmap the weights
   * @throws io.github.gptoss4j.CheckpointException if the directory holds no valid checkpoint
   * @throws GenerationException if the tokenizer does not fit the model's vocabulary
   */
  public static GptOss load(Path dir, ModelOptions options) {
    return load(dir, options, Transformer.DEFAULT_MAX_BLOCK);
  }

  /** As {@link #load(Path, ModelOptions)}, prefilling at most {@code maxBlock} tokens per pass. */
  static GptOss load(Path dir, ModelOptions options, int maxBlock) {
    long start = System.nanoTime();
    JfrModelLoad event = new JfrModelLoad();
    event.begin();
    GptOss model = open(dir, options, maxBlock);
    event.end();
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (event.shouldCommit()) {
      event.directory = dir.toString();
      event.precision = options.precision().name();
      event.vocabSize = model.vocabSize;
      event.contextLimit = model.contextLimit;
      event.kernels = model.kernels.name();
      event.threads = model.kernels.threads();
      event.commit();
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "loaded " + dir + " (" + options.precision() + ", context "
        + model.contextLimit + " tokens) in " + millis + " ms");
    return model;
  }

  private static GptOss open(Path dir, ModelOptions options, int maxBlock) {
    Checkpoint checkpoint = Checkpoint.open(dir);
    Kernels kernels = null;
    Arena repacked = null;
    try {
      if (options.precision() != Precision.EXACT || options.threads() != 0) {
        int threads = options.threads() == 0 ? Kernels.get().threads() : options.threads();
        kernels = KernelProvider.create(threads, options.precision());
      }
      repacked = Arena.ofShared();
      ModelWeights weights = checkpoint.weights().forPrecision(options.precision(), repacked);
      Transformer transformer = new Transformer(weights, kernels == null ? Kernels.get() : kernels);
      Kernels ownedKernels = kernels;
      Arena ownedArena = repacked;
      return of(transformer, Tokenizer.fromModelDir(dir), options, maxBlock,
          () -> close(checkpoint, ownedKernels, ownedArena));
    } catch (RuntimeException e) {
      close(checkpoint, kernels, repacked);
      throw e;
    }
  }

  private static GptOss of(
      Transformer transformer, Tokenizer tokenizer, ModelOptions options, int maxBlock, Runnable owned) {
    GptOssConfig config = transformer.config();
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new GenerationException(
          "the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is "
              + config.vocabSize() + "; expected a gpt-oss checkpoint with the o200k_harmony vocabulary");
    }
    int limit = config.maxPositionEmbeddings();
    String reason = "the model's max_position_embeddings";
    if (options.maxContext() > 0 && options.maxContext() < limit) {
      limit = options.maxContext();
      reason = "maxContext";
    }
    int fit = positionsWithin(config, options, maxBlock, limit);
    if (fit < limit) {
      limit = fit;
      reason = "what kvBudgetBytes " + options.kvBudgetBytes() + " holds";
    }
    BatchScheduler scheduler =
        options.batchSize() > 1 ? new BatchScheduler(transformer, options.batchSize(), maxBlock) : null;
    return new GptOss(
        () -> new TransformerDecoder(transformer, scheduler, options, maxBlock),
        scheduler,
        options.prefixCacheBytes() > 0 ? new PrefixStore(options.prefixCacheBytes()) : null,
        transformer::kvCacheBytes,
        options.speculation(),
        HarmonyEncoding.of(tokenizer),
        transformer.kernels(),
        config.vocabSize(),
        limit,
        reason,
        owned);
  }

  /** The most positions (up to {@code limit}) whose KV cache fits the budget; bytesFor grows with positions. */
  private static int positionsWithin(GptOssConfig config, ModelOptions options, int maxBlock, int limit) {
    int lo = 0;
    int hi = limit;
    while (lo < hi) {
      int mid = (int) (((long) lo + hi + 1) / 2);
      long bytes = KvCache.bytesFor(config, options.kvType(), mid, maxBlock);
      if (bytes <= options.kvBudgetBytes()) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }


  private static void close(Checkpoint checkpoint, Kernels kernels, Arena repacked) {
    try (checkpoint) {
      if (kernels != null) {
        kernels.close();
      }
    } finally {
      if (repacked != null) {
        repacked.close();
      }
    }
  }

  /**
   * Calls {@code listener} with the {@link Done} event of every generation of this model's sessions that
   * completes (cancelled and length-limited ones included; failed ones have none), on the generating thread,
   * after the session's own listener got it: the hook a host exports metrics from (prompt, cached and generated
   * tokens, time to first token, throughput, stop reason). Listeners stay for the model's lifetime; one that
   * throws is logged and does not disturb the generation. See docs/observability.md.
   *
   * @param listener called once per completed generation; must be quick and thread-safe
   * @throws NullPointerException if {@code listener} is null
   */
  public void onGeneration(Consumer<? super Done> listener) {
    generationListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Stops calling a listener {@link #onGeneration} added (e.g. when the host that exported its figures stops);
   * does nothing for one not added.
   *
   * @param listener the listener as it was added
   */
  public void removeGenerationListener(Consumer<? super Done> listener) {
    generationListeners.remove(listener);
  }

  /**
   * Off-heap bytes the KV caches of this model hold now: every open session's (the copies a {@link
   * ChatSession#generate(GenerationRequest, int)} call makes for its choices included) and the shared prefix
   * cache's entries ({@link #prefixCacheBytes()}). A session's cache grows in chunks as its context does (see
   * docs/observability.md) and is freed when the session is closed. Safe from any thread; a gauge to export.
   *
   * @return the bytes allocated and not yet freed
   */
  public long kvCacheBytes() {
    return kvBytes.getAsLong();
  }

  /**
   * Off-heap bytes the shared prefix cache's entries hold now (part of {@link #kvCacheBytes()}), at most
   * {@link ModelOptions#prefixCacheBytes()}; 0 when it is off. Safe from any thread.
   *
   * @return the bytes of the stored prompt prefixes
   */
  public long prefixCacheBytes() {
    return prefixStore == null ? 0 : prefixStore.usage()[1];
  }

  /** Passes a completed generation's outcome to the {@link #onGeneration} listeners. */
  void generated(Done done) {
    if (done == null) {
      return;
    }
    for (Consumer<? super Done> listener : generationListeners) {
      try {
        listener.accept(done);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a generation listener failed", e);
      }
    }
  }

  /**
   * A new conversation with its own KV cache. Close it to free that memory.
   *
   * @return a new, empty session bound to this model
   */
  public ChatSession newSession() {
    return new ChatSession(this, decoders.get());
  }

  /**
   * A session continuing one saved by {@link ChatSession#save}: its conversation, and its KV cache, so the
   * next turn prefills only its new tokens ({@link Stats#cachedTokens()} shows them).
   *
   * @param file a file written by {@link ChatSession#save(Path)} with this model and these KV options
   * @return a new session holding the saved conversation and cache
   * @throws GenerationException naming the file if it is not a saved session, was saved from another model or
   *     KV options, is truncated or corrupt
   */
  public ChatSession restoreSession(Path file) {
    ChatSession session = newSession();
    try {
      session.load(file);
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * The Harmony encoding (and through it the tokenizer) prompts are rendered with.
   *
   * @return the encoding, shared by every session of this model
   */
  public HarmonyEncoding harmony() {
    return harmony;
  }

  /**
   * Most tokens (prompt plus reply) one session can hold: the smallest of the model's context, {@link
   * ModelOptions#maxContext()} and what {@link ModelOptions#kvBudgetBytes()} holds.
   *
   * @return the session capacity in tokens, at least 1
   */
  public int contextLimit() {
    return contextLimit;
  }

  int vocabSize() {
    return vocabSize;
  }

  PromptRenderer renderer() {
    return renderer;
  }

  Kernels kernels() {
    return kernels;
  }

  /** The shared prefix cache, or null when it is off. */
  PrefixStore prefixStore() {
    return prefixStore;
  }

  /** Speculative decoding for requests that do not choose their own. */
  Speculation speculation() {
    return speculation;
  }

  /** The scheduler batching this model's sessions, or null when batching is off. */
  BatchScheduler scheduler() {
    return scheduler;
  }

  /** Releases the weights' mapping and the kernels' threads when this model loaded them. */
  @Override
  public void close() {
    try {
      if (prefixStore != null) {
        prefixStore.clear();
      }
    } finally {
      resources.run();
    }
  }
}
