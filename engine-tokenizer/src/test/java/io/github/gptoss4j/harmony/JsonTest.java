package io.github.gptoss4j.harmony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Harmony's JSON form: the public cases' conversations, round trips and malformed input. */
class JsonTest {

  static Stream<Arguments> publicCases() {
    return TestData.publicCases().stream().map(c -> Arguments.of(c.get("name").textValue(), c));
  }

  static String render(JsonNode testCase) {
    Conversation conversation = Conversation.fromJson(testCase.get("conversation").toString());
    boolean drop = testCase.get("auto_drop_analysis").booleanValue();
    List<Piece> pieces =
        switch (testCase.get("render").textValue()) {
          case "completion" -> HarmonyRenderer.forCompletion(conversation, Role.ASSISTANT, drop);
          case "conversation" -> HarmonyRenderer.conversation(conversation, drop);
          default -> throw new AssertionError("unknown render mode in " + testCase.get("name"));
        };
    return HarmonyRenderer.text(pieces);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publicCases")
  void publicCaseRendersExpectedText(String name, JsonNode testCase) {
    assertEquals(testCase.get("expected_text").textValue(), render(testCase));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publicCases")
  void publicCaseSurvivesJsonRoundTrip(String name, JsonNode testCase) {
    Conversation conversation = Conversation.fromJson(testCase.get("conversation").toString());
    assertEquals(conversation, Conversation.fromJson(conversation.toJson()));
    // Our writer produces exactly the public form (which spells out null system fields).
    assertEquals(testCase.get("conversation"), HarmonyJson.parse(conversation.toJson()));
  }

  @Test
  void builtConversationsMatchTheirJsonForm() {
    JsonNode functions = TestData.publicCases().stream()
        .filter(c -> c.get("name").textValue().equals("test_render_functions_with_parameters"))
        .findFirst().orElseThrow();
    assertEquals(
        Conversation.fromJson(functions.get("conversation").toString()), Fixtures.functionsWithParameters());
  }

  /** Every harmony test conversation (tools, schemas, tool messages) renders the same after a JSON round trip. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.gptoss4j.harmony.Fixtures#harmonyTests")
  void harmonyTestConversationsSurviveJsonRoundTrip(String file, Conversation conversation, boolean autoDrop) {
    Conversation copy = Conversation.fromJson(conversation.toJson());
    assertEquals(conversation, copy);
    assertEquals(
        TestData.expected(file), HarmonyRenderer.text(HarmonyRenderer.forCompletion(copy, Role.ASSISTANT, autoDrop)));
  }

  @Test
  void readsSingleTextContentWrittenAsPlainString() {
    Message message = Message.fromJson("{\"role\": \"user\", \"content\": \"hi\"}");
    assertEquals(Message.of(Role.USER, "hi"), message);
  }

  @Test
  void missingSystemFieldsAreAbsentNotDefaulted() {
    Message message =
        Message.fromJson("{\"role\": \"system\", \"content\": [{\"type\": \"system_content\"}]}");
    SystemContent sys = (SystemContent) message.content().getFirst();
    assertNull(sys.knowledgeCutoff());
    assertNull(sys.channelConfig());
    assertEquals("", HarmonyRenderer.system(sys, false));
  }

  @Test
  void toolAuthorNameRoundTrips() {
    Message reply = Message.of(new Author(Role.TOOL, "functions.f"), "{}").withChannel("commentary");
    String json = reply.toJson();
    assertTrue(json.contains("\"name\":\"functions.f\""), json);
    assertEquals(reply, Message.fromJson(json));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}"
            + "| messages[0].role: unknown role 'robot'",
        "{\"messages\": [{\"content\": \"x\"}]}| messages[0].role: required string is missing",
        "{\"messages\": [{\"role\": \"user\"}]}"
            + "| messages[0].content: expected a string or an array of content parts, got nothing",
        "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\"}]}]}"
            + "| messages[0].content[0].type: unknown content type 'image'",
        "{\"messages\": [{\"role\": \"system\", \"content\": [{\"type\": \"system_content\","
            + " \"reasoning_effort\": \"extreme\"}]}]}"
            + "| messages[0].content[0].reasoning_effort: unknown reasoning_effort 'extreme'",
        "{\"messages\": [{\"role\": \"user\", \"channel\": 3, \"content\": \"x\"}]}"
            + "| messages[0].channel: expected a string, got number",
        "{\"messages\": [{\"role\": \"developer\", \"content\": [{\"type\": \"developer_content\","
            + " \"tools\": {\"functions\": {\"name\": \"functions\", \"tools\": [{\"name\": \"f\"}]}}}]}]}"
            + "| messages[0].content[0].tools.functions.tools[0].description: required string is missing",
        "{\"msgs\": []}| conversation.messages: expected an array of messages, got nothing",
        "[1, 2| not valid JSON"
      })
  void malformedJsonNamesTheField(String json, String expected) {
    HarmonyException e = assertThrows(HarmonyException.class, () -> Conversation.fromJson(json));
    assertTrue(e.getMessage().startsWith(expected.strip()), e.getMessage());
  }

  @Test
  void toolMessageWithoutNameIsRejected() {
    Conversation conversation =
        Conversation.fromJson("{\"messages\": [{\"role\": \"tool\", \"content\": \"{}\"}]}");
    HarmonyException e =
        assertThrows(HarmonyException.class, () -> HarmonyRenderer.conversation(conversation, true));
    assertTrue(e.getMessage().startsWith("messages[0]: a tool message needs an author name"), e.getMessage());
  }

  @Test
  void systemContentOutsideSystemMessageIsRejected() {
    Conversation conversation = Conversation.of(Message.of(Role.USER, SystemContent.defaults()));
    HarmonyException e =
        assertThrows(HarmonyException.class, () -> HarmonyRenderer.conversation(conversation, true));
    assertEquals(
        "messages[0]: system_content may only appear in a system message, found in a user message", e.getMessage());
  }

  @Test
  void developerContentOutsideDeveloperMessageIsRejected() {
    Conversation conversation = Conversation.of(Message.of(Role.SYSTEM, DeveloperContent.empty()));
    HarmonyException e =
        assertThrows(HarmonyException.class, () -> HarmonyRenderer.conversation(conversation, true));
    assertTrue(e.getMessage().contains("developer_content may only appear in a developer message"), e.getMessage());
  }
}
