package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.testkit.StreamProbe;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.kernels.Q8Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One-thread kernel throughput per CPU-second (thread CPU time, not wall time), with the stream-read probe
 * interleaved in the same rounds. On a machine shared with other work, wall-clock JMH numbers swing by
 * several times; CPU time stays comparable, so the ratios kernel / stream printed here are the ones to
 * trust there. Prints medians of {@code rounds} rounds.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine-bench/target/benchmarks.jar
 * io.github.gptoss4j.bench.kernels.CpuTimeProbe [rounds]}
 */
public final class CpuTimeProbe {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  /** Tokens of the prefill case (one MXFP4 expert × a 512-token block, as MatmulBench). */
  private static final int PREFILL = 512;

  private CpuTimeProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    try (Arena arena = Arena.ofShared();
        Kernels kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, 1);
        Kernels int8 = KernelProvider.create(KernelProvider.Impl.VECTOR, 1, Precision.INT8)) {
      WeightMatrix[] experts = new WeightMatrix[24];
      for (int e = 0; e < experts.length; e++) {
        experts[e] = Weights.mxfp4(arena, 5760, 2880, e);
      }
      WeightMatrix[] dense = new WeightMatrix[4];
      for (int e = 0; e < dense.length; e++) {
        dense[e] = Weights.bf16(arena, 5120, 2880, e);
      }
      WeightMatrix[] q8 = new WeightMatrix[dense.length];
      for (int e = 0; e < dense.length; e++) {
        q8[e] = Q8Matrix.quantize(dense[e], arena);
      }
      MemorySegment big = arena.allocate(512L << 20, 64);
      big.fill((byte) 1);
      float[] x = Weights.activations(2880, 1);
      float[] out = new float[PREFILL * 5760];
      float[] xs = Weights.activations(PREFILL * 2880, 2);
      double[] stream = new double[rounds];
      double[] mxfp4 = new double[rounds];
      double[] bf16 = new double[rounds];
      double[] prefill = new double[rounds];
      double[] mxfp4Int8 = new double[rounds];
      double[] q8Int8 = new double[rounds];
      float sink = 0;
      for (int r = 0; r < rounds + 2; r++) { // the first two rounds warm up
        long t0 = MX.getCurrentThreadCpuTime();
        sink += StreamProbe.sum(big) + StreamProbe.sum(big);
        long t1 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < 48; i++) {
          kernels.matmul(experts[i % experts.length], null, x, 0, 1, out, 0);
        }
        long t2 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < 8; i++) {
          kernels.matmul(dense[i % dense.length], null, x, 0, 1, out, 0);
        }
        long t3 = MX.getCurrentThreadCpuTime();
        kernels.matmul(experts[r % experts.length], null, xs, 0, PREFILL, out, 0);
        long t4 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < 48; i++) {
          int8.matmul(experts[i % experts.length], null, x, 0, 1, out, 0);
        }
        long t5 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < 8; i++) {
          int8.matmul(q8[i % q8.length], null, x, 0, 1, out, 0);
        }
        long t6 = MX.getCurrentThreadCpuTime();
        if (r >= 2) {
          mxfp4Int8[r - 2] = 48.0 * experts[0].byteSize() / (t5 - t4);
          q8Int8[r - 2] = 8.0 * q8[0].byteSize() / (t6 - t5);
          stream[r - 2] = 2.0 * big.byteSize() / (t1 - t0);
          mxfp4[r - 2] = 48.0 * experts[0].byteSize() / (t2 - t1);
          bf16[r - 2] = 8.0 * dense[0].byteSize() / (t3 - t2);
          prefill[r - 2] = 2.0 * 5760 * 2880 * PREFILL / (t4 - t3);
        }
        sink += out[0];
      }
      double s = median(stream);
      double m = median(mxfp4);
      double b = median(bf16);
      System.out.printf("stream %.1f GB/s per CPU-second (checksum %g)%n", s, sink);
      System.out.printf("mxfp4 5760x2880 matvec %.1f GB/s = %.0f%% of stream, %.1f G weights/s%n", m, 100 * m / s,
          m * 1e9 / experts[0].byteSize() * 5760 * 2880 / 1e9);
      System.out.printf("bf16 5120x2880 matvec %.1f GB/s = %.0f%% of stream%n", b, 100 * b / s);
      double mi = median(mxfp4Int8);
      double qi = median(q8Int8);
      System.out.printf("INT8: mxfp4 5760x2880 matvec %.1f GB/s = %.0f%% of stream (%.2fx exact)%n", mi, 100 * mi / s,
          mi / m);
      System.out.printf("INT8: q8 5120x2880 matvec %.1f GB/s = %.0f%% of stream, %.2fx the bf16 tokens/s%n", qi,
          100 * qi / s, qi / q8[0].byteSize() / (b / dense[0].byteSize()));
      System.out.printf("mxfp4 5760x2880 matmul x %d tokens %.1f GFLOP/s%n", PREFILL, median(prefill));
    }
  }

  private static double median(double[] a) {
    double[] c = a.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
