package io.github.gptoss4j.harmony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.tokenizer.AllowedSpecial;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports of harmony's parsing and streaming-parser tests (tests/test_harmony.py, src/tests.rs). */
class ParserTest {

  static final HarmonyEncoding HARMONY = HarmonyEncoding.gptOss();
  static final Tokenizer TOKENIZER = HARMONY.tokenizer();

  static int[] all(String text) {
    return TOKENIZER.encode(text, AllowedSpecial.ALL);
  }

  static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  static StreamableParser feed(Role role, boolean strict, int[] tokens) {
    StreamableParser parser = new StreamableParser(HARMONY, role, strict);
    for (int token : tokens) {
      parser.process(token);
    }
    return parser;
  }

  static Message toolCall(String text) {
    return Message.of(Role.ASSISTANT, text)
        .withChannel("commentary")
        .withRecipient("functions.get_weather")
        .withContentType("<|constrain|>json");
  }

  @Test
  void simpleReasoningResponse() {
    List<Message> messages =
        HARMONY.parseMessagesFromCompletionTokens(TestData.tokens("test_simple_reasoning_response.txt"), Role.ASSISTANT);
    assertEquals(
        List.of(
            Message.of(Role.ASSISTANT, "User asks: \"What is 2 + 2?\" Simple arithmetic. Provide answer.")
                .withChannel("analysis"),
            Message.of(Role.ASSISTANT, "2 + 2 = 4.").withChannel("final")),
        messages);
  }

  @Test
  void simpleToolCall() {
    List<Message> messages =
        HARMONY.parseMessagesFromCompletionTokens(TestData.tokens("test_simple_tool_call.txt"), Role.ASSISTANT);
    assertEquals(
        List.of(
            Message.of(Role.ASSISTANT, "User asks: \"What is the weather in Tokyo?\" We need to use lookup_weather tool.")
                .withChannel("analysis"),
            Message.of(Role.ASSISTANT, "{\"location\": \"Tokyo\"}")
                .withChannel("analysis")
                .withRecipient("lookup_weather")
                .withContentType("code")),
        messages);
  }

  @ParameterizedTest
  @ValueSource(strings = {"<|call|>", "<|end|>"})
  void toolCallWithConstrainMarkerAdjacent(String stop) {
    String text = "<|start|>assistant to=functions.get_weather<|channel|>commentary"
        + "<|constrain|>json<|message|>{\"location\": \"Tokyo\"}" + stop;
    assertEquals(
        List.of(toolCall("{\"location\": \"Tokyo\"}")), HARMONY.parseMessagesFromCompletionTokens(all(text), null));
  }

  @Test
  void toolCallWithChannelBeforeRecipientAndConstrainAdjacent() {
    String text = "<|start|>assistant<|channel|>commentary to=functions.get_weather"
        + "<|constrain|>json<|message|>{\"latitude\":48.8566,\"longitude\":2.3522}<|call|>";
    List<Message> expected = List.of(toolCall("{\"latitude\":48.8566,\"longitude\":2.3522}"));
    assertEquals(expected, HARMONY.parseMessagesFromCompletionTokens(all(text), null));
    // the streamable parser gives the same without an explicit end of stream
    assertEquals(expected, feed(null, true, all(text)).messages());
  }

  @Test
  void toolResponseParsing() {
    Message reply =
        Message.of(new Author(Role.TOOL, "browser.search"), "{\"result\": \"https://openai.com/\"}")
            .withChannel("commentary")
            .withRecipient("assistant");
    int[] rendered = HARMONY.renderMessage(reply);
    int[] withoutEnd = Arrays.copyOf(rendered, rendered.length - 1);
    assertEquals(TestData.expected("test_tool_response_parsing.txt"), TOKENIZER.decodeStrict(withoutEnd));
    assertEquals(List.of(reply), HARMONY.parseMessagesFromCompletionTokens(withoutEnd, null));
  }

