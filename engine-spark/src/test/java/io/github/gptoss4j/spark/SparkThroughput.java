package io.github.gptoss4j.spark;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GptOss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Measures {@link GptOssSpark#generate} in {@code local[N]} against the library answering the same rows one
 * after another on one thread (the command is in docs/spark.md). Not a test: a benchmark program.
 *
 * <p>Arguments, all optional: rows (64), partitions (4), max tokens per row (16), Spark master (local[2]),
 * kernel threads per model (0 = the default), batch size (8), model directory (the demo model, written to a
 * temporary directory).
 */
public final class SparkThroughput {
  private SparkThroughput() {}

  /** Runs the measurement and prints one line per configuration. */
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    String master = args.length > 3 ? args[3] : "local[2]";
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    int batchSize = args.length > 5 ? Integer.parseInt(args[5]) : 8;
    String model = args.length > 6 ? args[6] : DemoCheckpoint.dir().toString();
    SparkGenerationOptions options = SparkGenerationOptions.builder()
        .modelPath(model).maxTokens(maxTokens).seed(1).threads(threads).batchSize(batchSize)
        .replyChannel("final").build();
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      prompts.add("Ticket " + i + ": my order arrived late, please label this ticket.");
    }

    SparkSession spark = SparkSession.builder().master(master).appName("gptoss4j-spark-throughput")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> data = prompts.stream().map(p -> RowFactory.create(p)).toList();
      Dataset<Row> input = spark.createDataFrame(data, new StructType().add("prompt", DataTypes.StringType))
          .repartition(partitions).cache();
      input.count();
      GptOssSpark.generate(input, "prompt", options).collectAsList(); // loads the model, warms the JIT
      long start = System.nanoTime();
      List<Row> answered = GptOssSpark.generate(input, "prompt", options).collectAsList();
      report("spark " + master + ", " + partitions + " partitions, batch " + batchSize, answered.stream()
          .mapToLong(r -> r.<Integer>getAs("completion_tokens")).sum(), rows, System.nanoTime() - start);
    } finally {
      spark.stop();
    }

    try (GptOss direct = GptOss.load(Path.of(model), options.modelOptions())) {
      long tokens = 0;
      long start = System.nanoTime();
      for (String prompt : prompts) {
        try (ChatSession session = direct.newSession()) {
          tokens += session.generate(options.request(prompt)).stats().generatedTokens();
        }
      }
      report("library, one thread, row by row", tokens, rows, System.nanoTime() - start);
    }
  }

  private static void report(String what, long tokens, int rows, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf("%-40s %d rows, %d tokens in %.2f s: %.2f rows/s, %.1f generated tokens/s%n",
        what, rows, tokens, seconds, rows / seconds, tokens / seconds);
  }
}
