package io.github.gptoss4j.spark;

import java.io.Serial;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The function {@link GptOssSpark#generate} maps each partition with: a row in, the same row with the {@link
 * Answer} columns appended out, generated as Spark pulls rows (a partition is never held in memory), as many
 * rows at once as the model batches.
 */
final class PartitionGenerator implements MapPartitionsFunction<Row, Row> {
  @Serial private static final long serialVersionUID = 1L;

  private final int promptIndex;
  private final SparkGenerationOptions options;

  PartitionGenerator(int promptIndex, SparkGenerationOptions options) {
    this.promptIndex = promptIndex;
    this.options = options;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    RowGenerator generator = new RowGenerator(options, task);
    AnsweredRows answered = new AnsweredRows(
        rows, values -> withAnswer(values, generator.answer((String) values[promptIndex])), generator,
        options.modelOptions().batchSize());
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> answered.close());
    }
    return answered;
  }

  private static Row withAnswer(Object[] row, Answer answer) {
    Object[] answerValues = answer.values();
    Object[] values = Arrays.copyOf(row, row.length + answerValues.length);
    System.arraycopy(answerValues, 0, values, row.length, answerValues.length);
    return RowFactory.create(values);
  }
}
