package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenLogprobsTest {

  private static float[] randomLogits(int vocab) {
    Random r = new Random(3);
    float[] l = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      l[i] = (float) (r.nextGaussian() * 4);
    }
    return l;
  }

  @Test
  void knownDistribution() {
    float[] l = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.25)};
    TokenLogprobs lp = TokenLogprobs.of(l, 0, 3, 2, 3);
    assertEquals(2, lp.token());
    assertEquals(Math.log(0.25), lp.logprob(), 1e-6);
    assertEquals(
        List.of(0, 1, 2), lp.top().stream().map(TokenLogprobs.Alternative::token).toList());
    assertEquals(Math.log(0.5), lp.top().get(0).logprob(), 1e-6);
  }

  @Test
  void valuesMatchADirectLogSoftmaxAndSumToOne() {
    float[] l = randomLogits(500);
    double max = Double.NEGATIVE_INFINITY;
    for (float x : l) {
      max = Math.max(max, x);
    }
    double z = 0;
    for (float x : l) {
      z += Math.exp(x - max);
    }
    double logZ = max + Math.log(z);
    double total = 0;
    for (int t = 0; t < l.length; t++) {
      double logprob = TokenLogprobs.of(l, 0, l.length, t, 0).logprob();
      assertEquals(l[t] - logZ, logprob, 1e-6, "token " + t);
      total += Math.exp(logprob);
    }
    assertEquals(1.0, total, 1e-6);
  }

  @Test
  void topAlternativesAreTheMostLikelyInOrder() {
    float[] l = randomLogits(5000);
    int[] expected =
        IntStream.range(0, l.length)
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> -l[i]))
            .limit(20)
            .mapToInt(Integer::intValue)
            .toArray();
    TokenLogprobs lp = TokenLogprobs.of(l, 0, l.length, 17, 20);
    assertArrayEquals(
        expected, lp.top().stream().mapToInt(TokenLogprobs.Alternative::token).toArray());
    for (TokenLogprobs.Alternative a : lp.top()) {
      assertEquals((double) l[a.token()] - l[17] + lp.logprob(), a.logprob(), 1e-9);
    }
    assertEquals(0, TokenLogprobs.of(l, 0, l.length, 17, 0).top().size());
  }

  @Test
  void tiesAreOrderedByIdAndMaskedTokensHaveMinusInfinity() {
    float[] l = {0, 1, Float.NEGATIVE_INFINITY, 1};
    TokenLogprobs lp = TokenLogprobs.of(l, 0, 4, 2, 4);
    assertEquals(Double.NEGATIVE_INFINITY, lp.logprob());
    assertEquals(
        List.of(1, 3, 0, 2), lp.top().stream().map(TokenLogprobs.Alternative::token).toList());
  }

  @Test
  void readsOnlyItsSliceWithoutModifyingIt() {
    float[] row = {Float.NaN, 2, 1, 0, Float.NaN};
    float[] before = row.clone();
    TokenLogprobs lp = TokenLogprobs.of(row, 1, 3, 0, 2);
    assertEquals(0, lp.token());
    assertEquals(2 - (2 + Math.log(1 + Math.exp(-1) + Math.exp(-2))), lp.logprob(), 1e-6);
    assertArrayEquals(before, row);
  }

  @Test
  void badArgumentsAreRejectedByName() {
    float[] l = new float[4];
    assertTrue(message(() -> TokenLogprobs.of(l, 0, 4, 4, 1)).contains("token must be in [0, 4), got 4"));
    assertTrue(message(() -> TokenLogprobs.of(l, 0, 4, 0, 21)).startsWith("logprobs must be in [0, 20]"));
    assertTrue(message(() -> TokenLogprobs.of(l, 1, 4, 0, 1)).contains("outside the array"));
    assertTrue(
        message(() -> TokenLogprobs.of(new float[] {0, Float.NaN}, 0, 2, 0, 1)).contains("token 1 is NaN"));
  }

  @Test
  void topListIsImmutable() {
    TokenLogprobs lp = TokenLogprobs.of(randomLogits(10), 0, 10, 0, 3);
    assertThrows(UnsupportedOperationException.class, () -> lp.top().clear());
    assertEquals(3, Arrays.asList(lp.top().toArray()).size());
  }

  private static String message(Runnable call) {
    return assertThrows(GenerationException.class, call::run).getMessage();
  }
}
