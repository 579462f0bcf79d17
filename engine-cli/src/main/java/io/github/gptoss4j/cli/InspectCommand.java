package io.github.gptoss4j.cli;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.checkpoint.Dtype;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.TensorInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss inspect}: what a checkpoint holds and whether it binds. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {"Print a checkpoint's config, tensor count, bytes by dtype and whether every weight binds;",
        "with --check-tensors, also whether every value is valid. Exit code 1 if not."})
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (Hugging Face or original layout).")
  Path model;

  @Option(names = "--check-tensors", description = {
      "Also read every tensor's values: NaN or infinity in float tensors, E8M0 scale 255 in MXFP4 scales.",
      "Reads the whole checkpoint (progress on stderr)."})
  boolean checkTensors;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Checkpoint cp = Checkpoint.open(model)) {
      GptOssConfig c = cp.config();
      long files = cp.tensors().values().stream().map(TensorInfo::file).distinct().count();
      out.printf(Locale.ROOT, "model:      %s (%s layout, %d file(s))%n", cp.directory(), cp.layout(), files);
      out.printf(Locale.ROOT, "layers:     %d (%s)%n", c.numLayers(), layerSummary(c));
      out.printf(Locale.ROOT, "attention:  hidden %d, %d heads × %d, %d KV heads, sliding window %d%n",
          c.hiddenSize(), c.numHeads(), c.headDim(), c.numKvHeads(), c.slidingWindow());
      out.printf(Locale.ROOT, "experts:    %d, %d per token, intermediate %d, swiglu_limit %s%n",
          c.numExperts(), c.expertsPerToken(), c.intermediateSize(), c.swigluLimit());
      out.printf(Locale.ROOT, "rope:       theta %s, yarn factor %s, original context %d, beta fast %s / slow %s%n",
          c.rope().theta(), c.rope().factor(), c.rope().originalContext(), c.rope().betaFast(), c.rope().betaSlow());
      out.printf(Locale.ROOT, "vocab:      %d, max positions %d, rms_norm_eps %s%n",
          c.vocabSize(), c.maxPositionEmbeddings(), c.rmsNormEps());
      out.printf(Locale.ROOT, "tensors:    %d%n", cp.tensors().size());
      Map<Dtype, Long> bytes = new EnumMap<>(Dtype.class);
      long total = 0;
      for (TensorInfo t : cp.tensors().values()) {
        bytes.merge(t.dtype(), t.byteSize(), Long::sum);
        total += t.byteSize();
      }
      for (Map.Entry<Dtype, Long> e : bytes.entrySet()) {
        out.printf(Locale.ROOT, "  %-5s %,18d bytes%n", e.getKey(), e.getValue());
      }
      out.printf(Locale.ROOT, "  total %,18d bytes%n", total);
      try {
        cp.weights();
        out.println("verdict:    OK, every expected tensor is present with the right shape and dtype");
      } catch (CheckpointException e) {
        out.println("verdict:    INVALID");
        out.println(e.getMessage());
        return 1;
      }
      return checkTensors ? checkValues(cp, out) : 0;
    } finally {
      out.flush();
    }
  }

  /** Scans every value: a bar on a terminal, one line when done otherwise (logs stay readable). */
  private int checkValues(Checkpoint cp, PrintWriter out) {
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    List<String> found;
    if (Terminal.isTerminal()) {
      SynthCommand.ProgressBar bar = new SynthCommand.ProgressBar(err);
      found = cp.scanValues(bar::update);
      bar.finish();
    } else {
      found = cp.scanValues((done, total) -> {});
    }
    long bytes = cp.tensors().values().stream().mapToLong(TensorInfo::byteSize).sum();
    err.printf(Locale.ROOT, "checked the values of %d tensors (%s) in %.1f s%n", cp.tensors().size(),
        SynthCommand.ProgressBar.gigabytes(bytes), (System.nanoTime() - start) / 1e9);
    err.flush();
    if (found.isEmpty()) {
      out.println("values:     OK, no NaN, infinity or E8M0 scale 255");
      return 0;
    }
    out.println("values:     INVALID, " + found.size() + " tensor(s)");
    found.forEach(out::println);
    return 1;
  }

  private static String layerSummary(GptOssConfig c) {
    return c.layerTypes().stream()
        .map(t -> t == GptOssConfig.LayerType.SLIDING_ATTENTION ? "S" : "F")
        .collect(Collectors.joining("")) + ": S = sliding, F = full attention";
  }
}
