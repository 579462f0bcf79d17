package io.github.gptoss4j.harmony;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.tokenizer.AllowedSpecial;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Harmony's rendering tests at the token level: rendered ids must equal harmony's expected text encoded
 * with all special tokens allowed (tiktoken's ids in harmony-public.jsonl for the public cases).
 */
class RenderTokensTest {

  static final HarmonyEncoding HARMONY = HarmonyEncoding.gptOss();
  static final Tokenizer TOKENIZER = HARMONY.tokenizer();

  static int[] encodeAll(String text) {
    return TOKENIZER.encode(text, AllowedSpecial.ALL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.gptoss4j.harmony.Fixtures#harmonyTests")
  void completionMatchesHarmonyTestData(String file, Conversation conversation, boolean autoDrop) {
    int[] ids = HARMONY.renderConversationForCompletion(conversation, Role.ASSISTANT, new RenderConversationConfig(autoDrop));
    String expected = TestData.expected(file);
    assertEquals(expected, TOKENIZER.decode(ids));
    assertArrayEquals(encodeAll(expected), ids);
  }

  static Stream<Arguments> publicCases() {
    return JsonTest.publicCases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publicCases")
  void publicCaseRendersExpectedIds(String name, JsonNode testCase) {
    Conversation conversation = Conversation.fromJson(testCase.get("conversation").toString());
    RenderConversationConfig config = new RenderConversationConfig(testCase.get("auto_drop_analysis").booleanValue());
    int[] ids =
        testCase.get("render").textValue().equals("completion")
            ? HARMONY.renderConversationForCompletion(conversation, Role.ASSISTANT, config)
            : HARMONY.renderConversation(conversation, config);
    int[] expected = new int[testCase.get("expected_ids").size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = testCase.get("expected_ids").get(i).intValue();
    }
    assertArrayEquals(expected, ids);
  }

  @Test
  void keepAnalysisBetweenFinalMessages() {
    int[] ids = HARMONY.renderConversation(Fixtures.analysisBetweenFinals());
    assertEquals(TestData.expected("test_keep_analysis_between_finals.txt"), TOKENIZER.decode(ids));
  }

  @Test
  void constrainInContentTypeStaysASpecialToken() {
    // test_tool_call_with_constrain_tokenized_correctly: rendering a parsed tool call gives back its tokens
    String text = "<|start|>assistant to=functions.get_weather<|channel|>commentary"
        + " <|constrain|>json<|message|>{\"location\": \"Tokyo\"}<|call|>";
    int[] tokens = encodeAll(text);
    List<Message> parsed = HARMONY.parseMessagesFromCompletionTokens(tokens, null);
    assertEquals(
        List.of(Message.of(Role.ASSISTANT, "{\"location\": \"Tokyo\"}")
            .withChannel("commentary").withRecipient("functions.get_weather").withContentType("<|constrain|>json")),
        parsed);
    assertEquals(text, TOKENIZER.decodeStrict(tokens));
    assertArrayEquals(tokens, HARMONY.renderConversation(new Conversation(parsed)));
  }

  @Test
  void renderAndRenderConversationRoundtrip() {
    Message message = Message.of(Role.USER, "Hello");
    Conversation conversation = Conversation.of(message);
    int[] single = HARMONY.renderMessage(message);
    assertArrayEquals(single, HARMONY.renderConversation(conversation));
    int[] completion = HARMONY.renderConversationForCompletion(conversation, Role.ASSISTANT);
    assertArrayEquals(single, Arrays.copyOf(completion, single.length));
  }

  @Test
  void trainingEndsFinalAnswerWithReturn() {
    Conversation conversation =
        Conversation.of(Message.of(Role.USER, "hi"), Message.of(Role.ASSISTANT, "hello").withChannel("final"));
    int[] training = HARMONY.renderConversationForTraining(conversation);
    int[] regular = HARMONY.renderConversation(conversation);
    int last = regular.length - 1;
    assertArrayEquals(Arrays.copyOf(regular, last), Arrays.copyOf(training, last));
    assertEquals(TOKENIZER.specialTokenId("<|end|>"), regular[last]);
    assertEquals(TOKENIZER.specialTokenId("<|return|>"), training[last]);
  }

  @Test
  void trainingLeavesOtherEndingsAlone() {
    Conversation conversation = Conversation.of(Message.of(Role.USER, "hi"));
    assertArrayEquals(HARMONY.renderConversation(conversation), HARMONY.renderConversationForTraining(conversation));
  }

  @Test
  void specialTokenSpellingInTextIsEncodedAsText() {
    int[] ids = HARMONY.renderMessage(Message.of(Role.USER, "<|end|>"));
    assertArrayEquals(TOKENIZER.encodeOrdinary("<|end|>"), Arrays.copyOfRange(ids, 3, ids.length - 1));
  }

  @Test
  void stopTokensAreHarmonys() {
    // <|return|> 200002, <|call|> 200012, <|end|> 200007 (harmony docs/format.md)
    assertArrayEquals(new int[] {200002, 200012, 200007}, HARMONY.stopTokens());
    assertArrayEquals(new int[] {200002, 200012}, HARMONY.stopTokensForAssistantActions());
  }

  @Test
  void textRenderingSpellsOutSpecialTokens() {
    assertEquals(
        TestData.expected("test_simple_convo.txt"),
        HARMONY.renderConversationForCompletionText(Fixtures.simpleConvo(), Role.ASSISTANT, RenderConversationConfig.DEFAULT));
    assertEquals(
        TestData.expected("test_keep_analysis_between_finals.txt"),
        HARMONY.renderConversationText(Fixtures.analysisBetweenFinals(), RenderConversationConfig.DEFAULT));
  }
}
