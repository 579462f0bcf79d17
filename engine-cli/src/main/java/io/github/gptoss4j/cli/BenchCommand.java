package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.gptoss4j.testkit.DecodeBudget;
import io.github.gptoss4j.testkit.EndToEndBench;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss bench}: end-to-end prefill and decode speed of a checkpoint. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure open time, time to first token, prefill and decode tokens/s (median of repetitions, with min/max),",
      "the stream bandwidth of the same run and peak RSS. Use a checkpoint from `gptoss synth`."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model directory.")
  Path model;

  @Option(names = "--prompt-tokens", defaultValue = "512", description = "Prefill length (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(names = "--gen-tokens", defaultValue = "128", description = "Tokens decoded per repetition (default: ${DEFAULT-VALUE}).")
  int genTokens;

  @Option(names = "--depth", split = ",", defaultValue = "0", description = "Context depths for decode, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> depths;

  @Option(names = "--reps", defaultValue = "3", description = "Repetitions (default: ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--kv", defaultValue = "F32", description = "KV cache type: F32 or BF16 (default: ${DEFAULT-VALUE}).")
  KvType kvType;

  @Option(names = "--precision", defaultValue = "exact", converter = PrecisionOption.class,
      description = PrecisionOption.DESCRIPTION)
  Precision precision;

  @Option(names = "--sessions", split = ",", description = "Also measure the batched decode of this many concurrent "
      + "greedy sequences, comma-separated (e.g. 1,2,4,8): aggregate and per-sequence tokens/s.")
  List<Integer> sessions = List.of();

  @Option(names = "--budget", description = "Also time one decode step per operation class (experts, dense matvecs, "
      + "unembedding, attention, thread waits, ...) at the first --depth, against the stream bandwidth.")
  boolean budget;

  @Option(names = "--cached-prefix", defaultValue = "0", paramLabel = "TOKENS", description = "Also measure the time to "
      + "first token of a request whose TOKENS tokens of instructions another session prefilled (the shared prefix "
      + "cache) against the same request cold.")
  int cachedPrefix;

  @Option(names = "--verify-cost", paramLabel = "K", description = "Also time a speculative verification of k = 1..K "
      + "tokens in one pass against one one-token step, at depths 0 and 1024: the cost curve that decides --speculate.")
  int verifyTokens;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Override
  public Integer call() throws IOException {
    EndToEndBench.Options options;
    try {
      options = new EndToEndBench.Options(model, promptTokens, genTokens, depths, reps, kvType, sessions, budget, cachedPrefix, verifyTokens);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    EndToEndBench.Result r;
    try (Kernels kernels = PrecisionOption.kernels(precision)) {
      r = EndToEndBench.run(options, kernels, line -> err.println("bench: " + line));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "model        %s%n", model);
    out.printf(Locale.ROOT, "kernels      %s, %d threads, %s precision, JDK %s%n", r.kernels(), r.threads(),
        r.precision().name().toLowerCase(Locale.ROOT), r.jdk());
    out.printf(Locale.ROOT, "open         %.2f s%n", r.openS());
    out.printf(Locale.ROOT, "stream read  %.1f GB/s%n", r.streamGbPerS());
    out.printf(Locale.ROOT, "TTFT         %.2f s cold, %.2f s warm (%d-token prompt)%n", r.ttftS(), r.ttftWarmS(), promptTokens);
    out.printf(Locale.ROOT, "prefill      %s tok/s%n", spread(r.prefill().tokensPerS()));
    for (EndToEndBench.Decode d : r.decode()) {
      out.printf(
          Locale.ROOT, "decode @%-5d %s tok/s, %.2f GB read per token, %.0f%% of stream bandwidth%n",
          d.depth(), spread(d.tokensPerS()), d.bytesPerToken() / 1e9, 100 * d.rooflineFraction());
    }
    for (EndToEndBench.Sessions m : r.sessions()) {
      out.printf(Locale.ROOT, "sessions %-4d %s tok/s aggregate, %s tok/s each%n", m.sessions(),
          spread(m.aggregateDecodeTokensPerS()), spread(m.perSequenceTokensPerS()));
    }
    if (r.budget() != null) {
      DecodeBudget.Budget b = r.budget();
      out.printf(Locale.ROOT, "budget @%-5d %.1f ms per token (%d steps)%n", b.depth(), b.stepMs(), b.tokens());
      out.printf(Locale.ROOT, "  %-52s %9s %6s %9s %7s %11s%n", "operation class", "ms/token", "share", "MB/token",
          "GB/s", "at stream");
      for (DecodeBudget.Row row : b.rows()) {
        out.printf(Locale.ROOT, "  %-52s %9.2f %5.1f%% %9.1f %7.1f %8.2f ms%n", row.op(), row.msPerToken(),
            100 * row.share(), row.bytesPerToken() / 1e6, row.gbPerS(), row.streamBoundMs());
      }
    }
    if (r.cachedPrefix() != null) {
      var c = r.cachedPrefix();
      out.printf(Locale.ROOT, "prefix cache %d-token prompt, %d cached: TTFT %s s cached, %s s cold%n", c.promptTokens(),
          c.cachedTokens(), spread(c.cachedTtftS()), spread(c.coldTtftS()));
    }
    for (EndToEndBench.VerifyCost v : r.verifyCost()) {
      out.printf(Locale.ROOT, "verify @%-5d k=%-2d %8.3f ms, %.2f× a %.3f ms step%n", v.depth(), v.tokens(), v.verifyMs(),
          v.ratio(), v.stepMs());
    }
    out.printf(Locale.ROOT, "peak RSS     %.2f GB%n", r.peakRssBytes() / 1e9);
    if (json != null) {
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), r);
    }
    return 0;
  }

  private static String spread(EndToEndBench.Spread s) {
    return String.format(Locale.ROOT, "%7.2f (min %.2f, max %.2f)", s.median(), s.min(), s.max());
  }
}
