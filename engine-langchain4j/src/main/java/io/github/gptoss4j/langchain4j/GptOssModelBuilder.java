package io.github.gptoss4j.langchain4j;

import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.Precision;
import java.nio.file.Path;

/**
 * The options {@link GptOssChatModel} and {@link GptOssStreamingChatModel} share: which model, how it is
 * loaded, and the defaults of every request (a {@code ChatRequest}'s own parameters override the sampling
 * ones). Exactly one of {@link #modelPath(Path)} and {@link #model(GptOss)} is required.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class GptOssModelBuilder<B extends GptOssModelBuilder<B>> {
  private Path modelPath;
  private GptOss model;
  private final ModelOptions.Builder modelOptions = ModelOptions.builder();
  private String modelName;
  private ReasoningEffort reasoningEffort;
  private Double temperature;
  private Double topP;
  private Integer topK;
  private Long seed;
  private Integer maxTokens;

  GptOssModelBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Loads the checkpoint in {@code dir} (Hugging Face or OpenAI layout). Models built on the same directory
   * and load options share one loaded model (the weights are memory-mapped once) for the life of the JVM.
   */
  public B modelPath(Path dir) {
    modelPath = dir;
    return self();
  }

  /** Uses a model the application loaded (and closes when it is done with every chat model built on it). */
  public B model(GptOss value) {
    model = value;
    return self();
  }

  /** Kernel threads when loading by {@link #modelPath(Path)}; 0 (default) uses all processors. */
  public B threads(int value) {
    modelOptions.threads(value);
    return self();
  }

  /** Arithmetic when loading by {@link #modelPath(Path)}: {@code EXACT} (default) or the faster {@code INT8}. */
  public B precision(Precision value) {
    modelOptions.precision(value);
    return self();
  }

  /** The name reported in {@code ChatResponse.modelName()}; default: the model directory's name. */
  public B modelName(String value) {
    modelName = value;
    return self();
  }

  /** How much the model reasons before answering; default: Harmony's (medium). */
  public B reasoningEffort(ReasoningEffort value) {
    reasoningEffort = value;
    return self();
  }

  /** Default sampling temperature (0 is greedy); default 1. */
  public B temperature(double value) {
    temperature = value;
    return self();
  }

  /** Default nucleus sampling threshold in (0, 1]; default 1 (off). */
  public B topP(double value) {
    topP = value;
    return self();
  }

  /** Default top-k cut-off; default 0 (off). */
  public B topK(int value) {
    topK = value;
    return self();
  }

  /**
   * Seed of every request's sampler, so the same request gives the same reply; default: a new random seed per
   * request (reported in {@link GptOssChatResponseMetadata#stats()}).
   */
  public B seed(long value) {
    seed = value;
    return self();
  }

  /** Default most tokens per reply (reasoning included); default: until the context is full. */
  public B maxTokens(int value) {
    maxTokens = value;
    return self();
  }

  /** Checks the options and resolves the model (loading it on first use of its directory). */
  Adapter adapter() {
    if ((modelPath == null) == (model == null)) {
      throw new GenerationException("exactly one of modelPath(...) and model(...) must be set, got "
          + (model == null ? "neither" : "both"));
    }
    // Checked here, where the error names the builder option, rather than on the first request.
    SamplingOptions.Builder sampling = SamplingOptions.builder();
    if (temperature != null) {
      sampling.temperature(temperature);
    }
    if (topP != null) {
      sampling.topP(topP);
    }
    if (topK != null) {
      sampling.topK(topK);
    }
    sampling.build();
    if (maxTokens != null && maxTokens < 1) {
      throw new GenerationException("maxTokens must be >= 1, got " + maxTokens);
    }
    GptOss resolved = model != null ? model : SharedModels.load(modelPath, modelOptions.build());
    String name = modelName != null ? modelName
        : modelPath != null ? modelPath.toAbsolutePath().normalize().getFileName().toString() : "gpt-oss";
    return new Adapter(resolved, name, reasoningEffort, seed, new Adapter.Defaults(temperature, topP, topK, maxTokens));
  }
}
