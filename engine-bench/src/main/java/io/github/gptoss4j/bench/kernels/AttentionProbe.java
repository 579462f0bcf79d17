package io.github.gptoss4j.bench.kernels;

import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.Kernels.AttentionShape;
import io.github.gptoss4j.kernels.Kernels.KvBuffer;
import io.github.gptoss4j.KvType;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One-thread CPU time (thread CPU time, robust on a shared machine) of one full gpt-oss layer's attention:
 * 64 query heads, 8 KV heads, head size 64, sinks, no window; a decode query and a block of 64 queries at the
 * end of a context of 128 and 4096 positions, bf16 and f32 KV; then one decode query over 12 such layers at
 * 4096 positions, each with its own KV buffer (a 20b token's full-attention layers: the KV streams from
 * memory instead of staying in L3). Prints medians of {@code rounds} rounds.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine-bench/target/benchmarks.jar
 * io.github.gptoss4j.bench.kernels.AttentionProbe [rounds]}
 */
public final class AttentionProbe {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final AttentionShape SHAPE = new AttentionShape(64, 8, 64, 0.125f, 0);
  private static final int WIDTH = 64 * 64;

  private AttentionProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    try (Arena arena = Arena.ofShared(); Kernels kernels = KernelProvider.create(KernelProvider.Impl.VECTOR, 1)) {
      float[] q = Weights.activations(64 * WIDTH, 6);
      float[] sinks = Weights.activations(64, 7);
      float[] out = new float[64 * WIDTH];
      for (KvType type : KvType.values()) {
        for (int context : new int[] {128, 4096}) {
          long bytes = (long) context * 8 * 64 * type.bytes();
          KvBuffer kv = new KvBuffer(Weights.filled(arena, bytes, Weights.bf16(arena, 1, 1 << 15, 5).data()),
              Weights.filled(arena, bytes, Weights.bf16(arena, 1, 1 << 15, 8).data()), type, context);
          for (int tokens : new int[] {1, 64}) {
            int calls = Math.max(1, (1 << 18) / context / tokens);
            double[] ms = new double[rounds];
            for (int r = 0; r < rounds + 2; r++) { // the first two rounds warm up
              long t0 = MX.getCurrentThreadCpuTime();
              for (int i = 0; i < calls; i++) {
                kernels.attention(SHAPE, q, 0, tokens, context - tokens, kv, sinks, out, 0);
              }
              long t1 = MX.getCurrentThreadCpuTime();
              if (r >= 2) {
                ms[r - 2] = (t1 - t0) / 1e6 / calls;
              }
            }
            Arrays.sort(ms);
            System.out.printf("%s KV, context %4d, %2d quer%s: %8.3f ms CPU per layer call (checksum %g)%n", type,
                context, tokens, tokens == 1 ? "y " : "ies", ms[rounds / 2], out[0]);
          }
        }
        KvBuffer[] layers = new KvBuffer[12];
        long bytes = 4096L * 8 * 64 * type.bytes();
        for (int l = 0; l < layers.length; l++) {
          layers[l] = new KvBuffer(Weights.filled(arena, bytes, Weights.bf16(arena, 1, 1 << 15, 10 + l).data()),
              Weights.filled(arena, bytes, Weights.bf16(arena, 1, 1 << 15, 30 + l).data()), type, 4096);
        }
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds + 2; r++) {
          long t0 = MX.getCurrentThreadCpuTime();
          for (KvBuffer kv : layers) {
            kernels.attention(SHAPE, q, 0, 1, 4095, kv, sinks, out, 0);
          }
          if (r >= 2) {
            ms[r - 2] = (MX.getCurrentThreadCpuTime() - t0) / 1e6;
          }
        }
        Arrays.sort(ms);
        System.out.printf("%s KV, context 4096, 12 layers, 1 query: %8.3f ms CPU per token (checksum %g)%n", type,
            ms[rounds / 2], out[0]);
      }
    }
  }
}
