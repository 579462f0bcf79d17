package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Cancellation, timeout, multi-turn prefix reuse and session misuse, on a scripted model. */
class ChatSessionControlTest {
  private static final String LONG_ANSWER = "<|channel|>final<|message|>" + "blah ".repeat(500) + "<|return|>";

  private static GenerationRequest.Builder greedy(String user) {
    return GenerationRequest.builder().user(user).sampling(SamplingOptions.greedy());
  }

  private static List<Integer> forwardedSince(ScriptedModel script, int from) {
    synchronized (script.forwarded) {
      return List.copyOf(script.forwarded.subList(from, script.forwarded.size()));
    }
  }

  @Test
  void cancelFromAnotherThreadStopsWithinOneToken() throws Exception {
    ScriptedModel script = new ScriptedModel().then(LONG_ANSWER);
    try (ChatSession session = script.model().newSession()) {
      CountDownLatch tenTokens = new CountDownLatch(10);
      CountDownLatch cancelled = new CountDownLatch(1);
      // Each forward pass waits until the canceller has acted once ten tokens were seen, so the bound is exact.
      script.beforeForward = () -> {
        if (tenTokens.getCount() == 0) {
          try {
            cancelled.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      Thread canceller = Thread.ofPlatform().start(() -> {
        try {
          tenTokens.await();
          session.cancel();
          cancelled.countDown();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      AtomicReference<Done> done = new AtomicReference<>();
      session.generate(greedy("Talk").build(), e -> {
        if (e instanceof TokenEvent) {
          tenTokens.countDown();
        } else if (e instanceof Done d) {
          done.set(d);
        }
      });
      canceller.join();
      assertEquals(StopReason.CANCELLED, done.get().stopReason());
      int generated = done.get().stats().generatedTokens();
      assertTrue(generated >= 10 && generated <= 11, "generated " + generated);
    }
  }

  @Test
  void requestSettingsAreRenderedIntoThePrompt() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    GenerationRequest request = greedy("Hi")
        .reasoningEffort(io.github.gptoss4j.harmony.ReasoningEffort.HIGH)
        .instructions("Be brief.")
        .functionTool("lookup", "Looks a word up", "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}}}")
        .python(call -> "")
        .build();
    try (ChatSession session = script.model().newSession()) {
      int promptTokens = session.generate(request).stats().promptTokens();
      String prompt = ScriptedModel.TOKENIZER.decode(
          script.forwarded.stream().limit(promptTokens).mapToInt(i -> i).toArray());
      assertTrue(prompt.startsWith("<|start|>system<|message|>"), prompt);
      assertTrue(prompt.contains("Reasoning: high"), prompt);
      assertTrue(prompt.contains("## python"), prompt);
      assertTrue(prompt.contains("<|start|>developer<|message|># Instructions\n\nBe brief."), prompt);
      assertTrue(prompt.contains("type lookup = (_: {\nword?: string,\n}) => any;"), prompt);
      assertTrue(prompt.endsWith("<|start|>user<|message|>Hi<|end|><|start|>assistant"), prompt);
    }
  }

  @Test
  void generatedTokensFeedThePenalties() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>");
    try (ChatSession session = script.model().newSession()) {
      List<Integer> plain = session.generate(greedy("x").maxTokens(3).build()).tokens();
      assertEquals(List.of(ScriptedModel.id("<|channel|>"), ScriptedModel.id("<|channel|>"), ScriptedModel.id("<|channel|>")), plain);
      // The scripted token has logit 1 and all others 0: a presence penalty of 2 makes it lose once generated.
      GenerationRequest penalized = GenerationRequest.builder().user("x").maxTokens(2)
          .sampling(SamplingOptions.builder().temperature(0).presencePenalty(2).build()).build();
      List<Integer> tokens = session.generate(penalized).tokens();
      assertEquals(ScriptedModel.id("<|channel|>"), tokens.get(0));
      assertEquals(0, tokens.get(1), "the lowest id wins among the equal logits left");
    }
  }

  @Test
  void cancelWithNothingRunningDoesNotAffectTheNextCall() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    try (ChatSession session = script.model().newSession()) {
      session.cancel();
      assertEquals(StopReason.STOP_TOKEN, session.generate(greedy("x").build()).stopReason());
    }
  }

  @Test
  void timeoutStopsGeneration() {
    ScriptedModel script = new ScriptedModel().then(LONG_ANSWER);
    script.nanosPerForward = 5_000_000;
    try (ChatSession session = script.model().newSession()) {
      long t0 = System.nanoTime();
      GenerationResult result = session.generate(greedy("Talk").timeout(Duration.ofMillis(100)).build());
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(StopReason.TIMEOUT, result.stopReason());
      assertTrue(result.stats().generatedTokens() < 100, "generated " + result.stats().generatedTokens());
      assertTrue(millis < 5_000, "took " + millis + " ms");
    }
  }

  @Test
  void nextTurnPrefillsOnlyWhatTheCacheDoesNotHold() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>final<|message|>Hi there!<|return|>")
        .then("<|channel|>final<|message|>Bye.<|return|>");
    try (ChatSession session = script.model().newSession()) {
      GenerationResult first = session.generate(greedy("Hello").build());
      int replyTokens = first.tokens().size();
      int forwardedBefore = script.forwarded.size();

      GenerationResult second = session.generate(greedy("Goodbye").build());
      // The whole first prompt and reply (less its unforwarded <|return|>) render again as they are.
      assertEquals(first.stats().promptTokens() + replyTokens - 1, second.stats().cachedTokens());
      List<Integer> prefilled = forwardedSince(script, forwardedBefore).subList(
          0, second.stats().promptTokens() - second.stats().cachedTokens());
      String text = ScriptedModel.TOKENIZER.decode(prefilled.stream().mapToInt(i -> i).toArray());
      assertEquals("<|end|><|start|>user<|message|>Goodbye<|end|><|start|>assistant", text);
      assertEquals("Bye.", second.finalText());
      assertEquals(4, session.conversation().size());
    }
  }

  @Test
  void earlierReasoningIsDroppedAndTheCacheCutWhereThePromptsPart() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis<|message|>Think hard.<|end|>")
        .then("<|start|>assistant<|channel|>final<|message|>Answer one.<|return|>")
        .then("<|channel|>final<|message|>Answer two.<|return|>");
    try (ChatSession session = script.model().newSession()) {
      GenerationResult first = session.generate(greedy("One?").build());
      int forwardedBefore = script.forwarded.size();
      GenerationResult second = session.generate(greedy("Two?").build());
      // Both prompts go on with "<|channel|>" after "<|start|>assistant"; then analysis vs final.
      assertEquals(first.stats().promptTokens() + 1, second.stats().cachedTokens());
      String text = ScriptedModel.TOKENIZER.decode(forwardedSince(script, forwardedBefore).stream()
          .limit(second.stats().promptTokens() - second.stats().cachedTokens()).mapToInt(i -> i).toArray());
      assertEquals("final<|message|>Answer one.<|end|><|start|>user<|message|>Two?<|end|><|start|>assistant", text);
      // The conversation keeps the reasoning; only its rendering drops it.
      assertEquals("analysis", session.conversation().get(1).channel());
    }
  }

  @Test
  void resetForgetsTheConversation() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    try (ChatSession session = script.model().newSession()) {
      session.generate(greedy("x").build());
      session.reset();
      assertTrue(session.conversation().isEmpty());
      GenerationResult again = session.generate(greedy("x").build());
      assertEquals(again.stats().promptTokens() - 1, again.stats().cachedTokens(), "the cache is still reused");
    }
  }

