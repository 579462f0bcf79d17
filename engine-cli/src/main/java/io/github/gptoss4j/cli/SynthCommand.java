package io.github.gptoss4j.cli;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Options;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss synth}: writes a deterministic random checkpoint with the real shapes of a gpt-oss model. */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
        "Write a deterministic random checkpoint in the exact Hugging Face layout (shards, index, config.json),",
        "optionally with OpenAI's original/ layout, for tests and benchmarks without the real weights.",
        "Refuses to write into a non-empty directory that is not an earlier synth output."})
final class SynthCommand implements Callable<Integer> {
  /** Which layouts to write. */
  enum Layout {
    hf,
    original,
    both
  }

  @Spec CommandSpec spec;

  @Option(names = "--preset", required = true, description = "tiny, gpt-oss-20b (~13 GB) or gpt-oss-120b (~65 GB).")
  String preset;

  @Option(names = "--layers", paramLabel = "N", description = "Override the preset's number of layers.")
  Integer layers;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed; equal seeds give equal files.")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--layout", defaultValue = "hf", description = "hf, original or both (default: ${DEFAULT-VALUE}).")
  Layout layout;

  @Option(names = "--tokenizer", paramLabel = "DIR", description = "Copy tokenizer.json and tokenizer_config.json from DIR.")
  Path tokenizer;

  @Override
  public Integer call() {
    Preset p;
    try {
      p = Preset.byName(preset);
    } catch (IllegalArgumentException e) {
      throw new CliException("--preset: " + e.getMessage());
    }
    GptOssConfig config = p.config();
    if (layers != null) {
      if (layers < 1) {
        throw new CliException("--layers must be at least 1, got " + layers);
      }
      config = SyntheticCheckpoint.withLayers(config, layers);
    }
    Options options = new Options(config, seed, layout != Layout.original, layout != Layout.hf, tokenizer,
        p.maxShardBytes());
    ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
    SyntheticCheckpoint.write(options, out, bar::update);
    bar.finish();
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: preset %s, %d layers, seed %d, layout %s, %s%n",
        out, p.cliName(), config.numLayers(), seed, layout, ProgressBar.gigabytes(SyntheticCheckpoint.totalBytes(options)));
    return 0;
  }

  /**
   * A one-line bar on stderr, redrawn at most every 1/4 s, when stderr is a terminal; otherwise (a log file, a
   * pipe) no redraws, only one plain line at the end.
   */
  static final class ProgressBar {
    private static final int WIDTH = 40;
    private final PrintWriter err;
    private final boolean redraw;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long done;
    private long total;

    ProgressBar(PrintWriter err) {
      this(err, Terminal.isStderrTerminal());
    }

    ProgressBar(PrintWriter err, boolean redraw) {
      this.err = err;
      this.redraw = redraw;
    }

    void update(long done, long total) {
      this.done = done;
      this.total = total;
      long now = System.nanoTime();
      if (redraw && (now - lastDraw > 250_000_000L || done == total)) {
        lastDraw = now;
        draw(now);
      }
    }

    private void draw(long now) {
      double fraction = total == 0 ? 1 : (double) done / total;
      int filled = (int) (fraction * WIDTH);
      double seconds = Math.max(1e-9, (now - start) / 1e9);
      err.printf(Locale.ROOT, "\r[%s%s] %3d%% %s / %s  %.0f MB/s", "#".repeat(filled), ".".repeat(WIDTH - filled),
          (int) (fraction * 100), gigabytes(done), gigabytes(total), done / seconds / 1e6);
      err.flush();
    }

    void finish() {
      long now = System.nanoTime();
      if (redraw) {
        draw(now);
        err.println();
      } else {
        err.printf(Locale.ROOT, "%s / %s in %.1f s, %.0f MB/s%n", gigabytes(done), gigabytes(total),
            (now - start) / 1e9, done / Math.max(1e-9, (now - start) / 1e9) / 1e6);
      }
      err.flush();
    }

    static String gigabytes(long bytes) {
      return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
  }
}
