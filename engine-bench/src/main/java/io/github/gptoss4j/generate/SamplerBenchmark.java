package io.github.gptoss4j.bench.generate;

import io.github.gptoss4j.generate.Sampler;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.TokenLogprobs;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** Cost of choosing one token from gpt-oss's 201088 logits, per sampling setting. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SamplerBenchmark {
  private static final int VOCAB = 201_088;

  @Param({"greedy", "temperature", "top_k_40", "top_p_0.9", "top_k_40_top_p_0.9_min_p_0.05", "penalties_top_p_0.9"})
  public String setting;

  private final float[][] rows = new float[8][VOCAB];
  private Sampler sampler;
  private int step;

  @Setup
  public void setup() {
    Random r = new Random(1);
    for (float[] row : rows) {
      for (int i = 0; i < VOCAB; i++) {
        row[i] = (float) (r.nextGaussian() * 3);
      }
    }
    SamplingOptions.Builder b = SamplingOptions.builder().seed(1);
    SamplingOptions o = switch (setting) {
      case "greedy" -> SamplingOptions.greedy();
      case "temperature" -> b.build();
      case "top_k_40" -> b.topK(40).build();
      case "top_p_0.9" -> b.topP(0.9).build();
      case "top_k_40_top_p_0.9_min_p_0.05" -> b.topK(40).topP(0.9).minP(0.05).build();
      case "penalties_top_p_0.9" -> b.topP(0.9).repetitionPenalty(1.1).frequencyPenalty(0.2).build();
      default -> throw new IllegalArgumentException(setting);
    };
    sampler = new Sampler(o);
    for (int i = 0; i < 64; i++) {
      sampler.accept(i * 3001);
    }
  }

  @Benchmark
  public int sample() {
    return sampler.sample(rows[step++ & 7], 0, VOCAB);
  }

  @Benchmark
  public TokenLogprobs logprobsTop20() {
    return TokenLogprobs.of(rows[step++ & 7], 0, VOCAB, 5, 20);
  }
}
