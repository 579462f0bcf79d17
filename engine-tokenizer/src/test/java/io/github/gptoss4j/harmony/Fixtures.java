package io.github.gptoss4j.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The conversations of harmony's rendering tests (tests/test_harmony.py), built with this library's API. */
final class Fixtures {

  private Fixtures() {}

  static final String IDENTITY = "You are ChatGPT, a large language model trained by OpenAI.";

  static Conversation simpleConvo() {
    return Conversation.of(
        Message.of(Role.SYSTEM, SystemContent.defaults().withModelIdentity(IDENTITY)),
        Message.of(Role.USER, "What is 2 + 2?"));
  }

  static Conversation convoWithEffort(ReasoningEffort effort, boolean instruction) {
    List<Message> messages = new ArrayList<>();
    messages.add(
        Message.of(Role.SYSTEM, SystemContent.defaults().withModelIdentity(IDENTITY).withReasoningEffort(effort)));
    if (instruction) {
      messages.add(
          Message.of(
              Role.DEVELOPER,
              DeveloperContent.empty().withInstructions("Answer the user's questions like a robot.")));
    }
    messages.add(Message.of(Role.USER, "What is the capital of the largest country in the world?"));
    return new Conversation(messages);
  }

  static Conversation reasoningSystemMessage(ReasoningEffort effort, String question, boolean dates) {
    SystemContent sys =
        SystemContent.defaults()
            .withModelIdentity(IDENTITY)
            .withReasoningEffort(effort)
            .withRequiredChannels(List.of("analysis", "final"));
    if (dates) {
      sys = sys.withConversationStartDate("2021-01-01").withKnowledgeCutoff("2021-01");
    }
    return Conversation.of(Message.of(Role.SYSTEM, sys), Message.of(Role.USER, question));
  }

  static Conversation functionsWithParameters() {
    SystemContent sys =
        SystemContent.defaults().withReasoningEffort(ReasoningEffort.HIGH).withConversationStartDate("2025-06-28");
    DeveloperContent dev =
        DeveloperContent.empty()
            .withInstructions("Always respond in riddles")
            .withFunctionTools(
                List.of(
                    new ToolDescription("get_location", "Gets the location of the user.", null),
                    new ToolDescription(
                        "get_current_weather",
                        "Gets the current weather in the provided location.",
                        HarmonyJson.parse(
                            """
                            {"type": "object", "properties": {
                              "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                              "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
                             "required": ["location"]}""")),
                    new ToolDescription(
                        "get_multiple_weathers",
                        "Gets the current weather in the provided list of locations.",
                        HarmonyJson.parse(
                            """
                            {"type": "object", "properties": {
                              "locations": {"type": "array", "items": {"type": "string"},
                                "description": "List of city and state, e.g. [\\"San Francisco, CA\\", \\"New York, NY\\"]"},
                              "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
                             "required": ["locations"]}""")),
                    new ToolDescription(
                        "kitchensink",
                        "A function with various complex schemas.",
                        HarmonyJson.parse(
                            """
                            {"description": "params object", "type": "object", "properties": {
                              "string": {"type": "string", "title": "STRING", "description": "A string",
                                "examples": ["hello", "world"]},
                              "string_nullable": {"type": "string", "nullable": true,
                                "description": "A nullable string", "default": "the default"},
                              "string_enum": {"type": "string", "enum": ["a", "b", "c"]},
                              "oneof_string_or_number": {"oneOf": [
                                  {"type": "string", "default": "default_string_in_oneof"},
                                  {"type": "number", "description": "numbers can happen too"}],
                                "description": "a oneof", "default": 20}}}"""))));
    return Conversation.of(
        Message.of(Role.SYSTEM, sys),
        Message.of(Role.DEVELOPER, dev),
        Message.of(Role.USER, "What is the weather like in SF?"));
  }

  static Conversation systemOnly(SystemContent sys) {
    return Conversation.of(Message.of(Role.SYSTEM, sys));
  }

  static Conversation browserAndFunctionTool() {
    return Conversation.of(
        Message.of(Role.SYSTEM, SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool()),
        Message.of(
            Role.DEVELOPER,
            DeveloperContent.empty()
                .withFunctionTools(
                    List.of(
                        new ToolDescription(
                            "lookup_weather",
                            "Use this tool to lookup the weather in a given location. Call it with the parameter"
                                + " 'location', can be any textual description of a location.",
                            HarmonyJson.parse(
                                "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\"}},"
                                    + " \"required\": [\"location\"]}"))))));
  }

