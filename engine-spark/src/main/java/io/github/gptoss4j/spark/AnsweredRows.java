package io.github.gptoss4j.spark;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * A task's answered rows, in input order, with up to {@code window} rows generating at once, each on its own
 * thread: sessions of one model that generate at the same time have their decode steps batched by the model's
 * scheduler, so a window of the model's batch size fills its passes. Each row's answer is the same as alone.
 *
 * <p>Input rows are read on the task's thread only (Spark's iterators are not thread-safe), as the consumer
 * asks for output. {@link #close()} cancels what is still generating (a consumer that stops early, such as a
 * {@code limit}, or a killed task).
 */
final class AnsweredRows implements Iterator<Row>, AutoCloseable {
  private final Iterator<Row> input;
  private final Function<Object[], Row> answer;
  private final RowGenerator generator;
  private final int window;
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("gptoss-spark-row-", 0).factory());
  private final ArrayDeque<Future<Row>> inFlight = new ArrayDeque<>();

  /**
   * @param answer the output row for an input row's values, run on a generating thread
   * @param generator what {@code answer} generates with, cancelled by {@link #close()}
   */
  AnsweredRows(Iterator<Row> input, Function<Object[], Row> answer, RowGenerator generator, int window) {
    this.input = input;
    this.answer = answer;
    this.generator = generator;
    this.window = window;
  }

  @Override
  public boolean hasNext() {
    fill();
    return !inFlight.isEmpty();
  }

  @Override
  public Row next() {
    fill();
    Future<Row> head = inFlight.poll();
    if (head == null) {
      throw new NoSuchElementException("no more rows");
    }
    Row row = await(head);
    fill();
    return row;
  }

  /** Cancels the rows still generating and lets their threads end. */
  @Override
  public void close() {
    generator.cancelAll();
    threads.shutdown();
  }

  private void fill() {
    while (inFlight.size() < window && input.hasNext()) {
      Object[] values = values(input.next()); // read here, while Spark's row is still the current one
      inFlight.add(threads.submit(() -> answer.apply(values)));
    }
  }

  private static Object[] values(Row row) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return values;
  }

  /** The row {@code future} computes; a failure (a model that cannot be loaded, a killed task) is rethrown as is. */
  private static Row await(Future<Row> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a row's answer", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
