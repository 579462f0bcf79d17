package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared prefix cache: reused instructions give exactly what a cold prefill gives, under any budget. */
class PrefixStoreTest {
  private static final String LONG_INSTRUCTIONS = "You are a careful assistant. ".repeat(40);

  /** What a user of a reply relies on: its tokens and the model's log-probabilities at each of them. */
  record Run(List<TokenEvent> tokens, Stats stats) {}

  private static GenerationRequest request(String instructions, String user) {
    return GenerationRequest.builder()
        .instructions(instructions)
        .user(user)
        .replyChannel("final")
        .maxTokens(5)
        .sampling(SamplingOptions.builder().temperature(0).logprobs(5).build())
        .build();
  }

  private static Run run(GptOss model, GenerationRequest request) {
    List<TokenEvent> tokens = new ArrayList<>();
    Stats[] stats = new Stats[1];
    try (ChatSession session = model.newSession()) {
      session.generate(request, e -> {
        if (e instanceof TokenEvent t) {
          tokens.add(t);
        } else if (e instanceof Done d) {
          stats[0] = d.stats();
        }
      });
    }
    return new Run(tokens, stats[0]);
  }

  private static GptOss load(long prefixCacheBytes) {
    return GptOss.load(SynthModel.dir(), ModelOptions.builder().prefixCacheBytes(prefixCacheBytes).build());
  }

  @Test
  void aNewSessionWithTheSameInstructionsPrefillsOnlyItsNewTokens() {
    try (GptOss cold = load(0); GptOss cached = load(ModelOptions.DEFAULT_PREFIX_CACHE_BYTES)) {
      Run first = run(cached, request(LONG_INSTRUCTIONS, "First question"));
      assertEquals(0, first.stats().cachedTokens());
      assertEquals(1, cached.prefixStore().usage()[0]);
      GenerationRequest second = request(LONG_INSTRUCTIONS, "A different second question");
      Run hit = run(cached, second);
      Run miss = run(cold, second);
      assertEquals(0, miss.stats().cachedTokens());
      int instructions = cached.renderer().render(second, second.messages()).sharedPrefix();
      assertTrue(instructions > 200, "instructions of " + instructions + " tokens");
      assertEquals(instructions, hit.stats().cachedTokens());
      assertEquals(miss.tokens(), hit.tokens(), "a cache hit must give exactly the cold prefill's logits");
    }
  }

  @Test
  void evictionUnderASmallBudgetStaysCorrect() {
    long oneEntry;
    try (GptOss probe = load(ModelOptions.DEFAULT_PREFIX_CACHE_BYTES)) {
      run(probe, request(LONG_INSTRUCTIONS, "q"));
      oneEntry = probe.prefixStore().usage()[1];
    }
    String other = "Answer in French. ".repeat(30);
    try (GptOss cold = load(0); GptOss small = load(oneEntry + oneEntry / 2)) {
      String[] sequence = {LONG_INSTRUCTIONS, other, LONG_INSTRUCTIONS, LONG_INSTRUCTIONS, other};
      // Room for one entry: each new prefix evicts the other, so only the fourth request finds its own.
      boolean[] hit = {false, false, false, true, false};
      for (int i = 0; i < sequence.length; i++) {
        GenerationRequest r = request(sequence[i], "question " + i);
        Run cached = run(small, r);
        assertEquals(run(cold, r).tokens(), cached.tokens(), "request " + i);
        assertEquals(hit[i], cached.stats().cachedTokens() > 200, "request " + i + ": " + cached.stats());
        long[] usage = small.prefixStore().usage();
        assertEquals(1, usage[0], "one entry fits the budget");
        assertTrue(usage[1] <= oneEntry + oneEntry / 2);
      }
    }
  }
}
