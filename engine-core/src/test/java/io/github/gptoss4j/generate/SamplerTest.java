package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {
  /**
   * The Generator's last two stages as it runs them: the penalties processor over the tokens generated so far,
   * then the sampler.
   */
  private static final class Chain {
    private final Sampler sampler;
    private final Penalties penalties;
    private final List<Integer> generated = new ArrayList<>();

    Chain(SamplingOptions options) {
      sampler = new Sampler(options);
      penalties = options.penalizes() ? new Penalties(options) : null;
    }

    void accept(int token) {
      generated.add(token);
    }

    long seed() {
      return sampler.seed();
    }

    int sample(float[] logits, int off, int vocab) {
      if (penalties == null) {
        return sampler.sample(logits, off, vocab);
      }
      Logits.checkSlice(logits, off, vocab);
      float[] processed = Arrays.copyOfRange(logits, off, off + vocab);
      penalties.process(new GeneratedTokens(generated, vocab), processed);
      return sampler.sample(processed, 0, vocab);
    }
  }

  /** A context whose reply is exactly the tokens generated, with no budget limit. */
  private record GeneratedTokens(List<Integer> tokens, int vocabSize) implements TokenContext {
    @Override
    public int generatedCount() {
      return tokens.size();
    }

    @Override
    public int generated(int i) {
      return tokens.get(i);
    }

    @Override
    public int replyLength() {
      return tokens.size();
    }

    @Override
    public int replyToken(int i) {
      return tokens.get(i);
    }

    @Override
    public int remainingTokens() {
      return Integer.MAX_VALUE;
    }
  }
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  /** Chi-square critical values at p = 0.001, by degrees of freedom (index). */
  private static final double[] CHI2_999 = {0, 10.83, 13.82, 16.27, 18.47};

  private static final int DRAWS = 10_000;

  private static SamplingOptions.Builder seeded() {
    return SamplingOptions.builder().seed(1234);
  }

  /** Logits whose softmax is proportional to {@code weights}. */
  private static float[] logitsOf(double... weights) {
    float[] l = new float[weights.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = weights[i] == 0 ? NEG_INF : (float) Math.log(weights[i]);
    }
    return l;
  }

  private static int[] histogram(Chain s, float[] logits, int draws) {
    int[] counts = new int[logits.length];
    for (int i = 0; i < draws; i++) {
      counts[s.sample(logits, 0, logits.length)]++;
    }
    return counts;
  }

  /** Pearson's statistic of {@code counts} against probabilities proportional to {@code expected}. */
  private static double chiSquare(int[] counts, double... expected) {
    double total = Arrays.stream(expected).sum();
    int n = Arrays.stream(counts).sum();
    double stat = 0;
    for (int i = 0; i < counts.length; i++) {
      if (expected[i] == 0) {
        assertEquals(0, counts[i], "token " + i + " has probability 0 but was drawn");
        continue;
      }
      double e = n * expected[i] / total;
      stat += (counts[i] - e) * (counts[i] - e) / e;
    }
    return stat;
  }

  private static void assertFits(int[] counts, int dof, double... expected) {
    double stat = chiSquare(counts, expected);
    assertTrue(stat < CHI2_999[dof], "chi-square " + stat + " for " + Arrays.toString(counts));
  }

  private static int argmax(float[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float[] gaussianLogits(Random r, int vocab, double scale) {
    float[] l = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      l[i] = (float) (r.nextGaussian() * scale);
    }
    return l;
  }

  // ---- greedy and the filters

  @Test
  void greedyIsArgmaxWithLowestIdOnTies() {
    Chain s = new Chain(SamplingOptions.greedy());
    Random r = new Random(1);
    for (int step = 0; step < 20; step++) {
      float[] l = gaussianLogits(r, 1000, 3);
      assertEquals(argmax(l), s.sample(l, 0, l.length));
    }
    assertEquals(1, s.sample(new float[] {1, 3, 3, 2}, 0, 4));
  }

  @Test
  void sampleReadsOnlyItsSliceAndNeverModifiesTheLogits() {
    float[] row = {Float.NaN, 9, 0.5f, 2, 1, 0.25f, Float.POSITIVE_INFINITY};
    float[] before = row.clone();
    assertEquals(1, new Chain(SamplingOptions.greedy()).sample(row, 2, 4));
    Chain s = new Chain(seeded().topK(3).topP(0.9).minP(0.01).repetitionPenalty(1.3).build());
    s.accept(1);
    for (int i = 0; i < 100; i++) {
      int t = s.sample(row, 2, 4);
      assertTrue(t >= 0 && t < 4, "token " + t);
    }
    assertArrayEquals(before, row);
  }

  @Test
  void topKOneIsArgmaxEvenAtHighTemperature() {
    Chain s = new Chain(seeded().temperature(5).topK(1).build());
    float[] l = {0.1f, 0.3f, 0.2f, 0.29f};
    for (int i = 0; i < 500; i++) {
      assertEquals(1, s.sample(l, 0, l.length));
    }
  }

  @Test
  void topKKeepsTheKMostLikelyInProportion() {
    Chain s = new Chain(seeded().topK(2).build());
    int[] counts = histogram(s, logitsOf(1, 3, 2, 2.5, 0.5), DRAWS);
    assertFits(counts, 1, 0, 3, 0, 2.5, 0);
  }

  @Test
  void tinyTopPIsArgmax() {
    Chain s = new Chain(seeded().temperature(3).topP(1e-9).build());
    float[] l = logitsOf(0.2, 0.25, 0.3, 0.25);
    for (int i = 0; i < 500; i++) {
      assertEquals(2, s.sample(l, 0, l.length));
    }
  }

  @Test
  void topPKeepsTheSmallestSetReachingPInProportion() {
    // 0.5 + 0.3 = 0.8 reaches 0.75; 0.5 alone does not.
    Chain s = new Chain(seeded().topP(0.75).build());
    int[] counts = histogram(s, logitsOf(0.05, 0.5, 0.15, 0.3), DRAWS);
    assertFits(counts, 1, 0, 0.5, 0, 0.3);
  }

  @Test
  void topPBreaksTiesByLowestId() {
    Chain s = new Chain(seeded().topP(0.25).build());
    float[] uniform = new float[10];
    int[] counts = histogram(s, uniform, 3000);
    assertFits(counts, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void topPOverALargeVocabularyKeepsExactlyTheNucleus() {
    Random r = new Random(7);
    float[] l = gaussianLogits(r, 10_000, 2.5);
    // Reference nucleus by a full sort, straight from the definition.
    Integer[] order = IntStream.range(0, l.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -l[i]).thenComparingInt(i -> i));
    double max = l[order[0]];
    double z = 0;
    for (float x : l) {
      z += Math.exp(x - max);
    }
    Set<Integer> nucleus = new HashSet<>();
    double cumulative = 0;
    for (int i = 0; cumulative < 0.5 * z; i++) {
      nucleus.add(order[i]);
      cumulative += Math.exp(l[order[i]] - max);
    }
    Chain s = new Chain(seeded().topP(0.5).build());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      int t = s.sample(l, 0, l.length);
      assertTrue(nucleus.contains(t), "token " + t + " is outside the top-p 0.5 nucleus");
      seen.add(t);
    }
    assertTrue(seen.containsAll(List.of(order[0], order[1], order[2])), "top tokens never drawn");
  }

  @Test
  void minPDropsTokensBelowTheFractionOfTheMostLikely() {
    // Threshold 0.25 * 0.5 = 0.125: keeps 0.5, 0.3 and 0.15, drops 0.05.
    Chain s = new Chain(seeded().minP(0.25).build());
    int[] counts = histogram(s, logitsOf(0.15, 0.05, 0.5, 0.3), DRAWS);
    assertFits(counts, 2, 0.15, 0, 0.5, 0.3);
  }

  @Test
  void maskedTokensAreNeverDrawn() {
    Chain s = new Chain(seeded().temperature(10).build());
    int[] counts = histogram(s, new float[] {NEG_INF, 0, NEG_INF, 0}, 2000);
    assertEquals(0, counts[0] + counts[2]);
  }

  // ---- temperature

  @Test
  void temperatureOneFollowsTheSoftmax() {
    int[] counts = histogram(new Chain(seeded().build()), logitsOf(1, 2, 4), DRAWS);
    assertFits(counts, 2, 1, 2, 4);
  }

  @Test
  void temperatureTwoFlattensTheDistribution() {
    // softmax(l / 2) is proportional to sqrt of softmax(l).
    int[] counts =
        histogram(new Chain(seeded().temperature(2).build()), logitsOf(1, 2, 4), DRAWS);
    assertFits(counts, 2, 1, Math.sqrt(2), 2);
    assertTrue(chiSquare(counts, 1, 2, 4) > 100, "indistinguishable from temperature 1");
  }

  @Test
  void temperatureHalfSharpensTheDistribution() {
    int[] counts =
        histogram(new Chain(seeded().temperature(0.5).build()), logitsOf(1, 2, 4), DRAWS);
    assertFits(counts, 2, 1, 4, 16);
  }

  @Test
  void tinyTemperatureIsArgmax() {
    for (double t : new double[] {1e-30, Double.MIN_VALUE}) {
      Chain s = new Chain(seeded().temperature(t).build());
      assertEquals(2, s.sample(new float[] {1, 2, 2.0001f}, 0, 3), "temperature " + t);
    }
  }

  // ---- penalties

  private static int greedyAfter(SamplingOptions.Builder options, float[] logits, int... accepted) {
    Chain s = new Chain(options.temperature(0).build());
    for (int t : accepted) {
      s.accept(t);
    }
    return s.sample(logits, 0, logits.length);
  }

  @Test
  void repetitionPenaltyDividesPositiveLogits() {
    float[] l = {2.0f, 1.5f}; // 2 / 1.5 = 1.33 < 1.5
    assertEquals(0, greedyAfter(seeded().repetitionPenalty(1.5), l));
    assertEquals(1, greedyAfter(seeded().repetitionPenalty(1.5), l, 0));
    assertEquals(0, greedyAfter(seeded().repetitionPenalty(1.5), l, 1));
  }

  @Test
  void repetitionPenaltyMultipliesNegativeLogits() {
    float[] l = {-1.0f, -1.2f}; // -1 * 1.5 = -1.5 < -1.2; dividing would have raised it
    assertEquals(1, greedyAfter(seeded().repetitionPenalty(1.5), l, 0));
  }

  @Test
  void presencePenaltyIsSubtractedOnceWhateverTheCount() {
    assertEquals(1, greedyAfter(seeded().presencePenalty(0.5), new float[] {1.0f, 0.8f}, 0));
    assertEquals(0, greedyAfter(seeded().presencePenalty(0.5), new float[] {1.0f, 0.4f}, 0, 0, 0));
    assertEquals(0, greedyAfter(seeded().presencePenalty(-0.5), new float[] {0.8f, 1.0f}, 0));
  }

  @Test
  void frequencyPenaltyGrowsWithTheCount() {
    float[] l = {1.0f, 0.8f};
    assertEquals(0, greedyAfter(seeded().frequencyPenalty(0.15), l, 0)); // 0.85
    assertEquals(1, greedyAfter(seeded().frequencyPenalty(0.15), l, 0, 0)); // 0.70
  }

  @Test
  void penaltiesOnlySeeTheWindow() {
    float[] l = {2.0f, 1.9f, 0, 0};
    SamplingOptions.Builder o = seeded().repetitionPenalty(10).penaltyWindow(2);
    assertEquals(1, greedyAfter(o, l, 0, 2));
    assertEquals(0, greedyAfter(o, l, 0, 2, 3));
  }

  @Test
  void penaltiesComeBeforeTopK() {
    Chain s = new Chain(seeded().topK(1).repetitionPenalty(2).build());
    s.accept(0);
    float[] l = {2.0f, 1.5f};
    for (int i = 0; i < 100; i++) {
      assertEquals(1, s.sample(l, 0, 2));
    }
  }

  // ---- determinism and seeds

  private static int[] run(SamplingOptions options, long logitsSeed, int steps) {
    Random r = new Random(logitsSeed);
    Chain s = new Chain(options);
    int[] tokens = new int[steps];
    for (int i = 0; i < steps; i++) {
      float[] l = gaussianLogits(r, 2000, 2);
      tokens[i] = s.sample(l, 0, l.length);
      s.accept(tokens[i]);
    }
    return tokens;
  }

  private static final SamplingOptions MIXED =
      SamplingOptions.builder()
          .temperature(0.8)
          .topK(200)
          .topP(0.95)
          .minP(0.01)
          .repetitionPenalty(1.1)
          .frequencyPenalty(0.2)
          .seed(7)
          .build();

  @Test
  void sameSeedAndLogitsGiveTheSameTokens() {
    assertArrayEquals(run(MIXED, 99, 100), run(MIXED, 99, 100));
    assertFalse(
        Arrays.equals(run(MIXED, 99, 100), run(MIXED.toBuilder().seed(8).build(), 99, 100)),
        "the seed has no effect");
  }

  @Test
  void concurrentSessionsGiveTheSameTokensAsSequentialOnes() throws Exception {
    List<int[]> sequential = new ArrayList<>();
    for (int session = 0; session < 6; session++) {
      sequential.add(run(MIXED.toBuilder().seed(session).build(), session, 60));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<int[]>> concurrent = new ArrayList<>();
      for (int session = 0; session < 6; session++) {
        long seed = session;
        concurrent.add(pool.submit(() -> run(MIXED.toBuilder().seed(seed).build(), seed, 60)));
      }
      for (int session = 0; session < 6; session++) {
        assertArrayEquals(sequential.get(session), concurrent.get(session).get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aPickedSeedIsReportedAndReproducesTheRun() {
    SamplingOptions unseeded = MIXED.toBuilder().randomSeed().build();
    Chain first = new Chain(unseeded);
    Chain second = new Chain(unseeded);
    assertNotEquals(first.seed(), second.seed());
    assertEquals(7, new Chain(MIXED).seed());
    int[] reproduced = run(unseeded.toBuilder().seed(first.seed()).build(), 5, 50);
    Random r = new Random(5);
    for (int i = 0; i < 50; i++) {
      float[] l = gaussianLogits(r, 2000, 2);
      int t = first.sample(l, 0, l.length);
      first.accept(t);
      assertEquals(reproduced[i], t, "step " + i);
    }
  }

  // ---- bad input

  @Test
  void nonFiniteLogitsAreRejectedByToken() {
    Chain s = new Chain(seeded().build());
    GenerationException nan =
        assertThrows(GenerationException.class, () -> s.sample(new float[] {0, 1, 2, Float.NaN}, 0, 4));
    assertTrue(nan.getMessage().contains("token 3 is NaN"), nan.getMessage());
    GenerationException inf =
        assertThrows(
            GenerationException.class,
            () -> s.sample(new float[] {Float.POSITIVE_INFINITY, 1}, 0, 2));
    assertTrue(inf.getMessage().contains("token 0 is Infinity"), inf.getMessage());
    GenerationException masked =
        assertThrows(GenerationException.class, () -> s.sample(new float[] {NEG_INF, NEG_INF}, 0, 2));
    assertTrue(masked.getMessage().contains("-Infinity"), masked.getMessage());
  }

  @Test
  void badSlicesAndTokensAreRejected() {
    Chain s = new Chain(seeded().repetitionPenalty(1.2).build());
    float[] l = new float[8];
    assertTrue(
        assertThrows(GenerationException.class, () -> s.sample(l, 4, 5))
            .getMessage()
            .contains("[4, 9) is outside the array of length 8"));
    assertThrows(GenerationException.class, () -> s.sample(l, -1, 2));
    assertTrue(
        assertThrows(GenerationException.class, () -> s.sample(l, 0, 0)).getMessage().contains("vocab"));
    assertThrows(GenerationException.class, () -> s.sample(null, 0, 1));
    assertThrows(GenerationException.class, () -> new Sampler(null));
  }
}
