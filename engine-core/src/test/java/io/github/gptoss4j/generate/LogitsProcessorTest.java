package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The logits-processor chain between the model and the sampler, over the real forward pass. */
class LogitsProcessorTest {
  private static final GptOss model = SynthModel.model();

  private static GenerationRequest.Builder greedy(int maxTokens) {
    return GenerationRequest.builder()
        .user("Say something")
        .replyChannel("final")
        .maxTokens(maxTokens)
        .sampling(SamplingOptions.greedy());
  }

  private static GenerationResult generate(GenerationRequest request) {
    try (ChatSession session = model.newSession()) {
      return session.generate(request);
    }
  }

  @Test
  void aProcessorThatBansATokenKeepsItOutOfTheReply() {
    List<Integer> free = generate(greedy(12).build()).tokens();
    int banned = free.getFirst();
    List<Integer> constrained = generate(greedy(12)
        .logitsProcessor(harmony -> (context, logits) -> logits[banned] = Float.NEGATIVE_INFINITY)
        .build()).tokens();
    assertFalse(constrained.contains(banned), "banned " + banned + " in " + constrained);
    assertNotEquals(free, constrained);
  }

  @Test
  void logitBiasBansAndForcesTokens() {
    int hello = model.harmony().tokenizer().encodeOrdinary(" hello")[0];
    assertEquals(List.of(hello, hello, hello, hello), generate(greedy(4).logitBias(hello, 100).build()).tokens());
    List<Integer> free = generate(greedy(8).build()).tokens();
    List<Integer> biased = generate(greedy(8).logitBias(free.getFirst(), -100).build()).tokens();
    assertNotEquals(free.getFirst(), biased.getFirst());
  }

  @Test
  void logprobsDescribeTheModelNotTheProcessors() {
    int hello = model.harmony().tokenizer().encodeOrdinary(" hello")[0];
    List<TokenEvent> events = new ArrayList<>();
    SamplingOptions logprobs = SamplingOptions.builder().temperature(0).logprobs(1).build();
    try (ChatSession session = model.newSession()) {
      session.generate(greedy(1).sampling(logprobs).logitBias(hello, 100).build(), e -> {
        if (e instanceof TokenEvent t) {
          events.add(t);
        }
      });
    }
    TokenEvent forced = events.getFirst();
    assertEquals(hello, forced.token());
    // Under a +100 bias the token would have probability ~1; the model itself gives it far less.
    assertTrue(forced.logprobs().logprob() < -1, "logprob " + forced.logprobs().logprob());
    assertNotEquals(hello, forced.logprobs().top().getFirst().token());
  }

  @Test
  void processorsSeeTheReplySoFarAndTheBudgetLeft() {
    List<int[]> seen = new ArrayList<>();
    GenerationResult result = generate(greedy(6).logitsProcessor(harmony -> (context, logits) -> {
      int[] reply = new int[context.replyLength()];
      for (int i = 0; i < reply.length; i++) {
        reply[i] = context.replyToken(i);
      }
      seen.add(reply);
      assertEquals(context.generatedCount(), seen.size() - 1);
      assertEquals(harmony.tokenizer().vocabSize(), context.vocabSize());
      assertEquals(6 - context.generatedCount(), context.remainingTokens());
    }).build());
    assertEquals(6, seen.size());
    int[] opening = model.harmony().tokenizer().encode("<|channel|>final<|message|>",
        io.github.gptoss4j.tokenizer.AllowedSpecial.ALL);
    for (int step = 0; step < seen.size(); step++) {
      int[] reply = seen.get(step);
      assertEquals(opening.length + step, reply.length);
      for (int i = 0; i < opening.length; i++) {
        assertEquals(opening[i], reply[i]);
      }
      for (int i = 0; i < step; i++) {
        assertEquals(result.tokens().get(i), reply[opening.length + i]);
      }
    }
  }

  @Test
  void badProcessorsAndBiasesAreRefused() {
    assertThrows(GenerationException.class, () -> greedy(2).logitsProcessor(null));
    assertTrue(assertThrows(GenerationException.class, () -> greedy(2).logitBias(5, 101)).getMessage()
        .contains("[-100, 100]"));
    GenerationRequest outside = greedy(2).logitBias(201_088, 1).build();
    try (ChatSession session = model.newSession()) {
      assertTrue(assertThrows(GenerationException.class, () -> session.generate(outside)).getMessage()
          .contains("logit bias token id 201088 is outside the vocabulary"));
      GenerationRequest nullProcessor = greedy(2).logitsProcessor(harmony -> null).build();
      assertThrows(GenerationException.class, () -> session.generate(nullProcessor));
      // the session survives a refused request
      assertEquals(2, session.generate(greedy(2).build()).tokens().size());
    }
  }
}
