package io.github.gptoss4j.spark;

import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode): each loaded on the first row that
 * needs it, shared by every task after that (its weights are memory-mapped once), closed when the JVM exits.
 */
final class ExecutorModels {
  /** Which model, loaded how: two jobs share a model only when both agree. */
  private record Key(String modelPath, ModelOptions options) {}

  private static final Map<Key, GptOss> MODELS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "gptoss-spark-close-models"));
  }

  private ExecutorModels() {}

  /**
   * The model {@code options} name, loaded now if no task of this JVM has loaded it yet (the first caller
   * loads, the others wait for it).
   *
   * @throws io.github.gptoss4j.CheckpointException if the path holds no valid checkpoint; nothing is
   *     kept, so a later task tries again
   */
  static GptOss model(SparkGenerationOptions options) {
    Key key = new Key(options.modelPath(), options.modelOptions());
    return MODELS.computeIfAbsent(key, k -> GptOss.load(Path.of(k.modelPath()), k.options()));
  }

  private static void closeAll() {
    for (GptOss model : MODELS.values()) {
      try {
        model.close();
      } catch (RuntimeException e) {
        // The JVM is exiting (perhaps while a killed task still reads the weights): close the others anyway.
      }
    }
  }
}
