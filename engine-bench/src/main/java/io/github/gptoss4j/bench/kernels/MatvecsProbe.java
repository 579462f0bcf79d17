package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.Precision;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Q8Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Batched decode at the kernel level (issue 19): one {@code matvecs} call over n vectors against n separate
 * one-token matmuls, one thread, thread CPU time, the two alternated (A B, then B A) in every round. Prints
 * medians over the rounds of ns and cycles per 32-weight block per vector, and the speed-up per vector. Each
 * call takes the next of 4 matrices, so weights stream from memory as in a decode step. Cycles use the clock
 * measured in the same round by a dependent {@code x = (x·m) ^ k} chain (imul 3 + xor 1 = 4 cycles per step).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine-bench/target/benchmarks.jar
 * io.github.gptoss4j.bench.kernels.MatvecsProbe [rounds]}
 */
public final class MatvecsProbe {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int[] VECTORS = {1, 2, 4, 8};
  /** Vector-blocks per measurement: ~0.15 s of CPU at n = 1 on the 5760×2880 experts. */
  private static final long WORK = 32L * 5760 * 90;

  private MatvecsProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    try (Arena arena = Arena.ofShared();
        Kernels exact = KernelProvider.create(KernelProvider.Impl.VECTOR, 1);
        Kernels int8 = KernelProvider.create(KernelProvider.Impl.VECTOR, 1, Precision.INT8)) {
      String[] names = {"mxfp4 5760x2880", "mxfp4 2880x2880", "q8 2880x2880"};
      WeightMatrix[][] sets = {new WeightMatrix[4], new WeightMatrix[4], new WeightMatrix[4]};
      for (int e = 0; e < 4; e++) {
        sets[0][e] = Weights.mxfp4(arena, 5760, 2880, e);
        sets[1][e] = Weights.mxfp4(arena, 2880, 2880, 10 + e);
        sets[2][e] = Q8Matrix.quantize(Weights.bf16(arena, 2880, 2880, 20 + e), arena);
      }
      Kernels[] precisions = {exact, int8};
      float[] x = Weights.activations(8 * 2880, 1);
      float[] out = new float[8 * 5760];
      // [set][precision][n][batched?][round]: ns per block per vector
      double[][][][][] ns = new double[3][2][VECTORS.length][2][rounds];
      double[] ghz = new double[rounds];
      float sink = 0;
      for (int r = 0; r < rounds + 2; r++) { // the first two rounds warm up
        double clock = clockGhz();
        for (int m = 0; m < sets.length; m++) {
          for (int p = 0; p < 2; p++) {
            if (m == 2 && p == 0) {
              continue; // Q8 weights with f32 activations do not take the decode kernels
            }
            for (int i = 0; i < VECTORS.length; i++) {
              for (int k = 0; k < 2; k++) {
                boolean batched = (k == 0) == (r % 2 == 0);
                double t = time(precisions[p], sets[m], VECTORS[i], batched, x, out);
                if (r >= 2) {
                  ns[m][p][i][batched ? 1 : 0][r - 2] = t;
                }
              }
            }
          }
        }
        if (r >= 2) {
          ghz[r - 2] = clock;
        }
        sink += out[0];
      }
      double g = median(ghz);
      System.out.printf("clock %.2f GHz (median; rounds %s), checksum %g%n", g, Arrays.toString(round2(ghz)), sink);
      System.out.println("| matrix | precision | n | separate ns/block/vector | matvecs ns/block/vector | cycles/block/vector"
          + " separate → matvecs | speed-up per vector (median, min–max over rounds) |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (int m = 0; m < sets.length; m++) {
        for (int p = 0; p < 2; p++) {
          if (m == 2 && p == 0) {
            continue;
          }
          for (int i = 0; i < VECTORS.length; i++) {
            double[] a = ns[m][p][i][0];
            double[] b = ns[m][p][i][1];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
              ratio[r] = a[r] / b[r];
            }
            double[] sorted = ratio.clone();
            Arrays.sort(sorted);
            System.out.printf("| %s | %s | %d | %.2f | %.2f | %.1f → %.1f | %.2f× (%.2f–%.2f) |%n", names[m],
                p == 0 ? "exact" : "int8", VECTORS[i], median(a), median(b), median(a) * g, median(b) * g,
                median(ratio), sorted[0], sorted[rounds - 1]);
          }
        }
      }
    }
  }

  /** ns of thread CPU time per block per vector for n vectors: one matvecs call, or n one-token matmuls. */
  private static double time(Kernels k, WeightMatrix[] set, int n, boolean batched, float[] x, float[] out) {
    WeightMatrix w0 = set[0];
    long blocksPerVector = (long) w0.rows() * (w0.cols() / 32);
    int calls = (int) Math.max(4, WORK / (blocksPerVector * n));
    long t0 = MX.getCurrentThreadCpuTime();
    for (int c = 0; c < calls; c++) {
      WeightMatrix w = set[c % set.length];
      if (batched) {
        k.matvecs(w, null, x, 0, n, out, 0);
      } else {
        for (int v = 0; v < n; v++) {
          k.matmul(w, null, x, v * w.cols(), 1, out, v * w.rows());
        }
      }
    }
    return (double) (MX.getCurrentThreadCpuTime() - t0) / ((double) calls * n * blocksPerVector);
  }

  /** Steps of a dependent imul + xor chain (4 cycles each) per ns of thread CPU time. */
  private static double clockGhz() {
    long steps = 200_000_000L;
    long v = 1;
    long t0 = MX.getCurrentThreadCpuTime();
    for (long i = 0; i < steps; i++) {
      v = (v * 0x9E3779B97F4A7C15L) ^ i;
    }
    long t = MX.getCurrentThreadCpuTime() - t0;
    if (v == 42) {
      System.out.print(""); // keeps the chain live
    }
    return 4.0 * steps / t;
  }

  private static double[] round2(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.round(a[i] * 100) / 100.0;
    }
    return r;
  }

  private static double median(double[] a) {
    double[] c = a.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