  @Test
  void streamableParser() {
    StreamableParser parser = feed(Role.ASSISTANT, true, all(TestData.expected("test_streamable_parser.txt")));
    List<Message> messages = parser.messages();
    assertEquals(3, messages.size());
    assertEquals(
        Message.of(Role.ASSISTANT, "{\"query\": \"current US president July 2025\", \"topn\": 10, \"source\": \"news\"}")
            .withChannel("commentary")
            .withRecipient("browser.search")
            .withContentType("code"),
        messages.get(1));
    assertEquals(new Author(Role.TOOL, "browser.search"), messages.get(2).author());
    assertEquals("assistant", messages.get(2).recipient());
  }

  static final String REFUSAL_TAIL = "<|start|>assistant<|channel|>analysis<|message|>We must refuse<|end|>"
      + "<|start|>assistant<|channel|>final<|message|>I'm sorry, but I can't help with that.<|return|>";

  static Stream<Arguments> missingMessageToken() {
    List<Message> refusalTail = List.of(
        Message.of(Role.ASSISTANT, "We must refuse").withChannel("analysis"),
        Message.of(Role.ASSISTANT, "I'm sorry, but I can't help with that.").withChannel("final"));
    return Stream.of(
        Arguments.of(
            "I must refuse<|end|>" + REFUSAL_TAIL,
            Stream.concat(Stream.of(Message.of(Role.ASSISTANT, "I must refuse")), refusalTail.stream()).toList()),
        Arguments.of(
            "<|channel|>analysis I must refuse<|end|>" + REFUSAL_TAIL,
            Stream.concat(
                Stream.of(Message.of(Role.ASSISTANT, "I must refuse").withChannel("analysis")), refusalTail.stream())
                .toList()),
        Arguments.of(
            "... Let's use the tool.<|end|><|start|>assistant to=functions.get_weather<|channel|>commentary json"
                + "<|message|>{\"location\": \"Tokyo\"}<|call|>",
            List.of(
                Message.of(Role.ASSISTANT, "... Let's use the tool."),
                Message.of(Role.ASSISTANT, "{\"location\": \"Tokyo\"}")
                    .withChannel("commentary")
                    .withRecipient("functions.get_weather")
                    .withContentType("json"))));
  }

  /** test_streamable_parser_missing_message_token{,_other_initial_headers,_tool_call}, lenient mode. */
  @ParameterizedTest
  @MethodSource("missingMessageToken")
  void missingMessageTokenIsRecoveredWhenLenient(String text, List<Message> expected) {
    assertEquals(expected, feed(Role.ASSISTANT, false, all(text)).messages());
  }

  /** The same outputs in strict mode. */
  @ParameterizedTest
  @MethodSource("missingMessageToken")
  void missingMessageTokenIsAnErrorWhenStrict(String text, List<Message> expected) {
    HarmonyException e = assertThrows(HarmonyException.class, () -> feed(Role.ASSISTANT, true, all(text)));
    assertTrue(e.getMessage().startsWith("unexpected tokens remaining in message header"), e.getMessage());
  }

  @Test
  void aConstrainedFinalAnswerHasAContentTypeNotARecipient() {
    int[] tokens = all("<|channel|>final <|constrain|>json<|message|>{\"a\": 1}<|return|>");
    assertEquals(
        List.of(Message.of(Role.ASSISTANT, "{\"a\": 1}").withChannel("final").withContentType("<|constrain|>json")),
        HARMONY.parseMessagesFromCompletionTokens(tokens, Role.ASSISTANT));
  }

  @Test
  void missingMessageTokenRequiresNonStrictMode() {
    int[] tokens = all("<|channel|>commentary Hello<|end|>");
    assertThrows(HarmonyException.class, () -> HARMONY.parseMessagesFromCompletionTokens(tokens, Role.ASSISTANT));
    assertEquals(
        List.of(Message.of(Role.ASSISTANT, "Hello").withChannel("commentary")),
        HARMONY.parseMessagesFromCompletionTokens(tokens, Role.ASSISTANT, false));
  }

