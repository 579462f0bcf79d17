package io.github.gptoss4j.generate;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Cost of choosing one token from gpt-oss's 201088 logits, per sampling setting: the penalties processor (when
 * on) and the sampler, as the Generator runs them. In the Generator's package because both are internal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SamplerBenchmark {
  private static final int VOCAB = 201_088;

  @Param({"greedy", "temperature", "top_k_40", "top_p_0.9", "top_k_40_top_p_0.9_min_p_0.05", "penalties_top_p_0.9"})
  public String setting;

  private final float[][] rows = new float[8][VOCAB];
  private Sampler sampler;
  private Penalties penalties;
  private final float[] processed = new float[VOCAB];
  private final TokenContext history = new History();
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
    penalties = o.penalizes() ? new Penalties(o) : null;
  }

  @Benchmark
  public int sample() {
    float[] logits = rows[step++ & 7];
    if (penalties == null) {
      return sampler.sample(logits, 0, VOCAB);
    }
    System.arraycopy(logits, 0, processed, 0, VOCAB);
    penalties.process(history, processed);
    return sampler.sample(processed, 0, VOCAB);
  }

  @Benchmark
  public TokenLogprobs logprobsTop20() {
    return TokenLogprobs.of(rows[step++ & 7], 0, VOCAB, 5, 20);
  }

  /** 64 generated tokens spread over the vocabulary, the penalty window's default. */
  private static final class History implements TokenContext {
    @Override
    public int vocabSize() {
      return VOCAB;
    }

    @Override
    public int generatedCount() {
      return SamplingOptions.DEFAULT_PENALTY_WINDOW;
    }

    @Override
    public int generated(int i) {
      return i * 3001;
    }

    @Override
    public int replyLength() {
      return generatedCount();
    }

    @Override
    public int replyToken(int i) {
      return generated(i);
    }

    @Override
    public int remainingTokens() {
      return Integer.MAX_VALUE;
    }
  }
}
