package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Kernel calls from several threads at once: none waits for another, none disturbs another's results. */
class ReentrancyTest {

  @Test
  void aCallerFindingTheWorkersBusyRunsItsJobWhileTheOtherIsMidJob() throws Exception {
    try (WorkerPool pool = new WorkerPool(2)) {
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread first = Thread.ofPlatform().start(() -> pool.run(2, (chunk, worker) -> {
        inside.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertTrue(inside.await(30, TimeUnit.SECONDS));
      // The first job holds the workers and is stuck in a chunk; a second caller still gets its job done.
      int[] ranBy = new int[4];
      pool.run(4, (chunk, worker) -> ranBy[chunk] = worker + 1);
      assertArrayEquals(new int[] {1, 1, 1, 1}, ranBy, "every chunk ran on the calling thread (worker 0)");
      assertTrue(first.isAlive(), "the first job was still mid-chunk");
      release.countDown();
      first.join(30_000);
    }
  }

  @Test
  void concurrentMatmulsGiveExactlyTheirSequentialResults() throws Exception {
    for (KernelProvider.Impl impl : KernelProvider.Impl.values()) {
      for (Precision precision : Precision.values()) {
        try (Kernels kernels = KernelProvider.create(impl, 2, precision)) {
          assertConcurrentCallsMatch(kernels, impl + "/" + precision);
        }
      }
    }
  }

  private static void assertConcurrentCallsMatch(Kernels kernels, String what) throws Exception {
    Random rnd = new Random(5);
    int rows = 96;
    int cols = 256;
    List<WeightMatrix> weights = List.of(
        TestData.mxfp4(rnd, rows, cols, 118, 130, new float[rows * cols]),
        TestData.bf16(rnd, rows, cols, new float[rows * cols]));
    int callers = 4;
    int tokens = 3;
    List<float[]> inputs = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      inputs.add(TestData.randomFloats(rnd, tokens * cols));
    }
    try (ExecutorService threads = Executors.newFixedThreadPool(callers)) {
      List<Future<List<float[]>>> results = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        float[] x = inputs.get(c);
        results.add(threads.submit(() -> {
          List<float[]> rounds = new ArrayList<>();
          for (int round = 0; round < 20; round++) {
            rounds.add(run(kernels, weights, x, round % tokens + 1));
          }
          return rounds;
        }));
      }
      for (int c = 0; c < callers; c++) {
        List<float[]> rounds = results.get(c).get();
        for (int round = 0; round < rounds.size(); round++) {
          int n = round % tokens + 1;
          float[] alone = run(kernels, weights, inputs.get(c), n);
          assertArrayEquals(alone, rounds.get(round), what + ", caller " + c + ", round " + round);
        }
      }
    }
  }

  /** Every weight matrix applied to the first {@code tokens} rows of x; all outputs concatenated. */
  private static float[] run(Kernels kernels, List<WeightMatrix> weights, float[] x, int tokens) {
    int rows = weights.getFirst().rows();
    float[] out = new float[weights.size() * tokens * rows];
    for (int i = 0; i < weights.size(); i++) {
      kernels.matmul(weights.get(i), null, x, 0, tokens, out, i * tokens * rows);
    }
    return out;
  }
}