  @Test
  void invalidUtf8Decoding() {
    // token 9552 is the bytes [32, 240, 159]: a space and the start of a 4-byte character
    int[] tokens = concat(all("<|start|>assistant<|message|>"), new int[] {9552, 9552}, all("worked<|end|>"));
    assertEquals(List.of(Message.of(Role.ASSISTANT, " \uFFFD \uFFFDworked")), feed(null, true, tokens).messages());
  }

  @Test
  void invalidUtf8DecodingSplitAcrossTokens() {
    int[] tokens = concat(all("<|start|>assistant<|message|>"), new int[] {9552}, TOKENIZER.encodeOrdinary("XY"), all("<|end|>"));
    assertEquals(List.of(Message.of(Role.ASSISTANT, " \uFFFDXY")), feed(null, true, tokens).messages());
  }

  @Test
  void invalidUtf8DecodingMultiByteToken() {
    int[] tokens =
        concat(all("<|start|>assistant<|message|>"), new int[] {9552}, TOKENIZER.encodeOrdinary(" interesting"), all("<|end|>"));
    assertEquals(List.of(Message.of(Role.ASSISTANT, " \uFFFD interesting")), feed(null, true, tokens).messages());
  }

  @Test
  void invalidUtf8DecodingMultiByteTokenNoEosMarker() {
    int[] tokens = concat(
        all("<|start|>assistant<|message|>"), new int[] {9552}, TOKENIZER.encodeOrdinary(" interesting"),
        TOKENIZER.encodeOrdinary(" story"));
    StreamableParser parser = new StreamableParser(HARMONY, null);
    StringBuilder deltas = new StringBuilder();
    for (int token : tokens) {
      parser.process(token);
      if (parser.lastContentDelta() != null) {
        deltas.append(parser.lastContentDelta());
      }
    }
    assertEquals(" \uFFFD interesting story", parser.currentContent());
    assertEquals(" \uFFFD interesting story", deltas.toString());
    parser.process(TOKENIZER.encodeOrdinary("Y")[0]);
    assertEquals("Y", parser.lastContentDelta());
    assertEquals(" \uFFFD interesting storyY", parser.currentContent());
  }

  @Test
  void trickyUtf8Decoding() {
    String tricky = "Hello Müller, Γειά σου, Привет, שלום, مرحبا, नमस्ते, こんにちは, 안녕하세요,"
        + " 你好. Normalized (naïve) vs. decomposed (naïve) characters. "
        + "Some emojis: 😊👋🏾👨‍👩‍👧‍👦🇺🇸.";
    int[] tokens = concat(all("<|start|>assistant<|message|>"), TOKENIZER.encodeOrdinary(tricky), all("<|end|>"));
    StreamableParser parser = new StreamableParser(HARMONY, null);
    StringBuilder deltas = new StringBuilder();
    for (int token : tokens) {
      parser.process(token);
      if (parser.lastContentDelta() != null) {
        deltas.append(parser.lastContentDelta());
      }
    }
    assertEquals(List.of(Message.of(Role.ASSISTANT, tricky)), parser.messages());
    assertEquals(tricky, deltas.toString());
  }

  @Test
  void doesNotLeakBytesBetweenMessages() {
    int[] tokens = concat(
        all("<|start|>assistant<|message|>"), new int[] {9552, 9552}, all("<|end|>"),
        all("<|start|>assistant<|message|>"), all("Hi"), all("<|end|>"));
    List<Message> messages = feed(null, true, tokens).messages();
    assertEquals(2, messages.size());
    assertEquals(Message.of(Role.ASSISTANT, "Hi"), messages.get(1));
  }

  @Test
  void flushesPartialBytesOnEos() {
    StreamableParser parser = feed(null, true, concat(all("<|start|>assistant<|message|>"), new int[] {9552}, all("Hi")));
    parser.processEos();
    assertEquals(List.of(Message.of(Role.ASSISTANT, " \uFFFDHi")), parser.messages());
    assertNull(parser.lastContentDelta());
    assertEquals("", parser.currentContent());
  }

