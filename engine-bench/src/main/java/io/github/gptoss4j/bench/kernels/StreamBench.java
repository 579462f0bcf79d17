package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.testkit.StreamProbe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Stream-read bandwidth probe: each JMH thread ({@code -t 1} or {@code -t 2}) sums its own 512 MiB off-heap
 * segment with vector loads. GB/s = 0.537 GB × threads / time per op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class StreamBench {
  private static final long BYTES = 512L << 20;

  private Arena arena;
  private MemorySegment segment;

  @Setup(Level.Trial)
  public void setup() {
    arena = Arena.ofShared();
    segment = arena.allocate(BYTES, 64);
    segment.fill((byte) 1);
  }

  @Benchmark
  public float sum() {
    return StreamProbe.sum(segment);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }
}
