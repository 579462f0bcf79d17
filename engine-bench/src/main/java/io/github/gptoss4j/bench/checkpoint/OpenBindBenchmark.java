package io.github.gptoss4j.bench.checkpoint;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.checkpoint.ModelWeights;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Time and heap to open and bind a checkpoint: {@code Checkpoint.open(dir).weights()}, repeated, with the
 * median reported. Heap is what stays reachable after a full GC while the checkpoint is open (the mmapped
 * tensors are off-heap and not counted).
 *
 * <pre>java -cp engine-bench/target/benchmarks.jar io.github.gptoss4j.bench.checkpoint.OpenBindBenchmark [DIR] [RUNS]</pre>
 *
 * DIR defaults to {@code /tmp/gptoss-20b-synth}, made by
 * {@code ./gptoss synth --preset gpt-oss-20b --seed 20 --out /tmp/gptoss-20b-synth}.
 */
public final class OpenBindBenchmark {
  private OpenBindBenchmark() {}

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/gptoss-20b-synth");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    double[] millis = new double[runs];
    double[] heapMb = new double[runs];
    for (int r = 0; r < runs; r++) {
      System.gc();
      long before = memory.getHeapMemoryUsage().getUsed();
      long start = System.nanoTime();
      try (Checkpoint cp = Checkpoint.open(dir)) {
        ModelWeights weights = cp.weights();
        millis[r] = (System.nanoTime() - start) / 1e6;
        System.gc();
        heapMb[r] = (memory.getHeapMemoryUsage().getUsed() - before) / 1e6;
        System.out.printf(Locale.ROOT, "run %d: open+bind %.1f ms, heap held %.1f MB (%d layers, %d tensors)%n",
            r + 1, millis[r], heapMb[r], weights.layers().size(), cp.tensors().size());
      }
    }
    System.out.printf(Locale.ROOT, "median over %d runs: open+bind %.1f ms, heap held %.1f MB (%s)%n",
        runs, median(millis), median(heapMb), dir);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
