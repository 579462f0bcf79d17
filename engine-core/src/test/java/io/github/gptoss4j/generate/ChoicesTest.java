package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Several choices of one request share its prompt's KV and are reproducible. */
class ChoicesTest {
  private static final GptOss model = SynthModel.model();

  private static GenerationRequest request(SamplingOptions sampling) {
    return GenerationRequest.builder().user("Write a line of poetry").replyChannel("final").maxTokens(6)
        .sampling(sampling).build();
  }

  private static List<List<Integer>> tokens(List<GenerationResult> results) {
    return results.stream().map(GenerationResult::tokens).toList();
  }

  @Test
  void greedyChoicesAreIdenticalAndEachRunsOnlyThePromptsLastToken() {
    try (ChatSession chat = model.newSession()) {
      List<GenerationResult> choices = chat.generate(request(SamplingOptions.greedy()), 3);
      assertEquals(3, choices.size());
      assertEquals(choices.getFirst().tokens(), choices.get(1).tokens());
      assertEquals(choices.getFirst().tokens(), choices.get(2).tokens());
      for (GenerationResult c : choices) {
        assertEquals(c.stats().promptTokens() - 1, c.stats().cachedTokens());
      }
      // the conversation goes on with choice 0
      assertEquals(2, chat.conversation().size());
      assertEquals(choices.getFirst().messages(), chat.conversation().subList(1, 2));
    }
  }

  @Test
  void seededChoicesDifferAndReplay() {
    GenerationRequest sampled = request(SamplingOptions.builder().temperature(1.2).seed(5).build());
    List<List<Integer>> first;
    try (ChatSession chat = model.newSession()) {
      first = tokens(chat.generate(sampled, 4));
    }
    try (ChatSession chat = model.newSession()) {
      assertEquals(first, tokens(chat.generate(sampled, 4)));
    }
    assertNotEquals(first.get(0), first.get(1));
    try (ChatSession chat = model.newSession()) {
      assertThrows(GenerationException.class, () -> chat.generate(sampled, 0));
    }
  }
}
