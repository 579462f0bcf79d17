package io.github.gptoss4j.spark;

import io.github.gptoss4j.generate.GenerationException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference on Apache Spark: a DataFrame of prompts in, answers out.
 *
 * <pre>{@code
 * SparkGenerationOptions options = SparkGenerationOptions.builder()
 *     .modelPath("/models/gpt-oss-20b")
 *     .reasoningEffort(ReasoningEffort.LOW)
 *     .maxTokens(256)
 *     .seed(42)
 *     .build();
 * Dataset<Row> answered = GptOssSpark.generate(tickets, "text", options);
 * }</pre>
 *
 * <p>Each executor JVM loads the model once, on the first row that needs it (the weights are memory-mapped,
 * so all its tasks share one copy), and closes it when the JVM exits. A task generates up to {@link
 * SparkGenerationOptions#batchSize()} rows of its partition at once, each in a fresh session, and the model
 * batches their decode steps; a row's answer depends only on its prompt and the options, never on
 * partitioning, batching or retries. A row that cannot be answered (a null prompt, a prompt that does not fit the
 * context) gets an {@code error} and the job goes on; a model that cannot be loaded fails the task.
 */
public final class GptOssSpark {
  private GptOssSpark() {}

  /**
   * The rows of {@code input} with six columns appended: {@code answer} and {@code reasoning} (strings), {@code
   * finish_reason} ({@code stop} or {@code length}), {@code prompt_tokens} and {@code completion_tokens}
   * (ints), and {@code error} (null, or why the row has no answer; then the other five are null). Lazy, like
   * any Spark transformation: generation runs when an action pulls the rows.
   *
   * @param promptColumn the top-level string column holding each row's user prompt
   * @throws GenerationException if {@code input} has no string column {@code promptColumn}, or already has a
   *     column named like one of the six
   */
  public static Dataset<Row> generate(Dataset<Row> input, String promptColumn, SparkGenerationOptions options) {
    require(options, "options");
    StructType schema = input.schema();
    int promptIndex = promptIndex(schema, require(promptColumn, "promptColumn"));
    for (StructField added : Answer.SCHEMA.fields()) {
      for (StructField existing : schema.fields()) {
        // Spark resolves column names case-insensitively by default, so "Answer" would clash too.
        if (existing.name().toLowerCase(Locale.ROOT).equals(added.name())) {
          throw new GenerationException("the input already has a column '" + existing.name()
              + "'; rename it, generate adds " + Arrays.toString(Answer.SCHEMA.fieldNames()));
        }
      }
    }
    StructType output = new StructType(concat(schema.fields(), Answer.SCHEMA.fields()));
    return input.mapPartitions(new PartitionGenerator(promptIndex, options), Encoders.row(output));
  }

  /**
   * Registers the SQL function {@code name}: {@code name(prompt)} returns a struct of the six fields {@link
   * #generate} appends, so {@code SELECT r.answer, r.error FROM (SELECT gptoss_generate(prompt) AS r FROM t)}
   * works. A null prompt gives a struct whose {@code error} says so.
   *
   * @throws GenerationException if {@code name} is blank
   */
  public static void register(SparkSession spark, String name, SparkGenerationOptions options) {
    require(spark, "spark");
    require(options, "options");
    if (name == null || name.isBlank()) {
      throw new GenerationException("the SQL function's name must not be blank, got " + name);
    }
    spark.udf().register(name, new PromptFunction(options), Answer.SCHEMA);
  }

  private static int promptIndex(StructType schema, String promptColumn) {
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(promptColumn)) {
        if (!schema.fields()[i].dataType().equals(DataTypes.StringType)) {
          throw new GenerationException("the prompt column '" + promptColumn + "' has type "
              + schema.fields()[i].dataType().simpleString() + "; expected string");
        }
        return i;
      }
    }
    throw new GenerationException(
        "the input has no column '" + promptColumn + "'; its columns are " + Arrays.toString(names));
  }

  private static StructField[] concat(StructField[] a, StructField[] b) {
    StructField[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static <T> T require(T value, String name) {
    if (value == null) {
      throw new GenerationException(name + " must not be null");
    }
    return value;
  }
}
