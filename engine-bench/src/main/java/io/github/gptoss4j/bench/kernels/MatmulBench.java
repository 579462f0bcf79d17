package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
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

/** Prefill matmuls: one matrix × a block of tokens. GFLOP/s = 2·rows·cols·tokens / time. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MatmulBench {
  /** mlp1: MXFP4 5760×2880 (one expert); qkv: bf16 5120×2880. */
  @Param({"mlp1", "qkv"})
  public String shape;

  @Param({"64", "512"})
  public int tokens;

  @Param({"1", "2"})
  public int threads;

  private Arena arena;
  private Kernels kernels;
  private WeightMatrix w;
  private float[] x;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    arena = Arena.ofShared();
    kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, threads);
    w = switch (shape) {
      case "mlp1" -> Weights.mxfp4(arena, 5760, 2880, 1);
      case "qkv" -> Weights.bf16(arena, 5120, 2880, 1);
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    };
    x = Weights.activations(tokens * w.cols(), 3);
    out = new float[tokens * w.rows()];
  }

  @Benchmark
  public float matmul() {
    kernels.matmul(w, null, x, 0, tokens, out, 0);
    return out[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
    arena.close();
  }
}
