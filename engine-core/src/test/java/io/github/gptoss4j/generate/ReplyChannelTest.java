package io.github.gptoss4j.generate;

import static io.github.gptoss4j.generate.ChatSessionEventsTest.events;
import static io.github.gptoss4j.generate.ChatSessionEventsTest.only;
import static io.github.gptoss4j.generate.ChatSessionEventsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.harmony.Role;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GenerationRequest#replyChannel()}: the prompt opens the reply's message, the model writes its content. */
class ReplyChannelTest {
  private static final GenerationRequest FINAL =
      GenerationRequest.builder().user("Hi").replyChannel("final").sampling(SamplingOptions.greedy()).build();

  @Test
  void promptEndsWithTheOpenedMessageAndTheContentIsTheAnswer() {
    ScriptedModel script = new ScriptedModel().then("Hello there<|return|>");
    try (ChatSession session = script.model().newSession()) {
      List<GenerationEvent> events = events(session, FINAL);

      int[] opening = ScriptedModel.encode("<|start|>assistant<|channel|>final<|message|>");
      // Everything forwarded but the generated tokens (the last one, <|return|>, is never run) is the prompt.
      int generated = only(events, GenerationEvent.TokenEvent.class).size() - 1;
      int[] forwarded = script.forwarded.stream().mapToInt(Integer::intValue).toArray();
      int promptEnd = forwarded.length - generated;
      assertEquals(
          Arrays.toString(opening),
          Arrays.toString(Arrays.copyOfRange(forwarded, promptEnd - opening.length, promptEnd)));
      assertEquals(new MessageStart(Role.ASSISTANT, "final", null), only(events, MessageStart.class).getFirst());
      assertEquals("Hello there", text(events, FinalDelta.class));
      assertEquals("Hello there", session.conversation().getLast().text());
      assertEquals("final", session.conversation().getLast().channel());
    }
  }

  @Test
  void analysisOpeningReportsReasoningAndFollowUpKeepsTheChannel() {
    ScriptedModel script = new ScriptedModel()
        .then("Thinking.<|end|><|start|>assistant<|channel|>final<|message|>Done<|return|>");
    GenerationRequest request = GenerationRequest.builder().user("Hi").replyChannel("analysis")
        .sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      List<GenerationEvent> events = events(session, request);
      assertEquals("Thinking.", text(events, ReasoningDelta.class));
      assertEquals("Done", text(events, FinalDelta.class));
    }
    assertEquals("analysis", request.followUp().build().replyChannel());
  }

  @Test
  void secondTurnReusesTheCacheUpToTheNewUserMessage() {
    ScriptedModel script = new ScriptedModel().then("One<|return|>").then("Two<|return|>");
    try (ChatSession session = script.model().newSession()) {
      events(session, FINAL);
      GenerationEvent.Done done = (GenerationEvent.Done) events(session, FINAL.followUp().user("Again").build()).getLast();
      assertTrue(done.stats().cachedTokens() > 0, "cached tokens: " + done.stats().cachedTokens());
      assertEquals("Two", session.conversation().getLast().text());
    }
  }

  @Test
  void unknownChannelIsRefused() {
    GenerationException e =
        assertThrows(GenerationException.class, () -> GenerationRequest.builder().replyChannel("loud"));
    assertEquals("replyChannel must be analysis, commentary or final, got 'loud'", e.getMessage());
  }
}