  @Test
  void aSessionRunsOneGenerationAtATime() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    try (ChatSession session = script.model().newSession()) {
      List<GenerationException> errors = new ArrayList<>();
      session.generate(greedy("x").build(), e -> {
        if (e instanceof TokenEvent && errors.isEmpty()) {
          errors.add(assertThrows(GenerationException.class, () -> session.generate(greedy("y").build())));
        }
      });
      assertTrue(errors.getFirst().getMessage().contains("already generating"), errors.getFirst().getMessage());
      assertEquals(StopReason.STOP_TOKEN, session.generate(greedy("z").build()).stopReason());
    }
  }

  @Test
  void aListenerThatThrowsEndsTheCallAndLeavesTheSessionUsable() {
    ScriptedModel script = new ScriptedModel().then(LONG_ANSWER);
    try (ChatSession session = script.model().newSession()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.generate(greedy("x").build(), ev -> {
        if (ev instanceof TokenEvent) {
          throw new IllegalStateException("listener broke");
        }
      }));
      assertEquals("listener broke", e.getMessage());
      assertEquals(StopReason.LENGTH, session.generate(greedy("y").maxTokens(2).build()).stopReason());
    }
  }

  @Test
  void overflowIsRefusedBeforeAnyForwardPass() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    script.contextLimit = 120;
    try (ChatSession session = script.model().newSession()) {
      GenerationException e =
          assertThrows(GenerationException.class, () -> session.generate(greedy("x").maxTokens(100).build()));
      assertTrue(e.getMessage().contains("exceeds the context limit of 120 tokens"), e.getMessage());
      assertTrue(script.forwarded.isEmpty());
      String longText = "word ".repeat(200);
      e = assertThrows(GenerationException.class, () -> session.generate(greedy(longText).build()));
      assertTrue(e.getMessage().contains("leaves no room for a reply"), e.getMessage());
      assertTrue(script.forwarded.isEmpty());
    }
  }

  @Test
  void stopTokenIdOutsideTheVocabularyIsRefused() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>ok<|return|>");
    try (ChatSession session = script.model().newSession()) {
      GenerationException e = assertThrows(
          GenerationException.class, () -> session.generate(greedy("x").stopTokenId(ScriptedModel.VOCAB).build()));
      assertEquals("stop token id 201088 is outside the vocabulary of 201088 tokens", e.getMessage());
    }
  }

  @Test
  void failingToolHandlerIsReportedWithTheToolName() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis to=python<|message|>print(1)<|call|>")
        .then("<|channel|>final<|message|>ok<|return|>");
    GenerationRequest request = greedy("Run it").python(call -> {
      throw new IllegalStateException("sandbox down");
    }).build();
    try (ChatSession session = script.model().newSession()) {
      GenerationException e = assertThrows(GenerationException.class, () -> session.generate(request));
      assertTrue(e.getMessage().contains("python") && e.getMessage().contains("sandbox down"), e.getMessage());
      // The session is usable afterwards.
      assertEquals("ok", session.generate(greedy("again").build()).finalText());
    }
  }
}
