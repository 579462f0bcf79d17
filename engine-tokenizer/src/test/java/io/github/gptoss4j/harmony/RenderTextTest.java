package io.github.gptoss4j.harmony;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Ports of the rendering tests of openai/harmony (tests/test_harmony.py, src/tests.rs), compared as text
 * against harmony's own test data; {@link RenderTokensTest} checks the same conversations token by token.
 */
class RenderTextTest {

  static String completion(Conversation conversation) {
    return HarmonyRenderer.text(HarmonyRenderer.forCompletion(conversation, Role.ASSISTANT, true));
  }

  @Test
  void simpleConvo() {
    assertEquals(TestData.expected("test_simple_convo.txt"), completion(Fixtures.simpleConvo()));
  }

  @ParameterizedTest
  @CsvSource({
    "LOW, true, test_simple_convo_low_effort.txt",
    "MEDIUM, true, test_simple_convo_medium_effort.txt",
    "HIGH, true, test_simple_convo_high_effort.txt",
    "LOW, false, test_simple_convo_low_effort_no_instruction.txt",
    "MEDIUM, false, test_simple_convo_medium_effort_no_instruction.txt",
    "HIGH, false, test_simple_convo_high_effort_no_instruction.txt"
  })
  void simpleConvoWithEffort(ReasoningEffort effort, boolean instruction, String file) {
    assertEquals(TestData.expected(file), completion(Fixtures.convoWithEffort(effort, instruction)));
  }

  @Test
  void reasoningSystemMessage() {
    assertEquals(
        TestData.expected("test_reasoning_system_message.txt"),
        completion(Fixtures.reasoningSystemMessage(ReasoningEffort.MEDIUM, "What is 2 + 2?", false)));
  }

  @Test
  void reasoningSystemMessageNoInstruction() {
    assertEquals(
        TestData.expected("test_reasoning_system_message_no_instruction.txt"),
        completion(
            Fixtures.reasoningSystemMessage(
                ReasoningEffort.HIGH, "What is the best place to eat candy in the world?", false)));
  }

  @Test
  void reasoningSystemMessageWithDates() {
    assertEquals(
        TestData.expected("test_reasoning_system_message_with_dates.txt"),
        completion(Fixtures.reasoningSystemMessage(ReasoningEffort.MEDIUM, "What is 42 * pi?", true)));
  }

  @Test
  void renderFunctionsWithParameters() {
    assertEquals(
        TestData.expected("test_render_functions_with_parameters.txt"), completion(Fixtures.functionsWithParameters()));
  }

  @Test
  void noTools() {
    assertEquals(
        TestData.expected("test_no_tools.txt"),
        completion(Fixtures.systemOnly(SystemContent.defaults().withConversationStartDate("2025-06-28"))));
  }

  @Test
  void browserToolOnly() {
    assertEquals(
        TestData.expected("test_browser_tool_only.txt"),
        completion(Fixtures.systemOnly(SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool())));
  }

  @Test
  void browserAndFunctionTool() {
    assertEquals(TestData.expected("test_browser_and_function_tool.txt"), completion(Fixtures.browserAndFunctionTool()));
  }

  @Test
  void browserAndPythonTool() {
    assertEquals(
        TestData.expected("test_browser_and_python_tool.txt"),
        completion(
            Fixtures.systemOnly(
                SystemContent.defaults()
                    .withConversationStartDate("2025-06-28")
                    .withBrowserTool()
                    .withPythonTool())));
  }

  @Test
  void droppingCotByDefault() {
    assertEquals(
        TestData.expected("test_dropping_cot_by_default.txt"),
        completion(Fixtures.cot("User asks: “What is 2 + 2?” Simple arithmetic. Provide answer.")));
  }

  @Test
  void doesNotDropIfOngoingAnalysis() {
    assertEquals(TestData.expected("test_does_not_drop_if_ongoing_analysis.txt"), completion(Fixtures.ongoingAnalysis()));
  }

  @Test
  void preserveCot() {
    Conversation conversation = Fixtures.cot("User asks a simple question: \"What is 2 + 2?\" The answer: 4.");
    assertEquals(
        TestData.expected("test_preserve_cot.txt"),
        HarmonyRenderer.text(HarmonyRenderer.forCompletion(conversation, Role.ASSISTANT, false)));
  }

  @Test
  void keepAnalysisBetweenFinalMessages() {
    assertEquals(
        TestData.expected("test_keep_analysis_between_finals.txt"),
        HarmonyRenderer.text(HarmonyRenderer.conversation(Fixtures.analysisBetweenFinals(), true)));
  }

  @Test
  void toolResponseRendering() {
    Message reply =
        Message.of(new Author(Role.TOOL, "browser.search"), "{\"result\": \"https://openai.com/\"}")
            .withChannel("commentary")
            .withRecipient("assistant");
    assertEquals(
        TestData.expected("test_tool_response_parsing.txt") + "<|end|>",
        HarmonyRenderer.text(HarmonyRenderer.message(reply)));
  }

  @Test
  void authorNameAndRecipientAllAndPlainContentType() {
    Message message =
        Message.of(new Author(Role.USER, "alice"), "hi").withRecipient("all").withContentType("json");
    assertEquals("<|start|>user:alice json<|message|>hi<|end|>", HarmonyRenderer.text(HarmonyRenderer.message(message)));
  }
}
