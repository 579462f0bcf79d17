package io.github.gptoss4j.spark;

import java.io.Serial;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;

/** The SQL function {@link GptOssSpark#register} installs: a prompt in, an {@link Answer} struct out. */
final class PromptFunction implements UDF1<String, Row> {
  @Serial private static final long serialVersionUID = 1L;

  private final SparkGenerationOptions options;
  // Spark deserializes a query's functions per task, so an instance serves one task at a time.
  private transient RowGenerator generator;

  PromptFunction(SparkGenerationOptions options) {
    this.options = options;
  }

  @Override
  public Row call(String prompt) {
    TaskContext task = TaskContext.get();
    if (generator == null || !generator.serves(task)) {
      generator = new RowGenerator(options, task);
    }
    return RowFactory.create(generator.answer(prompt).values());
  }
}
