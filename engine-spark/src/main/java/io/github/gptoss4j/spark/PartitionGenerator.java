package io.github.gptoss4j.spark;

import java.io.Serial;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The function {@link GptOssSpark#generate} maps each partition with: a row in, the same row with the {@link
 * Answer} columns appended out, generated lazily as Spark pulls rows (a partition is never held in memory).
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
    RowGenerator generator = new RowGenerator(options, TaskContext.get());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        return withAnswer(row, generator.answer(row.getString(promptIndex)));
      }
    };
  }

  private static Row withAnswer(Row row, Answer answer) {
    Object[] answerValues = answer.values();
    Object[] values = new Object[row.size() + answerValues.length];
    for (int i = 0; i < row.size(); i++) {
      values[i] = row.get(i);
    }
    System.arraycopy(answerValues, 0, values, row.size(), answerValues.length);
    return RowFactory.create(values);
  }
}
