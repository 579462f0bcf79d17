package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageEnd;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Event stream, parsing and stop logic, with a scripted model producing known Harmony output. */
class ChatSessionEventsTest {
  private static final GenerationRequest HELLO =
      GenerationRequest.builder().user("Hello").sampling(SamplingOptions.greedy()).build();

  static List<GenerationEvent> events(ChatSession session, GenerationRequest request) {
    List<GenerationEvent> events = new ArrayList<>();
    session.generate(request, events::add);
    return events;
  }

  static <T extends GenerationEvent> List<T> only(List<GenerationEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static String text(List<GenerationEvent> events, Class<? extends GenerationEvent> type) {
    return events.stream()
        .filter(type::isInstance)
        .map(e -> switch (e) {
          case FinalDelta d -> d.text();
          case ReasoningDelta d -> d.text();
          case CommentaryDelta d -> d.text();
          default -> throw new AssertionError(e);
        })
        .collect(Collectors.joining());
  }

  private static Done done(List<GenerationEvent> events) {
    return assertInstanceOf(Done.class, events.getLast());
  }

  @Test
  void reasoningThenFinalAnswerStreamsTypedEventsInOrder() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis<|message|>User greets. Reply briefly.<|end|>")
        .then("<|start|>assistant<|channel|>final<|message|>Hello! How can I help?<|return|>");
    try (ChatSession session = script.model().newSession()) {
      List<GenerationEvent> events = events(session, HELLO);

      List<GenerationEvent> boundaries =
          events.stream().filter(e -> e instanceof MessageStart || e instanceof MessageEnd).toList();
      assertEquals(
          List.of(
              new MessageStart(Role.ASSISTANT, "analysis", null),
              new MessageEnd(Role.ASSISTANT, "analysis", null),
              new MessageStart(Role.ASSISTANT, "final", null),
              new MessageEnd(Role.ASSISTANT, "final", null)),
          boundaries);
      assertEquals("User greets. Reply briefly.", text(events, ReasoningDelta.class));
      assertEquals("Hello! How can I help?", text(events, FinalDelta.class));
      assertTrue(only(events, ReasoningDelta.class).size() > 1, "reasoning arrives token by token");
      int reasoningEnd = events.indexOf(new MessageEnd(Role.ASSISTANT, "analysis", null));
      int firstFinal = events.indexOf(only(events, FinalDelta.class).getFirst());
      assertTrue(reasoningEnd < firstFinal);
      assertEquals(script.script, only(events, TokenEvent.class).stream().map(TokenEvent::token).toList());
      assertNull(only(events, TokenEvent.class).getFirst().logprobs(), "no logprobs unless asked");

      Done done = done(events);
      assertEquals(StopReason.STOP_TOKEN, done.stopReason());
      assertEquals(script.script.size(), done.stats().generatedTokens());
      assertEquals(1, events.stream().filter(Done.class::isInstance).count());
    }
  }

