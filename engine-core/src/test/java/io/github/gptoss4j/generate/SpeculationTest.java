package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Speculative decoding over the real forward pass of the synthetic model: the events (tokens, their
 * log-probabilities, the text) and the stop reason are exactly those without it, greedy or sampled, with
 * processors and stops, over turns of a session; and guesses were actually confirmed, so the identity is not
 * that of a run that never speculated.
 */
class SpeculationTest {
  private static final GptOss model = SynthModel.model();
  private static final Speculation ON = Speculation.promptLookup(6);
  // The synthetic model's logits lie within a few hundredths of each other (its distribution is almost
  // uniform): at this temperature sampled text repeats enough for guesses to be confirmed, and still varies.
  private static final double SPREAD = 0.005;

  private static final List<String> PROMPTS = List.of(
      "Hello",
      "a b c a b c a b c a b c a b c",
      "1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3",
      "def f(x):\n    return x + 1\n\ndef f(x):\n    return x + 1\n",
      "the cat sat on the mat the cat sat on the mat the cat sat on the",
      "Repeat after me: speculative decoding is exact. Repeat after me:",
      "xyz xyz xyz xyz xyz xyz xyz xyz",
      "Tell me a story about a dragon",
      "{\"name\": \"x\", \"name\": \"x\", \"name\": \"x\"}",
      "one two three four five six seven eight nine ten one two three");

  /** A run's events but its {@link Done} (whose timings differ), then its stop reason, and its stats. */
  private record Run(List<GenerationEvent> events, StopReason stop, Stats stats) {}

  private static Run run(ChatSession session, GenerationRequest request) {
    List<GenerationEvent> events = new ArrayList<>();
    Done[] done = new Done[1];
    session.generate(request, e -> {
      if (e instanceof Done d) {
        done[0] = d;
      } else {
        events.add(e);
      }
    });
    return new Run(events, done[0].stopReason(), done[0].stats());
  }

  private static Run run(GenerationRequest request) {
    try (ChatSession session = model.newSession()) {
      return run(session, request);
    }
  }

  private static GenerationRequest.Builder greedy(String user, int maxTokens) {
    return GenerationRequest.builder()
        .user(user)
        .maxTokens(maxTokens)
        .sampling(SamplingOptions.builder().temperature(0).logprobs(3).build());
  }

  /** Runs {@code request} with speculation and without, asserts the same events, and returns the former. */
  private static Run assertSame(GenerationRequest.Builder request, String what) {
    Run plain = run(request.speculation(Speculation.OFF).build());
    Run speculated = run(request.speculation(ON).build());
    assertEquals(plain.events(), speculated.events(), what);
    assertEquals(plain.stop(), speculated.stop(), what);
    assertEquals(plain.stats().generatedTokens(), speculated.stats().generatedTokens(), what);
    assertEquals(0, plain.stats().draftedTokens(), what);
    assertTrue(speculated.stats().acceptedTokens() <= speculated.stats().draftedTokens(), what);
    return speculated;
  }

  @Test
  void greedyTokensAreIdenticalWithAndWithoutSpeculation() {
    int accepted = 0;
    int acceptingPrompts = 0;
    for (String prompt : PROMPTS) {
      Run run = assertSame(greedy(prompt, 40), prompt);
      accepted += run.stats().acceptedTokens();
      acceptingPrompts += run.stats().acceptedTokens() > 0 ? 1 : 0;
    }
    assertTrue(acceptingPrompts >= 3, "guesses were confirmed for " + acceptingPrompts + " prompts, " + accepted + " in all");
  }

  @Test
  void sampledTokensAreThoseOfTheSameSeedWithoutSpeculation() {
    int accepted = 0;
    for (int seed = 0; seed < 12; seed++) {
      String prompt = PROMPTS.get(seed % PROMPTS.size());
      GenerationRequest.Builder request = GenerationRequest.builder()
          .user(prompt)
          .maxTokens(32)
          .sampling(SamplingOptions.builder().temperature(SPREAD).topP(0.95).seed(seed).logprobs(2).build());
      Run first = assertSame(request, "seed " + seed);
      Run again = run(request.speculation(ON).build());
      assertEquals(first.events(), again.events(), "seed " + seed + " again");
      accepted += first.stats().acceptedTokens();
    }
    assertTrue(accepted > 0, "no guess was confirmed while sampling");
  }

  @Test
  void processorsStopsAndLimitsSeeEveryPositionAsWithoutSpeculation() {
    for (String prompt : PROMPTS.subList(1, 5)) {
      assertSame(greedy(prompt, 40).logitBias(13, 2.5).logitBias(200, -5), prompt + " with a logit bias");
      assertSame(greedy(prompt, 40)
          .sampling(SamplingOptions.builder().temperature(0).repetitionPenalty(1.3).presencePenalty(0.4).build()),
          prompt + " with penalties");
      assertSame(greedy(prompt, 40).logitsProcessor(harmony -> (context, logits) -> {
        if (context.generatedCount() % 3 == 2) {
          logits[context.generated(context.generatedCount() - 1)] = Float.NEGATIVE_INFINITY;
        }
      }), prompt + " with a processor reading the context");
      for (int max = 1; max <= 9; max += 4) {
        assertSame(greedy(prompt, max), prompt + " with " + max + " tokens");
      }
    }
    // A stop string met inside a confirmed run of guesses ends it there.
    Run plain = run(greedy(PROMPTS.get(1), 40).build());
    String text = plain.events().stream()
        .filter(e -> e instanceof GenerationEvent.FinalDelta).map(e -> ((GenerationEvent.FinalDelta) e).text())
        .reduce("", String::concat);
    if (text.length() > 6) {
      assertEquals(StopReason.STOP_STRING,
          assertSame(greedy(PROMPTS.get(1), 40).stopString(text.substring(4, 6)), "a stop string").stop());
    }
  }