  static Conversation cot(String analysis) {
    return Conversation.of(
        Message.of(Role.USER, "What is 2 + 2?"),
        Message.of(Role.ASSISTANT, analysis).withChannel("analysis"),
        Message.of(Role.ASSISTANT, "2 + 2 equals 4.").withChannel("final"),
        Message.of(Role.USER, "What about 9 / 2?"));
  }

  static Conversation ongoingAnalysis() {
    return Conversation.of(
        Message.of(Role.USER, "What is the weather in SF?"),
        Message.of(
                Role.ASSISTANT,
                "User asks: “What is the weather in SF?” We need to use lookup_weather tool.")
            .withChannel("analysis"),
        Message.of(Role.ASSISTANT, "{\"location\": \"San Francisco\"}")
            .withChannel("commentary")
            .withRecipient("functions.lookup_weather")
            .withContentType("<|constrain|>json"),
        Message.of(
            new Author(Role.TOOL, "functions.lookup_weather"), "{\"temperature\": 20, \"description\": \"sunny\"}"));
  }

  static Conversation analysisBetweenFinals() {
    return Conversation.of(
        Message.of(Role.USER, "What is 2 + 2?"),
        Message.of(Role.ASSISTANT, "thinking 2+2").withChannel("analysis"),
        Message.of(Role.ASSISTANT, "4").withChannel("final"),
        Message.of(Role.USER, "What is 3 + 5?"),
        Message.of(Role.ASSISTANT, "thinking 3+5").withChannel("analysis"),
        Message.of(Role.ASSISTANT, "8").withChannel("final"));
  }

  /** (test-data file, conversation, autoDropAnalysis) of every harmony render-for-completion test. */
  static Stream<Arguments> harmonyTests() {
    return Stream.of(
        Arguments.of("test_simple_convo.txt", simpleConvo(), true),
        Arguments.of("test_simple_convo_low_effort.txt", convoWithEffort(ReasoningEffort.LOW, true), true),
        Arguments.of("test_simple_convo_medium_effort.txt", convoWithEffort(ReasoningEffort.MEDIUM, true), true),
        Arguments.of("test_simple_convo_high_effort.txt", convoWithEffort(ReasoningEffort.HIGH, true), true),
        Arguments.of("test_simple_convo_low_effort_no_instruction.txt", convoWithEffort(ReasoningEffort.LOW, false), true),
        Arguments.of("test_simple_convo_medium_effort_no_instruction.txt", convoWithEffort(ReasoningEffort.MEDIUM, false), true),
        Arguments.of("test_simple_convo_high_effort_no_instruction.txt", convoWithEffort(ReasoningEffort.HIGH, false), true),
        Arguments.of("test_reasoning_system_message.txt",
            reasoningSystemMessage(ReasoningEffort.MEDIUM, "What is 2 + 2?", false), true),
        Arguments.of("test_reasoning_system_message_no_instruction.txt",
            reasoningSystemMessage(ReasoningEffort.HIGH, "What is the best place to eat candy in the world?", false), true),
        Arguments.of("test_reasoning_system_message_with_dates.txt",
            reasoningSystemMessage(ReasoningEffort.MEDIUM, "What is 42 * pi?", true), true),
        Arguments.of("test_render_functions_with_parameters.txt", functionsWithParameters(), true),
        Arguments.of("test_no_tools.txt",
            systemOnly(SystemContent.defaults().withConversationStartDate("2025-06-28")), true),
        Arguments.of("test_browser_tool_only.txt",
            systemOnly(SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool()), true),
        Arguments.of("test_browser_and_function_tool.txt", browserAndFunctionTool(), true),
        Arguments.of("test_browser_and_python_tool.txt",
            systemOnly(SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool().withPythonTool()), true),
        Arguments.of("test_dropping_cot_by_default.txt",
            cot("User asks: “What is 2 + 2?” Simple arithmetic. Provide answer."), true),
        Arguments.of("test_does_not_drop_if_ongoing_analysis.txt", ongoingAnalysis(), true),
        Arguments.of("test_preserve_cot.txt",
            cot("User asks a simple question: \"What is 2 + 2?\" The answer: 4."), false));
  }
}
