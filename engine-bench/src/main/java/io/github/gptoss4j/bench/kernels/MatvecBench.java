package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decode-step matvecs at gpt-oss-20b shapes. Each invocation multiplies the next matrices of a set too large
 * for the caches (24 experts, 4 attention layers, the 1.16 GB unembedding), so weights stream from memory as
 * in a real decode. Bytes per op: see {@link #bytes}; GB/s = bytes / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MatvecBench {

  /** mlp1 (5760×2880, 4 of 24 experts), mlp2 (2880×2880, 4 of 24), qkv (5120×2880), o (2880×4096). */
  @Param({"mlp1", "mlp2", "qkv", "o"})
  public String shape;

  @Param({"vector"})
  public String impl;

  @Param({"1", "2"})
  public int threads;

  private Arena arena;
  private Kernels kernels;
  private WeightMatrix[] set;
  private int perOp;
  private int next;
  private float[] x;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    arena = Arena.ofShared();
    kernels = KernelProvider.create(KernelProvider.Impl.valueOf(impl.toUpperCase()), threads);
    switch (shape) {
      case "mlp1" -> experts(5760, 2880);
      case "mlp2" -> experts(2880, 2880);
      case "qkv" -> dense(5120, 2880);
      case "o" -> dense(2880, 4096);
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    }
    x = Weights.activations(set[0].cols(), 1);
    out = new float[set[0].rows()];
  }

  private void experts(int rows, int cols) {
    set = new WeightMatrix[24];
    for (int e = 0; e < set.length; e++) {
      set[e] = Weights.mxfp4(arena, rows, cols, e);
    }
    perOp = 4;
  }

  private void dense(int rows, int cols) {
    set = new Bf16Matrix[4];
    for (int e = 0; e < set.length; e++) {
      set[e] = Weights.bf16(arena, rows, cols, e);
    }
    perOp = 1;
  }

  /** Weight bytes one invocation reads. */
  public long bytes() {
    return set[0].byteSize() * perOp;
  }

  @Benchmark
  public float matvec() {
    for (int i = 0; i < perOp; i++) {
      kernels.matmul(set[next], null, x, 0, 1, out, 0);
      next = (next + 1) % set.length;
    }
    return out[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println("\nbytes/op " + bytes() + " kernels " + kernels.name() + " threads " + kernels.threads());
    kernels.close();
    arena.close();
  }
}
