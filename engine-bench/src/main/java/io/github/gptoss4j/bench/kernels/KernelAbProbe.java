package io.github.gptoss4j.bench.kernels;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * Two builds of the kernels, A and B, timed against each other in one JVM: the one-token MXFP4 matvec of one
 * thread, thread CPU time, in the order A B B A per round so that drift and the JIT state weigh on both alike.
 * Each build is loaded by its own class loader from its class path (engine-kernels and engine-base classes or
 * jars), so both are the engine's real code path ({@code Kernels.matmul}, activation layout included), compiled
 * by the same JVM. Cycles per 32-weight block use the clock measured in every round by a dependent
 * {@code imul}+{@code xor} chain (4 cycles per pair on Zen and recent Intel cores). Before timing, both builds'
 * outputs are compared bit for bit (printed, not required: a faster build may round differently).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine-bench/target/classes
 * io.github.gptoss4j.bench.kernels.KernelAbProbe CLASSPATH_A CLASSPATH_B [rounds=7] [rows=64] [EXACT|INT8]}
 * (64 rows × 2880 columns: 98 KB, in L2; 8192 rows: 12.5 MB; 32768 rows: 50 MB, more than a 32 MB L3).
 */
public final class KernelAbProbe {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int COLS = 2880;
  private static final int BLOCKS_PER_ROW = COLS / 32;
  private static volatile long seed = 0x5DEECE66DL;

  private KernelAbProbe() {}

  /** One build's {@code Kernels} (one thread) and the matrix in that build's classes, called reflectively. */
  private record Build(Object kernels, Object matrix, Method matmul) {
    static Build load(String classPath, MemorySegment blocks, MemorySegment scales, int rows, String precision)
        throws ReflectiveOperationException, MalformedURLException {
      String[] parts = classPath.split(File.pathSeparator);
      URL[] urls = new URL[parts.length];
      for (int i = 0; i < parts.length; i++) {
        urls[i] = new File(parts[i]).toURI().toURL();
      }
      ClassLoader cl = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
      Class<?> provider = cl.loadClass("io.github.gptoss4j.kernels.KernelProvider");
      Class<?> impl = cl.loadClass("io.github.gptoss4j.kernels.KernelProvider$Impl");
      Class<?> prec = cl.loadClass("io.github.gptoss4j.Precision");
      Object kernels = provider.getMethod("create", impl, int.class, prec)
          .invoke(null, enumValue(impl, "VECTOR"), 1, enumValue(prec, precision));
      Object matrix = cl.loadClass("io.github.gptoss4j.kernels.Mxfp4Matrix")
          .getConstructor(MemorySegment.class, MemorySegment.class, int.class, int.class)
          .newInstance(blocks, scales, rows, COLS);
      Method matmul = cl.loadClass("io.github.gptoss4j.kernels.Kernels").getMethod("matmul",
          cl.loadClass("io.github.gptoss4j.kernels.WeightMatrix"), float[].class, float[].class, int.class, int.class,
          float[].class, int.class);
      return new Build(kernels, matrix, matmul);
    }

    void matvec(float[] x, float[] out) throws ReflectiveOperationException {
      matmul.invoke(kernels, matrix, null, x, 0, 1, out, 0);
    }

    /** Thread CPU nanoseconds per block over {@code calls} matvecs. */
    double nsPerBlock(float[] x, float[] out, int calls, int rows) throws ReflectiveOperationException {
      long t0 = MX.getCurrentThreadCpuTime();
      for (int i = 0; i < calls; i++) {
        matvec(x, out);
      }
      return (double) (MX.getCurrentThreadCpuTime() - t0) / ((long) calls * rows * BLOCKS_PER_ROW);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int rows = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    String precision = args.length > 4 ? args[4] : "EXACT";
    try (Arena arena = Arena.ofShared()) {
      // Weights' tile generator: random codes, scale bytes 118…123 (as in a checkpoint)
      var m = Weights.mxfp4(arena, rows, COLS, 1);
      Build a = Build.load(args[0], m.blocks(), m.scales(), rows, precision);
      Build b = Build.load(args[1], m.blocks(), m.scales(), rows, precision);
      float[] x = Weights.activations(COLS, 2);
      float[] outA = new float[rows];
      float[] outB = new float[rows];
      a.matvec(x, outA);
      b.matvec(x, outB);
      int differ = 0;
      for (int r = 0; r < rows; r++) {
        differ += Float.floatToRawIntBits(outA[r]) != Float.floatToRawIntBits(outB[r]) ? 1 : 0;
      }
      System.out.printf("%s, %d×%d, %d rows of %d differ in their bits%n", precision, rows, COLS, differ, rows);
      int calls = (int) Math.max(4, 12_000_000L / ((long) rows * BLOCKS_PER_ROW)); // ~0.1 s per timing
      double[] ca = new double[rounds];
      double[] cb = new double[rounds];
      double[] ghz = new double[rounds];
      for (int r = -3; r < rounds; r++) { // three rounds warm up
        double g = ghz();
        double a1 = a.nsPerBlock(x, outA, calls, rows);
        double b1 = b.nsPerBlock(x, outB, calls, rows);
        double b2 = b.nsPerBlock(x, outB, calls, rows);
        double a2 = a.nsPerBlock(x, outA, calls, rows);
        g = (g + ghz()) / 2;
        if (r >= 0) {
          ghz[r] = g;
          ca[r] = (a1 + a2) / 2 * g;
          cb[r] = (b1 + b2) / 2 * g;
          System.out.printf("round %d: %.3f GHz, A %.2f, B %.2f cycles/block (B/A %.3f)%n", r, g, ca[r], cb[r],
              cb[r] / ca[r]);
        }
      }
      System.out.printf("median of %d rounds: clock %.3f GHz; A %.2f (%.2f–%.2f), B %.2f (%.2f–%.2f) cycles/block;"
              + " A %.3f, B %.3f ns/block; B/A %.3f%n", rounds, median(ghz), median(ca), min(ca), max(ca),
          median(cb), min(cb), max(cb), median(ca) / median(ghz), median(cb) / median(ghz),
          median(cb) / median(ca));
    }
  }

  /** Core GHz from 8·n dependent (imul r64, xor) pairs, 4 cycles each, per thread-CPU nanosecond. */
  private static double ghz() {
    int n = 5_000_000;
    long x = seed | 1;
    long m = seed;
    long t0 = MX.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
      x = (x * m) ^ 0xB;
    }
    long t1 = MX.getCurrentThreadCpuTime();
    seed = x;
    return 4.0 * 8 * n / (t1 - t0);
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }
}