  @Test
  void waitsForMultiTokenUtf8Sequence() {
    StreamableParser parser = feed(null, true, all("<|start|>assistant<|message|>"));
    int[] emoji = TOKENIZER.encodeOrdinary("💖");
    assertTrue(emoji.length >= 2, "expected a multi-token emoji");
    parser.process(emoji[0]);
    assertNull(parser.lastContentDelta());
    assertEquals("", parser.currentContent());
    parser.process(emoji[1]);
    assertEquals("💖", parser.lastContentDelta());
    assertEquals("💖", parser.currentContent());
    for (int token : all("<|end|>")) {
      parser.process(token);
    }
    assertEquals(List.of(Message.of(Role.ASSISTANT, "💖")), parser.messages());
  }

  @Test
  void invalidContentTokenBecomesReplacementAtEos() {
    StreamableParser parser =
        feed(null, true, all("<|start|>assistant<|channel|>analysis<|message|>Practice invalid token handling."));
    parser.process(Integer.MAX_VALUE);
    parser.processEos();
    assertEquals(
        List.of(Message.of(Role.ASSISTANT, "Practice invalid token handling.\uFFFD").withChannel("analysis")),
        parser.messages());
  }

  @Test
  void streamingStateFollowsTheHeader() {
    StreamableParser parser = new StreamableParser(HARMONY, Role.ASSISTANT);
    assertEquals(StreamableParser.State.HEADER, parser.state());
    assertEquals(Role.ASSISTANT, parser.currentRole());
    int[] tokens = all("<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"a\": 1}");
    for (int token : tokens) {
      parser.process(token);
    }
    assertEquals(StreamableParser.State.CONTENT, parser.state());
    assertEquals("commentary", parser.currentChannel());
    assertEquals("functions.get_weather", parser.currentRecipient());
    assertEquals("<|constrain|>json", parser.currentContentType());
    assertEquals("{\"a\": 1}", parser.currentContent());
    parser.process(TOKENIZER.specialTokenId("<|call|>"));
    assertEquals(StreamableParser.State.EXPECT_START, parser.state());
    assertNull(parser.currentRole());
    assertNull(parser.currentChannel());
    assertEquals(tokens.length + 1, parser.tokens().length);
    assertEquals(1, parser.messages().size());
  }

  @Test
  void textBeforeStartIsAnError() {
    HarmonyException e = assertThrows(HarmonyException.class, () -> feed(null, true, all("hello")));
    assertTrue(e.getMessage().contains("while expecting the start token 200006"), e.getMessage());
  }

  @Test
  void endOfOutputInsideHeaderIsAnError() {
    StreamableParser parser = feed(null, true, all("<|start|>assistant<|channel|>final"));
    HarmonyException e = assertThrows(HarmonyException.class, parser::processEos);
    assertTrue(e.getMessage().contains("message header"), e.getMessage());
  }

  @Test
  void unknownRoleWithoutRecipientIsAnError() {
    HarmonyException e = assertThrows(
        HarmonyException.class, () -> feed(null, true, all("<|start|>robot<|message|>hi<|end|>")));
    assertTrue(e.getMessage().startsWith("unknown role 'robot'"), e.getMessage());
  }

  @Test
  void channelMarkerWithoutChannelIsAnError() {
    HarmonyException e = assertThrows(
        HarmonyException.class, () -> feed(null, true, all("<|start|>assistant<|channel|><|message|>hi<|end|>")));
    assertTrue(e.getMessage().contains("no channel name"), e.getMessage());
  }

  @Test
  void renderedAssistantTurnParsesBackToItsMessages() {
    List<Message> turn = List.of(
        Message.of(Role.ASSISTANT, "Need the weather.").withChannel("analysis"),
        toolCall("{\"location\": \"Oslo\"}"));
    int[] rendered = HARMONY.renderConversation(new Conversation(turn));
    // the model's output starts after the prompt's "<|start|>assistant"
    int[] completion = Arrays.copyOfRange(rendered, 2, rendered.length);
    assertEquals(turn, HARMONY.parseMessagesFromCompletionTokens(completion, Role.ASSISTANT));
    assertEquals(turn, HARMONY.parseMessagesFromCompletionTokens(rendered, null));
  }
}
