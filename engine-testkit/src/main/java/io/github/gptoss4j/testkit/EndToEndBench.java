package io.github.gptoss4j.testkit;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.ModelWeights;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.model.DecodeBatch;
import io.github.gptoss4j.model.KvCache;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * End-to-end speed of a checkpoint: open time, time to first token, prefill and decode tokens per second at
 * several context depths, the stream bandwidth of the same run, and peak resident memory. Prompts are
 * random token ids (speed does not depend on them); decode is greedy.
 */
public final class EndToEndBench {
  private EndToEndBench() {}

  /**
   * What to measure.
   *
   * @param model checkpoint directory
   * @param promptTokens prefill length
   * @param genTokens tokens decoded per repetition
   * @param depths context lengths before decoding
   * @param reps repetitions (the median is reported)
   * @param kvType KV cache element type
   * @param sessions numbers of concurrent sequences whose batched decode to measure (none: skip it)
   * @param budget whether to also time one decode step per operation class, at the first depth
   * @param cachedPrefix instructions length, in tokens, whose cached vs cold time to first token to measure
   *     through the public API (0: skip it)
   * @param verifyTokens largest k whose verification cost to measure, k = 1 … verifyTokens (0: skip it)
   */
  public record Options(
      Path model, int promptTokens, int genTokens, List<Integer> depths, int reps, KvType kvType,
      List<Integer> sessions, boolean budget, int cachedPrefix, int verifyTokens) {
    public Options {
      if (cachedPrefix < 0) {
        throw new IllegalArgumentException("cached prefix must be a token count ≥ 0, got " + cachedPrefix);
      }
      if (verifyTokens < 0 || verifyTokens > MAX_VERIFY_TOKENS) {
        throw new IllegalArgumentException(
            "verify tokens must be in [0, " + MAX_VERIFY_TOKENS + "] (0 = skip), got " + verifyTokens);
      }
      depths = List.copyOf(depths);
      sessions = List.copyOf(sessions);
      if (sessions.stream().anyMatch(n -> n < 1 || n > 256)) {
        throw new IllegalArgumentException("sessions must be counts from 1 to 256, got " + sessions);
      }
      atLeastOne("prompt tokens", promptTokens);
      atLeastOne("generated tokens", genTokens);
      atLeastOne("reps", reps);
      if (depths.isEmpty() || depths.stream().anyMatch(d -> d < 0)) {
        throw new IllegalArgumentException("depths must be one or more context lengths ≥ 0, got " + depths);
      }
    }

    private static void atLeastOne(String what, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + value);
      }
    }
  }

  /** Median, min and max of repeated measurements. */
  public record Spread(double median, double min, double max) {
    static Spread of(double[] values) {
      double[] v = values.clone();
      Arrays.sort(v);
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Spread(median, v[0], v[n - 1]);
    }
  }

  /** Prefill speed. */
  public record Prefill(int tokens, Spread tokensPerS) {}

  /** Decode speed after {@code depth} tokens of context, with the bytes one decode step reads. */
  public record Decode(int depth, int tokens, Spread tokensPerS, long bytesPerToken, double rooflineFraction) {}

  /**
   * Batched decode of {@code sessions} concurrent greedy sequences: every pass runs one token of each
   * ({@link Transformer#decode}), as the scheduler batches concurrent sessions.
   *
   * @param aggregateDecodeTokensPerS tokens of all sequences per second
   * @param perSequenceTokensPerS each sequence's own rate (one token per pass)
   */
  public record Sessions(int sessions, int tokens, Spread aggregateDecodeTokensPerS, Spread perSequenceTokensPerS) {}

  /**
   * The cost of verifying k tokens in one pass ({@link Transformer#verify}, as speculative decoding does)
   * against one one-token step at the same depth: speculation gains when the tokens a verification confirms
   * on average exceed {@code ratio - 1}.
   *
   * @param depth context length before the pass
   * @param tokens k, the tokens one verification runs
   * @param stepMs median time of a one-token step
   * @param verifyMs median time of a verification of k tokens
   * @param ratio {@code verifyMs / stepMs}
   */
  public record VerifyCost(int depth, int tokens, double stepMs, double verifyMs, double ratio) {}

  /** Largest k {@link Options#verifyTokens()} may ask for. */
  public static final int MAX_VERIFY_TOKENS = 64;

  /** Context depths the verification cost is measured at. */
  public static final List<Integer> VERIFY_DEPTHS = List.of(0, 1024);

  /** Everything one run measured ({@code budget} and {@code cachedPrefix} null unless asked for); serialises to the JSON shape documented in docs/benchmarks.md. */
  public record Result(
      int threads,
      String kernels,
      Precision precision,
      String jdk,
      double openS,
      double ttftS,
      double ttftWarmS,
      long peakRssBytes,
      double streamGbPerS,
      Prefill prefill,
      List<Decode> decode,
      List<Sessions> sessions,
      DecodeBudget.Budget budget,
      CachedPrefixTtft.Result cachedPrefix,
      List<VerifyCost> verifyCost) {}

  /** Runs the benchmark, reporting progress lines to {@code log}. */
  public static Result run(Options options, Kernels kernels, Consumer<String> log) {
    long start = System.nanoTime();
    // opened before the stream probe so that a wrong directory fails at once; neither reads the weights
    try (Checkpoint checkpoint = Checkpoint.open(options.model()); Arena repacked = Arena.ofShared()) {
      long openNanos = System.nanoTime() - start;
      log.accept("measuring stream bandwidth (" + kernels.threads() + " threads)...");
      double stream = StreamProbe.gbPerSecond(1L << 30, kernels.threads(), 5);
      long bind = System.nanoTime();
      ModelWeights weights = checkpoint.weights().forPrecision(kernels.precision(), repacked);
      Transformer model = new Transformer(weights, kernels);
      double openS = seconds(openNanos + System.nanoTime() - bind);
      GptOssConfig config = model.config();
      int[] prompt = randomTokens(options.promptTokens(), config.vocabSize(), 1);
      float[] logits = new float[config.vocabSize()];
      int maxBlock = Math.min(options.promptTokens(), Transformer.DEFAULT_MAX_BLOCK);

      log.accept("prefill of " + options.promptTokens() + " tokens, first run (cold)...");
      double[] prefillS = new double[options.reps()];
      double ttft;
      try (Sequence seq = model.newSequence(options.kvType(), Long.MAX_VALUE, maxBlock)) {
        ttft = timeForward(model, seq, prompt, logits);
      }
      for (int r = 0; r < options.reps(); r++) {
        log.accept("prefill rep " + (r + 1) + "/" + options.reps() + "...");
        try (Sequence seq = model.newSequence(options.kvType(), Long.MAX_VALUE, maxBlock)) {
          prefillS[r] = timeForward(model, seq, prompt, logits);
        }
      }
      Prefill prefill = new Prefill(options.promptTokens(), Spread.of(rates(options.promptTokens(), prefillS)));

      List<Decode> decodes = new ArrayList<>();
      for (int depth : options.depths()) {
        decodes.add(decode(model, weights, options, depth, logits, maxBlock, stream, log));
      }
      List<Sessions> sessions = new ArrayList<>();
      for (int n : options.sessions()) {
        sessions.add(sessions(model, options, n, log));
      }
      List<VerifyCost> verifyCost = new ArrayList<>();
      if (options.verifyTokens() > 0) {
        for (int depth : VERIFY_DEPTHS) {
          verifyCost.addAll(verifyCost(model, options, depth, log));
        }
      }
      DecodeBudget.Budget budget = null;
      if (options.budget()) {
        int depth = options.depths().get(0);
        log.accept("per-class budget of " + options.genTokens() + " decode steps at depth " + depth + "...");
        budget = DecodeBudget.measure(model, weights, options.kvType(), depth, options.genTokens(), stream);
      }
      // Read before the cached-prefix part: it loads the checkpoint again through the public API, and a second
      // mapping of the same files counts their page-cache pages in the RSS a second time (22.6 GB for the 20b).
      long peakRss = peakRssBytes();
      CachedPrefixTtft.Result cached = options.cachedPrefix() == 0 ? null
          : CachedPrefixTtft.measure(options.model(), kernels, options.cachedPrefix(), options.reps(), log);
      return new Result(
          kernels.threads(), kernels.name(), kernels.precision(), Runtime.version().toString(), openS, ttft, Spread.of(prefillS).median(),
          peakRss, stream, prefill, decodes, sessions, budget, cached, verifyCost);
    }
  }

  private static Decode decode(
      Transformer model, ModelWeights weights, Options options, int depth, float[] logits, int maxBlock,
      double stream, Consumer<String> log) {
    GptOssConfig config = model.config();
    try (Sequence seq = model.newSequence(options.kvType(), Long.MAX_VALUE, maxBlock)) {
      if (depth > 0) {
        log.accept("filling " + depth + " tokens of context...");
        model.forward(seq, randomTokens(depth, config.vocabSize(), 2), 0, depth, logits, false);
      }
      KvCache.Mark mark = seq.mark();
      int[] next = {depth > 0 ? argmax(model, logits) : 0};
      double[] decodeS = new double[options.reps()];
      for (int r = 0; r < options.reps(); r++) {
        log.accept("decode at depth " + depth + ", rep " + (r + 1) + "/" + options.reps() + "...");
        seq.rewind(mark);
        long t0 = System.nanoTime();
        for (int i = 0; i < options.genTokens(); i++) {
          model.forward(seq, next, 0, 1, logits, false);
          next[0] = argmax(model, logits);
        }
        decodeS[r] = seconds(System.nanoTime() - t0);
      }
      Spread rate = Spread.of(rates(options.genTokens(), decodeS));
      long bytes = bytesPerDecodedToken(weights, depth + options.genTokens() / 2, options.kvType());
      return new Decode(depth, options.genTokens(), rate, bytes, bytes * rate.median() / (stream * 1e9));
    }
  }

  /** Prompt of each concurrent sequence: decode speed near depth 0 is what the batch measures. */
  private static final int SESSION_PROMPT_TOKENS = 8;

  private static Sessions sessions(Transformer model, Options options, int n, Consumer<String> log) {
    int vocab = model.config().vocabSize();
    Sequence[] sequences = new Sequence[n];
    try {
      int[] next = new int[n];
      float[] logits = new float[n * vocab];
      for (int i = 0; i < n; i++) {
        sequences[i] = model.newSequence(options.kvType(), Long.MAX_VALUE, SESSION_PROMPT_TOKENS);
      }
      DecodeBatch batch = model.newDecodeBatch(n);
      double[] seconds = new double[options.reps()];
      for (int r = 0; r < options.reps(); r++) {
        log.accept(n + " concurrent sequences, rep " + (r + 1) + "/" + options.reps() + "...");
        for (int i = 0; i < n; i++) {
          sequences[i].truncate(0);
          int[] prompt = randomTokens(SESSION_PROMPT_TOKENS, vocab, 10 + i);
          model.forward(sequences[i], prompt, 0, prompt.length, logits, i * vocab, false);
          next[i] = model.kernels().argmax(logits, i * vocab, vocab);
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < options.genTokens(); step++) {
          model.decode(batch, sequences, next, n, logits);
          for (int i = 0; i < n; i++) {
            next[i] = model.kernels().argmax(logits, i * vocab, vocab);
          }
        }
        seconds[r] = seconds(System.nanoTime() - t0);
      }
      return new Sessions(n, options.genTokens(), Spread.of(rates(n * options.genTokens(), seconds)),
          Spread.of(rates(options.genTokens(), seconds)));
    } finally {
      for (Sequence s : sequences) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /**
   * At {@code depth}: the median time of a one-token step, then of a verification of each k, each pass timed
   * over {@code genTokens} runs from the same depth (the cache truncated back after each).
   */
  private static List<VerifyCost> verifyCost(Transformer model, Options options, int depth, Consumer<String> log) {
    int vocab = model.config().vocabSize();
    int k = options.verifyTokens();
    try (Sequence seq = model.newSequence(options.kvType(), Long.MAX_VALUE, Math.max(k, Transformer.DEFAULT_MAX_BLOCK))) {
      if (depth > 0) {
        log.accept("filling " + depth + " tokens of context for the verification cost...");
        model.forward(seq, randomTokens(depth, vocab, 3), 0, depth, null, false);
      }
      int[] tokens = randomTokens(k, vocab, 4);
      float[] logits = new float[k * vocab];
      double stepMs = medianMs(options, log, "one-token step at depth " + depth, () -> {
        model.forward(seq, tokens, 0, 1, logits, false);
        seq.truncate(depth);
      });
      List<VerifyCost> costs = new ArrayList<>();
      for (int n = 1; n <= k; n++) {
        int count = n;
        double verifyMs = medianMs(options, log, "verification of " + n + " at depth " + depth, () -> {
          model.verify(seq, tokens, 0, count, logits);
          seq.truncate(depth);
        });
        costs.add(new VerifyCost(depth, n, stepMs, verifyMs, verifyMs / stepMs));
      }
      return costs;
    }
  }

  /** Median over the repetitions of the mean time of {@code genTokens} runs of {@code pass}, in ms. */
  private static double medianMs(Options options, Consumer<String> log, String what, Runnable pass) {
    double[] ms = new double[options.reps()];
    for (int r = 0; r < options.reps(); r++) {
      log.accept(what + ", rep " + (r + 1) + "/" + options.reps() + "...");
      long t0 = System.nanoTime();
      for (int i = 0; i < options.genTokens(); i++) {
        pass.run();
      }
      ms[r] = (System.nanoTime() - t0) / 1e6 / options.genTokens();
    }
    return Spread.of(ms).median();
  }

  /**
   * Bytes one decode step reads: every dense matrix, the chosen experts (assumed distinct), one embedding
   * row and the keys and values attention looks at with {@code positions} of context.
   */
  static long bytesPerDecodedToken(ModelWeights w, int positions, KvType kvType) {
    long bytes = w.embedding().byteSize() / w.config().vocabSize();
    for (long b : DecodeBudget.bytes(w, positions, kvType).values()) {
      bytes += b;
    }
    return bytes;
  }

  private static double timeForward(Transformer model, Sequence seq, int[] tokens, float[] logits) {
    long t0 = System.nanoTime();
    model.forward(seq, tokens, 0, tokens.length, logits, false);
    return seconds(System.nanoTime() - t0);
  }

  private static int argmax(Transformer model, float[] logits) {
    return model.kernels().argmax(logits, 0, logits.length);
  }

  private static double[] rates(int tokens, double[] seconds) {
    double[] rates = new double[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      rates[i] = tokens / seconds[i];
    }
    return rates;
  }

  /** {@code n} token ids drawn uniformly from {@code [0, vocab)} by a generator seeded with {@code seed}. */
  public static int[] randomTokens(int n, int vocab, long seed) {
    // Ordinary-text ids: below the special tokens of o200k_harmony when the vocabulary has them.
    int limit = Math.min(vocab, 199_998);
    return new SplittableRandom(seed).ints(n, 0, limit).toArray();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Peak resident set (VmHWM) of this process, including the mapped weights it touched; -1 if unknown. */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
