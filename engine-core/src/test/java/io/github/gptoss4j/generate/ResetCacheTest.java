package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.SystemContent;
import org.junit.jupiter.api.Test;

/**
 * After {@link ChatSession#reset()}, the next prompt still reuses the cached system message, even when the
 * conversation before the reset carried the sliding window far past it (issue 23: {@code /reset} in
 * {@code gptoss chat} sometimes reported 0 cached tokens).
 */
class ResetCacheTest {
  private static final SamplingOptions GREEDY = SamplingOptions.builder().temperature(0).build();

  private static GenerationRequest turn(String user, int maxTokens) {
    return GenerationRequest.builder().user(user).maxTokens(maxTokens).sampling(GREEDY).build();
  }

  @Test
  void aResetConversationReusesTheSystemMessageAfterTheWindowMovedOn() {
    // Blocks of 4 give the sliding layer (window 8) a ring of 11 positions; two turns of 24 tokens move it
    // far past the system message, so only a mark taken there can bring the cache back to it. No shared
    // prefix cache: the session's own cache must do it, and the fresh session below must prefill everything.
    try (GptOss small = GptOss.load(SynthModel.dir(), ModelOptions.builder().prefixCacheBytes(0).build(), 4);
        ChatSession chat = small.newSession()) {
      int system = small.harmony().renderMessage(Message.of(Role.SYSTEM, SystemContent.defaults())).length;
      chat.generate(turn("Hello, who are you?", 24));
      chat.generate(turn("Tell me more.", 24));
      chat.reset();
      GenerationResult afterReset = chat.generate(turn("After reset", 6));
      int cached = afterReset.stats().cachedTokens();
      assertTrue(cached >= system && cached < afterReset.stats().promptTokens(),
          "cached " + cached + " of " + afterReset.stats().promptTokens() + ", system message " + system);

      try (ChatSession fresh = small.newSession()) {
        GenerationResult alone = fresh.generate(turn("After reset", 6));
        assertEquals(0, alone.stats().cachedTokens());
        assertEquals(alone.tokens(), afterReset.tokens(), "the rewound cache holds what a fresh prefill computes");
      }
    }
  }

  @Test
  void aChangedSystemMessageIsPrefilledAgain() {
    try (GptOss small = GptOss.load(SynthModel.dir(), ModelOptions.defaults(), 4);
        ChatSession chat = small.newSession()) {
      chat.generate(turn("Hello, who are you?", 24));
      chat.reset();
      GenerationRequest otherSystem = GenerationRequest.builder().user("After reset").maxTokens(6).sampling(GREEDY)
          .reasoningEffort(ReasoningEffort.HIGH).build();
      GenerationResult afterReset = chat.generate(otherSystem);
      try (ChatSession fresh = small.newSession()) {
        assertEquals(fresh.generate(otherSystem).tokens(), afterReset.tokens());
      }
    }
  }
}
