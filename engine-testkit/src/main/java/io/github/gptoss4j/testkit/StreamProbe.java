package io.github.gptoss4j.testkit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stream-read bandwidth: the rate at which {@code threads} threads can sum a buffer much larger than the
 * caches. It is the roof a memory-bound decode step runs against, measured in the same run as the engine.
 */
public final class StreamProbe {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Keeps the sums alive so the reads cannot be optimised away. */
  private static volatile float blackhole;

  /**
   * Untimed full reads before the timed ones: the first two run {@link #sum} in the interpreter and C1 at
   * 1–3 GB/s (measured), so with 5 counted reads the median was the slowest of the three compiled ones.
   */
  static final int WARMUP = 2;

  private StreamProbe() {}

  /**
   * Median bandwidth in GB/s (10^9 bytes per second) of {@code reps} full reads of an off-heap buffer of
   * {@code bytes} bytes split over {@code threads} threads, after {@link #WARMUP} reads that are not counted.
   */
  public static double gbPerSecond(long bytes, int threads, int reps) {
    long chunk = (bytes / threads) & ~255L;
    try (Arena arena = Arena.ofShared();
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      MemorySegment buffer = arena.allocate(chunk * threads, 256);
      buffer.fill((byte) 1);
      List<Callable<Float>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        MemorySegment part = buffer.asSlice(t * chunk, chunk);
        parts.add(() -> sum(part));
      }
      double[] rates = new double[reps];
      float sink = 0;
      for (int r = -WARMUP; r < reps; r++) {
        long start = System.nanoTime();
        for (Future<Float> f : pool.invokeAll(parts)) {
          sink += f.get();
        }
        if (r >= 0) {
          rates[r] = (double) chunk * threads / (System.nanoTime() - start);
        }
      }
      blackhole = sink;
      Arrays.sort(rates);
      return rates[reps / 2];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stream probe interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("stream probe failed", e.getCause());
    }
  }

  /**
   * Sum of a segment read as floats (its size a multiple of four vectors): the read loop of every bandwidth
   * probe. Four independent accumulators keep several loads in flight.
   */
  public static float sum(MemorySegment segment) {
    FloatVector a = FloatVector.zero(F);
    FloatVector b = FloatVector.zero(F);
    FloatVector c = FloatVector.zero(F);
    FloatVector d = FloatVector.zero(F);
    long step = F.vectorByteSize();
    long end = segment.byteSize() - 4 * step;
    ByteOrder le = ByteOrder.LITTLE_ENDIAN;
    long i = 0;
    for (; i <= end; i += 4 * step) {
      a = a.add(FloatVector.fromMemorySegment(F, segment, i, le));
      b = b.add(FloatVector.fromMemorySegment(F, segment, i + step, le));
      c = c.add(FloatVector.fromMemorySegment(F, segment, i + 2 * step, le));
      d = d.add(FloatVector.fromMemorySegment(F, segment, i + 3 * step, le));
    }
    return a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
  }
}
