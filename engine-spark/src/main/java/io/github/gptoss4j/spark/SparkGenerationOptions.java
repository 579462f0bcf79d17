package io.github.gptoss4j.spark;

import io.github.gptoss4j.Precision;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.io.Serial;
import java.io.Serializable;

/**
 * How {@link GptOssSpark} answers every row of a job: which model, which prompt settings, how tokens are
 * sampled. Immutable and serializable (Spark ships it to the executors); build with {@link #builder()}, which
 * validates every option when the job is defined, not on the executors.
 *
 * <p>A row's answer depends only on its prompt and these options: every row is sampled with the same {@link
 * #seed()}, so reruns, retried tasks and other partitionings give the same answers.
 *
 * @param modelPath the checkpoint directory, a local path every executor can read (see docs/spark.md)
 * @param systemPrompt instructions for every row (Harmony's developer message), or null for none
 * @param reasoningEffort how much the model reasons, or null for Harmony's default (medium)
 * @param maxTokens most tokens generated per row; 0 means until the answer ends or the context is full
 * @param temperature sampling temperature; 0 is greedy
 * @param seed the sampler's seed for every row
 * @param replyChannel the channel every reply is opened on, or null (default) to let the model write the
 *     reply's header itself, reasoning first; {@code final} skips the reasoning, and is what a model that does
 *     not write Harmony headers needs (one with random weights, like the demo)
 * @param jsonSchema a JSON Schema every answer must be valid under, or null: shown to the model and enforced
 *     while decoding (the library's {@link ResponseFormat#jsonSchema(String)}, which lists the supported
 *     keywords)
 * @param threads kernel threads of each executor's model; 0 means the executor JVM's default (all its
 *     processors, or {@code -Dgptoss.threads}); answers are the same for any count
 * @param precision {@link Precision#EXACT} (default) or the opt-in {@link Precision#INT8} fast path
 * @param batchSize rows a task of {@link GptOssSpark#generate} generates at once, and the most sessions the
 *     executor's model batches per forward pass ({@link ModelOptions#batchSize()}, default {@value
 *     ModelOptions#DEFAULT_BATCH_SIZE}); 1 answers a task's rows one after another. Answers are the same for
 *     any size
 */
public record SparkGenerationOptions(
    String modelPath,
    String systemPrompt,
    ReasoningEffort reasoningEffort,
    int maxTokens,
    double temperature,
    long seed,
    String replyChannel,
    String jsonSchema,
    int threads,
    Precision precision,
    int batchSize)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Validates every option, with the library's own checks where it has them.
   *
   * @throws GenerationException naming the option and what was expected (a JSON schema the library cannot
   *     enforce is not refused here: each row then gets the schema error, naming the keyword and its JSON
   *     pointer, in its {@code error} column)
   */
  public SparkGenerationOptions {
    if (modelPath == null || modelPath.isBlank()) {
      throw new GenerationException("modelPath must name a checkpoint directory, got " + quoted(modelPath));
    }
    if (maxTokens < 0) {
      throw new GenerationException("maxTokens must be >= 1, or 0 for no limit, got " + maxTokens);
    }
    if (replyChannel != null) {
      GenerationRequest.builder().replyChannel(replyChannel);
    }
    modelOptions(threads, precision, batchSize);
    samplingOptions(temperature, seed);
  }

  /** A builder with the defaults listed on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** How each executor loads the model. */
  ModelOptions modelOptions() {
    return modelOptions(threads, precision, batchSize);
  }

  /** The library request that answers {@code prompt} with these options. */
  GenerationRequest request(String prompt) {
    GenerationRequest.Builder request =
        GenerationRequest.builder().sampling(samplingOptions(temperature, seed)).user(prompt);
    if (systemPrompt != null) {
      request.instructions(systemPrompt);
    }
    if (reasoningEffort != null) {
      request.reasoningEffort(reasoningEffort);
    }
    if (maxTokens > 0) {
      request.maxTokens(maxTokens);
    }
    if (replyChannel != null) {
      request.replyChannel(replyChannel);
    }
    if (jsonSchema != null) {
      request.responseFormat(ResponseFormat.jsonSchema(jsonSchema));
    }
    return request.build();
  }

  private static ModelOptions modelOptions(int threads, Precision precision, int batchSize) {
    return ModelOptions.builder().threads(threads).precision(precision).batchSize(batchSize).build();
  }

  private static SamplingOptions samplingOptions(double temperature, long seed) {
    return SamplingOptions.builder().temperature(temperature).seed(seed).build();
  }

  private static String quoted(String s) {
    return s == null ? "null" : "'" + s + "'";
  }

  /**
   * Collects options. Defaults: no system prompt, Harmony's reasoning effort, no token limit, temperature 1,
   * seed 0, the model writes the reply's header, no JSON schema, the executor's default kernel threads, {@link
   * Precision#EXACT}, the library's batch size. The model path has no default.
   */
  public static final class Builder {
    private String modelPath;
    private String systemPrompt;
    private ReasoningEffort reasoningEffort;
    private int maxTokens;
    private double temperature = 1.0;
    private long seed;
    private String replyChannel;
    private String jsonSchema;
    private int threads;
    private Precision precision = Precision.EXACT;
    private int batchSize = ModelOptions.DEFAULT_BATCH_SIZE;

    private Builder() {}

    /** See {@link SparkGenerationOptions#modelPath()}. */
    public Builder modelPath(String value) {
      modelPath = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#systemPrompt()}. */
    public Builder systemPrompt(String value) {
      systemPrompt = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#reasoningEffort()}. */
    public Builder reasoningEffort(ReasoningEffort value) {
      reasoningEffort = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#maxTokens()}. */
    public Builder maxTokens(int value) {
      maxTokens = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#temperature()}. */
    public Builder temperature(double value) {
      temperature = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#seed()}. */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#replyChannel()}. */
    public Builder replyChannel(String value) {
      replyChannel = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#jsonSchema()}. */
    public Builder jsonSchema(String value) {
      jsonSchema = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#threads()}. */
    public Builder threads(int value) {
      threads = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#precision()}. */
    public Builder precision(Precision value) {
      precision = value;
      return this;
    }

    /** See {@link SparkGenerationOptions#batchSize()}. */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /**
     * The options collected so far.
     *
     * @throws GenerationException naming the first option out of range
     */
    public SparkGenerationOptions build() {
      return new SparkGenerationOptions(
          modelPath, systemPrompt, reasoningEffort, maxTokens, temperature, seed, replyChannel, jsonSchema, threads,
          precision, batchSize);
    }
  }
}