  @Test
  void laterTurnsReuseTheCacheAsWithoutSpeculation() {
    List<List<Run>> turns = new ArrayList<>();
    for (Speculation speculation : List.of(Speculation.OFF, ON)) {
      List<Run> runs = new ArrayList<>();
      try (ChatSession session = model.newSession()) {
        for (String prompt : PROMPTS.subList(1, 4)) {
          runs.add(run(session, greedy(prompt, 30).speculation(speculation).build()));
        }
      }
      turns.add(runs);
    }
    for (int i = 0; i < turns.get(0).size(); i++) {
      assertEquals(turns.get(0).get(i).events(), turns.get(1).get(i).events(), "turn " + i);
      assertEquals(turns.get(0).get(i).stats().cachedTokens(), turns.get(1).get(i).stats().cachedTokens(), "turn " + i);
    }
  }

  @Test
  void theModelsDefaultAppliesUnlessTheRequestChooses() {
    try (GptOss speculating = GptOss.load(SynthModel.dir(), ModelOptions.builder().speculation(ON).batchSize(1).build());
        ChatSession session = speculating.newSession();
        ChatSession other = speculating.newSession()) {
      Run byDefault = run(session, greedy(PROMPTS.get(1), 30).build());
      Run off = run(other, greedy(PROMPTS.get(1), 30).speculation(Speculation.OFF).build());
      assertEquals(byDefault.events(), off.events());
      assertTrue(byDefault.stats().draftedTokens() > 0);
      assertEquals(0, off.stats().draftedTokens());
      assertEquals(run(greedy(PROMPTS.get(1), 30).build()).events(), byDefault.events(), "unbatched and batched");
    }
  }

  /**
   * The distribution of the tokens sampled with speculation over seeds 0..N against that without it over
   * other seeds: for the first token and for a later one (after guesses were confirmed), a two-sample
   * chi-square test of its distribution, which fails when the two differ (the bound is the 99.9% quantile).
   */
  @Test
  void sampledDistributionMatchesPlainSampling() {
    int n = 150;
    int length = 8;
    List<List<Integer>> speculated = new ArrayList<>();
    List<List<Integer>> plain = new ArrayList<>();
    int accepted = 0;
    for (int i = 0; i < 2 * n; i++) {
      boolean speculating = i < n;
      GenerationRequest request = GenerationRequest.builder()
          .user(PROMPTS.get(2))
          .maxTokens(length)
          .sampling(SamplingOptions.builder().temperature(SPREAD).topK(3).seed(1000 + i).build())
          .speculation(speculating ? ON : Speculation.OFF)
          .build();
      GenerationResult result;
      try (ChatSession session = model.newSession()) {
        result = session.generate(request);
      }
      accepted += result.stats().acceptedTokens();
      (speculating ? speculated : plain).add(result.tokens());
    }
    assertTrue(accepted > 0, "no guess was confirmed while sampling");
    for (int position : new int[] {0, length - 1}) {
      assertSameDistribution(tokensAt(speculated, position), tokensAt(plain, position), "token " + position);
    }
  }

  private static List<Integer> tokensAt(List<List<Integer>> runs, int position) {
    return runs.stream().filter(r -> r.size() > position).map(r -> r.get(position)).toList();
  }

  /** Two-sample chi-square test; values seen fewer than 10 times in all are pooled into one bin. */
  private static void assertSameDistribution(List<Integer> a, List<Integer> b, String what) {
    Map<Integer, int[]> counts = new HashMap<>();
    a.forEach(t -> counts.computeIfAbsent(t, k -> new int[2])[0]++);
    b.forEach(t -> counts.computeIfAbsent(t, k -> new int[2])[1]++);
    List<int[]> bins = new ArrayList<>();
    int[] pooled = new int[2];
    for (int[] c : counts.values()) {
      if (c[0] + c[1] >= 10) {
        bins.add(c);
      } else {
        pooled[0] += c[0];
        pooled[1] += c[1];
      }
    }
    if (pooled[0] + pooled[1] > 0) {
      bins.add(pooled);
    }
    double na = a.size();
    double nb = b.size();
    double chi2 = 0;
    for (int[] c : bins) {
      double total = c[0] + c[1];
      double ea = total * na / (na + nb);
      double eb = total * nb / (na + nb);
      chi2 += (c[0] - ea) * (c[0] - ea) / ea + (c[1] - eb) * (c[1] - eb) / eb;
    }
    int df = bins.size() - 1;
    assertTrue(df >= 1, what + " should vary over seeds");
    // Wilson-Hilferty approximation of the 99.9% quantile of chi-square with df degrees of freedom.
    double z = 3.09;
    double bound = df * Math.pow(1 - 2.0 / (9 * df) + z * Math.sqrt(2.0 / (9 * df)), 3);
    assertTrue(chi2 < bound, what + ": chi-square " + chi2 + " over " + df + " degrees of freedom exceeds " + bound);
  }

  @Test
  void outOfRangeSpeculationIsRefused() {
    assertThrows(GenerationException.class, () -> new Speculation(-1, 3));
    assertThrows(GenerationException.class, () -> new Speculation(Speculation.MAX_DRAFT_TOKENS + 1, 3));
    assertThrows(GenerationException.class, () -> new Speculation(4, 0));
    assertThrows(GenerationException.class, () -> ModelOptions.builder().speculation(null).build());
    assertThrows(GenerationException.class, () -> GenerationRequest.builder().speculation(null));
  }
}
