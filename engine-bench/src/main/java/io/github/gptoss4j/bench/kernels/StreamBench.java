package io.github.gptoss4j.bench.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
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
    FloatVector a = FloatVector.zero(F);
    FloatVector b = a;
    FloatVector c = a;
    FloatVector d = a;
    long step = F.vectorByteSize();
    ByteOrder le = ByteOrder.LITTLE_ENDIAN;
    for (long i = 0; i < BYTES; i += 4 * step) {
      a = a.add(FloatVector.fromMemorySegment(F, segment, i, le));
      b = b.add(FloatVector.fromMemorySegment(F, segment, i + step, le));
      c = c.add(FloatVector.fromMemorySegment(F, segment, i + 2 * step, le));
      d = d.add(FloatVector.fromMemorySegment(F, segment, i + 3 * step, le));
    }
    return a.add(b).add(c.add(d)).lane(0);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }
}
