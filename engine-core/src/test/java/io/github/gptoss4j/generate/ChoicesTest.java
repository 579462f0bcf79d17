package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/** Several choices of one request share its prompt's KV and are reproducible. */
class ChoicesTest {
  private static final GptOss model = SynthModel.model();

  private static GenerationRequest request(SamplingOptions sampling) {
    return GenerationRequest.builder().user("Write a line of poetry").replyChannel("final").maxTokens(6)
        .sampling(sampling).build();
  }

  private static GenerationRequest poem(int maxTokens) {
    return GenerationRequest.builder().user("Write a long poem").replyChannel("final").maxTokens(maxTokens)
        .sampling(SamplingOptions.greedy()).build();
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

  @Test
  void listenedChoicesGetEachChoicesEventsWithItsIndexAndTheTokensOfTheWholeCall() {
    GenerationRequest sampled = request(SamplingOptions.builder().temperature(1.2).seed(5).build());
    List<List<Integer>> whole;
    try (ChatSession chat = model.newSession()) {
      whole = tokens(chat.generate(sampled, 3));
    }
    List<List<Integer>> listened = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
        new CopyOnWriteArrayList<>());
    AtomicReferenceArray<Done> done = new AtomicReferenceArray<>(3);
    try (ChatSession chat = model.newSession()) {
      chat.generate(sampled, 3, (event, i) -> {
        assertEquals(null, done.get(i), "no event after a choice's Done");
        switch (event) {
          case TokenEvent t -> listened.get(i).add(t.token());
          case Done d -> done.set(i, d);
          default -> {}
        }
      });
    }
    assertEquals(whole, listened);
    for (int i = 0; i < 3; i++) {
      assertEquals(whole.get(i).size(), done.get(i).stats().generatedTokens());
    }
  }

  @Test
  void aListenerThatThrowsCancelsTheOtherChoicesAndTheirCopiesAreFreed() {
    GenerationRequest longer = poem(2000);
    try (ChatSession warm = model.newSession()) {
      warm.generate(poem(1)); // the prefix cache holds the prompt's system part from now on
    }
    long before = model.kvCacheBytes();
    RuntimeException gone = new IllegalStateException("the client left");
    AtomicReferenceArray<Done> done = new AtomicReferenceArray<>(3);
    List<Integer> afterCancel = new ArrayList<>();
    int[] choice1Tokens = new int[1];
    try (ChatSession chat = model.newSession()) {
      RuntimeException thrown = assertThrows(RuntimeException.class, () -> chat.generate(longer, 3, (event, i) -> {
        if (i == 1 && event instanceof TokenEvent && ++choice1Tokens[0] == 3) {
          throw gone;
        }
        if (event instanceof Done d) {
          done.set(i, d);
        }
      }));
      assertSame(gone, thrown);
      afterCancel.add(done.get(0).stats().generatedTokens());
      afterCancel.add(done.get(2).stats().generatedTokens());
      assertEquals(StopReason.CANCELLED, done.get(0).stopReason());
      assertEquals(StopReason.CANCELLED, done.get(2).stopReason());
      assertEquals(null, done.get(1), "the failed choice has no Done");
    }
    assertEquals(before, model.kvCacheBytes(), "the choices' caches are freed: " + afterCancel);
  }

  @Test
  void aSeededChoiceKeepsTheRequestButItsSeedItsForcedToolIncluded() {
    GenerationRequest forced = GenerationRequest.builder().user("Weather?")
        .functionTool("get_weather", "Gets the weather", "{\"type\": \"object\"}")
        .toolChoice(ToolChoice.function("get_weather")).sampling(SamplingOptions.builder().seed(7).build()).build();
    GenerationRequest second = forced.forChoice(1);
    assertEquals(forced.toolChoice(), second.toolChoice());
    assertEquals(8, second.sampling().seed().getAsLong());
    assertEquals(forced.messages(), second.messages());
    assertEquals(forced.functionTools(), second.functionTools());
  }
}