  @Test
  void blockingCallReturnsAnswerReasoningAndParsedMessages() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis<|message|>Think.<|end|>")
        .then("<|start|>assistant<|channel|>final<|message|>Paris.<|return|>");
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(HELLO);
      assertEquals("Paris.", result.finalText());
      assertEquals("Think.", result.reasoning());
      assertEquals(StopReason.STOP_TOKEN, result.stopReason());
      assertEquals(script.script, result.tokens());
      assertEquals(2, result.messages().size());
      assertEquals("final", result.messages().get(1).channel());
      assertEquals("Paris.", result.messages().get(1).text());
      // The conversation now holds the user message and the reply.
      List<Message> conversation = session.conversation();
      assertEquals(3, conversation.size());
      assertEquals(Role.USER, conversation.getFirst().author().role());
      assertEquals(result.messages(), conversation.subList(1, 3));
    }
  }

  @Test
  void functionCallEndsGenerationWithToolCallAndResultContinuesTheConversation() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>commentary<|message|>Checking the weather.<|end|>")
        .then("<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>")
        .then("{\"location\":\"Paris\"}<|call|>")
        .then("<|channel|>final<|message|>It is sunny.<|return|>");
    GenerationRequest ask = GenerationRequest.builder()
        .user("Weather in Paris?")
        .functionTool("get_weather", "Gets the weather",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}")
        .sampling(SamplingOptions.greedy())
        .build();
    try (ChatSession session = script.model().newSession()) {
      List<GenerationEvent> events = events(session, ask);
      assertEquals("Checking the weather.", text(events, CommentaryDelta.class));
      assertEquals("", text(events, FinalDelta.class), "tool arguments are not answer text");
      ToolCall call = only(events, ToolCall.class).getFirst();
      assertEquals(new ToolCall("functions.get_weather", "{\"location\":\"Paris\"}", "<|constrain|>json"), call);
      assertTrue(events.contains(new MessageStart(Role.ASSISTANT, "commentary", "functions.get_weather")));
      assertEquals(StopReason.TOOL_CALL, done(events).stopReason());

      GenerationRequest answer = ask.followUp().toolResult(call, "{\"sunny\":true}").build();
      GenerationResult result = session.generate(answer);
      assertEquals("It is sunny.", result.finalText());
      // Harmony re-renders the call's header as "assistant to=functions.get_weather<|channel|>commentary", not in
      // the model's order, so the cache is reused up to that header: the first prompt and the preamble.
      Stats first = done(events).stats();
      int preamble = ScriptedModel.encode("<|channel|>commentary<|message|>Checking the weather.<|end|><|start|>assistant").length;
      assertEquals(first.promptTokens() + preamble, result.stats().cachedTokens());
      Message toolMessage = session.conversation().get(3);
      assertEquals(Role.TOOL, toolMessage.author().role());
      assertEquals("functions.get_weather", toolMessage.author().name());
      assertEquals("{\"sunny\":true}", toolMessage.text());
      // The second prompt carried the tool's output to the model.
      String sent = ScriptedModel.TOKENIZER.decode(script.forwarded.stream().mapToInt(i -> i).toArray());
      assertTrue(sent.contains("<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{\"sunny\":true}<|end|>"), sent);
    }
  }

  @Test
  void builtInBrowserCallsRunTheHandlerAndGenerationGoesOn() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis to=browser.search <|constrain|>json<|message|>{\"query\":\"gpt-oss\"}<|call|>")
        .then("<|channel|>final<|message|>Found it.<|return|>");
    List<ToolCall> seen = new ArrayList<>();
    GenerationRequest request = GenerationRequest.builder()
        .user("Search gpt-oss")
        .browser(call -> {
          seen.add(call);
          return "[0] gpt-oss: open-weight models";
        })
        .sampling(SamplingOptions.greedy())
        .build();
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(request);
      assertEquals(List.of(new ToolCall("browser.search", "{\"query\":\"gpt-oss\"}", "<|constrain|>json")), seen);
      assertEquals(seen, result.toolCalls());
      assertEquals("Found it.", result.finalText());
      assertEquals(StopReason.STOP_TOKEN, result.stopReason());
      assertEquals(script.script.size(), result.stats().generatedTokens());
      String sent = ScriptedModel.TOKENIZER.decode(script.forwarded.stream().mapToInt(i -> i).toArray());
      assertTrue(sent.contains("# Tools\n\n## browser"), "the system message offers the browser");
      assertTrue(sent.contains("<|start|>browser.search to=assistant<|channel|>commentary<|message|>[0] gpt-oss"), sent);
    }
  }

  @Test
  void textDeltasNeverSplitACharacter() {
    String answer = "Llamas 🦙 say こんにちは — ça va? 𝄞";
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>" + answer + "<|return|>");
    int[] ids = ScriptedModel.encode(answer);
    boolean splitsBytes = false;
    for (int id : ids) {
      splitsBytes |= new String(ScriptedModel.TOKENIZER.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8)
          .contains("\uFFFD");
    }
    assertTrue(splitsBytes, "the text must have a token ending inside a character for this test to mean anything");
    try (ChatSession session = script.model().newSession()) {
      List<FinalDelta> deltas = only(events(session, HELLO), FinalDelta.class);
      StringBuilder all = new StringBuilder();
      for (FinalDelta d : deltas) {
        assertFalse(d.text().contains("\uFFFD"), "delta " + d + " holds a broken character");
        assertFalse(Character.isLowSurrogate(d.text().charAt(0)), "delta starts inside a surrogate pair");
        assertFalse(Character.isHighSurrogate(d.text().charAt(d.text().length() - 1)), "delta ends inside a pair");
        all.append(d.text());
      }
      assertEquals(answer, all.toString());
    }
  }

  @Test
  void stopStringSplitOverTokensIsCutAndEndsGeneration() {
    ScriptedModel script = new ScriptedModel()
        .then("<|channel|>analysis<|message|>I will write END_OF_LIST here too.<|end|>")
        .then("<|start|>assistant<|channel|>final<|message|>one, two, three END_OF_LIST four five<|return|>");
    GenerationRequest request = GenerationRequest.builder()
        .user("Count").stopString("END_OF_LIST").sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      List<GenerationEvent> events = events(session, request);
      assertEquals("one, two, three ", text(events, FinalDelta.class));
      assertEquals("I will write END_OF_LIST here too.", text(events, ReasoningDelta.class), "reasoning is not cut");
      assertEquals(StopReason.STOP_STRING, done(events).stopReason());
      assertTrue(done(events).stats().generatedTokens() < script.script.size());
      assertEquals("one, two, three ", session.conversation().getLast().text());
    }
  }

  @Test
  void heldBackPartialStopStringIsReleasedWhenItDoesNotMatch() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>almost END<|return|>");
    GenerationRequest request = GenerationRequest.builder()
        .user("x").stopString("END_OF_LIST").sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(request);
      assertEquals("almost END", result.finalText());
      assertEquals(StopReason.STOP_TOKEN, result.stopReason());
    }
  }

  @Test
  void maxTokensStopsWithLength() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>" + "word ".repeat(50) + "<|return|>");
    GenerationRequest request = GenerationRequest.builder()
        .user("x").maxTokens(7).sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(request);
      assertEquals(StopReason.LENGTH, result.stopReason());
      assertEquals(7, result.stats().generatedTokens());
      assertEquals(script.script.subList(0, 7), result.tokens());
    }
  }

  @Test
  void extraStopTokenIdEndsGeneration() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>one two three four<|return|>");
    int three = ScriptedModel.encode(" three")[0];
    GenerationRequest request = GenerationRequest.builder()
        .user("x").stopTokenId(three).sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(request);
      assertEquals(StopReason.STOP_TOKEN, result.stopReason());
      assertEquals(three, result.tokens().getLast());
      assertEquals("one two", result.finalText());
    }
  }

  @Test
  void logprobsComeWithEachTokenWhenAsked() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>Hi<|return|>");
    GenerationRequest request = GenerationRequest.builder()
        .user("x").sampling(SamplingOptions.builder().temperature(0).logprobs(3).build()).build();
    try (ChatSession session = script.model().newSession()) {
      List<TokenEvent> tokens = only(events(session, request), TokenEvent.class);
      assertEquals(script.script.size(), tokens.size());
      for (TokenEvent t : tokens) {
        assertEquals(t.token(), t.logprobs().token());
        assertEquals(3, t.logprobs().top().size());
        assertEquals(t.token(), t.logprobs().top().getFirst().token(), "the scripted token is the most likely");
      }
    }
  }

  @Test
  void streamGivesTheSameEventsAsTheListener() {
    ScriptedModel a = new ScriptedModel()
        .then("<|channel|>analysis<|message|>Hmm.<|end|><|start|>assistant<|channel|>final<|message|>Yes.<|return|>");
    ScriptedModel b = new ScriptedModel().then("<|channel|>analysis<|message|>Hmm.<|end|>")
        .then("<|start|>assistant<|channel|>final<|message|>Yes.<|return|>");
    List<GenerationEvent> pushed;
    try (ChatSession session = a.model().newSession()) {
      pushed = events(session, HELLO);
    }
    try (ChatSession session = b.model().newSession(); Stream<GenerationEvent> pulled = session.stream(HELLO)) {
      List<GenerationEvent> list = pulled.toList();
      assertEquals(pushed.size(), list.size());
      assertEquals(pushed.subList(0, pushed.size() - 1), list.subList(0, list.size() - 1));
      assertEquals(done(pushed).stopReason(), done(list).stopReason());
    }
  }

  @Test
  void closingAStreamEarlyCancelsAndFreesTheSession() {
    ScriptedModel script = new ScriptedModel().then("<|channel|>final<|message|>" + "la ".repeat(100) + "<|return|>");
    try (ChatSession session = script.model().newSession()) {
      try (Stream<GenerationEvent> events = session.stream(HELLO)) {
        assertEquals(3, events.filter(TokenEvent.class::isInstance).limit(3).count());
      }
      int served = script.logitsServed.get();
      assertTrue(served < 10, "generation stopped soon after the stream was closed, served " + served);
      // The session is free again, and the cut reply is part of its conversation.
      assertEquals(StopReason.STOP_TOKEN, session.generate(HELLO).stopReason());
    }
  }

  @Test
  void outputThatIsNotHarmonyIsStreamedAsPlainText() {
    // A model with random weights never closes the header: its words still reach the caller.
    ScriptedModel script = new ScriptedModel().then(" colour ".repeat(ReplyParser.MAX_HEADER_TOKENS + 10));
    GenerationRequest request = GenerationRequest.builder()
        .user("x").maxTokens(ReplyParser.MAX_HEADER_TOKENS + 20).sampling(SamplingOptions.greedy()).build();
    try (ChatSession session = script.model().newSession()) {
      GenerationResult result = session.generate(request);
      assertEquals(StopReason.LENGTH, result.stopReason());
      assertEquals(
          ScriptedModel.TOKENIZER.decode(result.tokens().stream().mapToInt(i -> i).toArray()), result.finalText());
      assertEquals("final", result.messages().getFirst().channel());
    }
  }
}
