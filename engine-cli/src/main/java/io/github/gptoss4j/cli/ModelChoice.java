package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --precision}, shared by {@code generate}, {@code chat} and {@code serve}. */
final class ModelChoice {
  @Option(names = "--model", paramLabel = "DIR",
      description = "Checkpoint directory (Hugging Face layout or original/). Default: the demo model (random weights).")
  Path model;

  @Option(names = "--precision", paramLabel = "exact|int8", defaultValue = "exact", converter = PrecisionOption.class,
      description = PrecisionOption.DESCRIPTION)
  Precision precision;

  boolean demo() {
    return model == null;
  }

  /** {@code --model}, or the demo's directory (written on first use) after the demo's notice on {@code err}. */
  Path directory(PrintWriter err) {
    if (model != null) {
      return model;
    }
    err.println(DemoModel.NOTICE);
    return DemoModel.ensure(DemoModel.cacheDir(System.getenv(), System.getProperty("user.home")), err);
  }

  /** Loads {@code dir} with {@code --precision}, reporting progress on {@code err}. */
  GptOss load(Path dir, PrintWriter err) {
    return load(dir, ModelOptions.builder(), err);
  }

  /** Loads {@code dir} with {@code options} and {@code --precision}, reporting progress on {@code err}. */
  GptOss load(Path dir, ModelOptions.Builder options, PrintWriter err) {
    return ModelLoading.load(dir, options.precision(precision).build(), err);
  }
}
