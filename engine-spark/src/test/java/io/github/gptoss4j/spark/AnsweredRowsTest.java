package io.github.gptoss4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.CheckpointException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The window of rows a task generates at once, without Spark or a model. */
class AnsweredRowsTest {
  private static final RowGenerator NO_SESSIONS =
      new RowGenerator(SparkGenerationOptions.builder().modelPath("unused").build(), null);

  private static List<Row> input(int n) {
    return IntStream.range(0, n).mapToObj(i -> RowFactory.create(i)).toList();
  }

  private static List<Integer> drain(AnsweredRows rows) {
    List<Integer> out = new ArrayList<>();
    try (rows) {
      rows.forEachRemaining(r -> out.add(r.getInt(0)));
    }
    return out;
  }

  @Test
  void rowsComeOutInInputOrderThoughTheyFinishInAnother() {
    CountDownLatch lastDone = new CountDownLatch(1);
    Function<Object[], Row> answer = values -> {
      int i = (Integer) values[0];
      if (i == 3) {
        lastDone.countDown();
      } else if (i == 0) {
        await(lastDone); // row 0 finishes only after row 3 has
      }
      return RowFactory.create(values);
    };

    assertEquals(List.of(0, 1, 2, 3, 4, 5), drain(new AnsweredRows(input(6).iterator(), answer, NO_SESSIONS, 4)));
  }

  @Test
  void atMostTheWindowGeneratesAtOnceAndTheWindowFills() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch threeRunning = new CountDownLatch(3);
    Function<Object[], Row> answer = values -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      threeRunning.countDown();
      await(threeRunning); // the first three wait for each other: they must run at the same time
      running.decrementAndGet();
      return RowFactory.create(values);
    };

    assertEquals(IntStream.range(0, 9).boxed().toList(),
        drain(new AnsweredRows(input(9).iterator(), answer, NO_SESSIONS, 3)));
    assertEquals(3, most.get());
  }

  @Test
  void aTaskFailureOfOneRowIsRethrownAsItIs() {
    CheckpointException failure = new CheckpointException("/models/x: no checkpoint found");
    Function<Object[], Row> answer = values -> {
      throw failure;
    };
    AnsweredRows rows = new AnsweredRows(input(2).iterator(), answer, NO_SESSIONS, 2);

    assertTrue(rows.hasNext());
    assertSame(failure, assertThrows(CheckpointException.class, rows::next));
    rows.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("rows that should run at the same time did not");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
