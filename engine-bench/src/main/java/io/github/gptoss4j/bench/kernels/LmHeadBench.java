package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
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

/** The 201088×2880 bf16 unembedding (1.16 GB, read once per decoded token). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class LmHeadBench {
  @Param({"1", "2"})
  public int threads;

  private Arena arena;
  private Kernels kernels;
  private Bf16Matrix w;
  private float[] x;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    arena = Arena.ofShared();
    kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, threads);
    w = Weights.bf16(arena, 201088, 2880, 7);
    x = Weights.activations(2880, 2);
    out = new float[201088];
  }

  @Benchmark
  public float lmHead() {
    kernels.matmul(w, null, x, 0, 1, out, 0);
    return out[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
    arena.close();
  }
}
