package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import io.github.gptoss4j.KvType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * One full gpt-oss layer's attention (64 heads, 8 KV heads, head size 64, sinks) at the end of a context of
 * {@code context} positions: one decode query, and a prefill block of 64 queries; bf16 or f32 KV.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class AttentionBench {
  @Param({"128", "4096"})
  public int context;

  @Param({"1", "2"})
  public int threads;

  @Param({"BF16", "F32"})
  public KvType kvType;

  private static final int BLOCK = 64;

  private Arena arena;
  private Kernels kernels;
  private final AttentionShape shape = new AttentionShape(64, 8, 64, 0.125f, 0);
  private KvBuffer kv;
  private float[] q;
  private float[] sinks;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    arena = Arena.ofShared();
    kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, threads);
    long bytes = (long) context * 8 * 64 * kvType.bytes();
    MemorySegment tile = Weights.bf16(arena, 1, 1 << 15, 5).data();
    kv = new KvBuffer(Weights.filled(arena, bytes, tile), Weights.filled(arena, bytes, tile), kvType, context);
    q = Weights.activations(BLOCK * 64 * 64, 6);
    sinks = Weights.activations(64, 7);
    out = new float[BLOCK * 64 * 64];
  }

  @Benchmark
  public float decode() {
    kernels.attention(shape, q, 0, 1, context - 1, kv, sinks, out, 0);
    return out[0];
  }

  @Benchmark
  public float block() {
    kernels.attention(shape, q, 0, BLOCK, context - BLOCK, kv, sinks, out, 0);
    return out[0];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
    arena.close();
  }
}
