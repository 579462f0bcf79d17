package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.structured.SchemaException;
import io.github.gptoss4j.structured.Schemas;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Structured output end to end on a random-weight model with the real vocabulary (unconstrained, it never
 * writes a Harmony header or JSON): under every seed the answer parses and validates against its schema with
 * an independent validator, calls address declared functions only, with valid arguments.
 */
class StructuredOutputTest {
  private static final int SEEDS = 6;
  private static final String WEATHER = """
      {"type": "object", "additionalProperties": false, "required": ["city", "unit"],
       "properties": {"city": {"type": "string", "maxLength": 12}, "unit": {"enum": ["celsius", "fahrenheit"]}}}""";
  private static final String TIME = """
      {"type": "object", "additionalProperties": false, "required": ["zone"],
       "properties": {"zone": {"type": "string", "maxLength": 6}}}""";

  private static final GptOss model = SynthModel.model();

  private static GenerationResult generate(GenerationRequest.Builder request, long seed) {
    try (ChatSession session = model.newSession()) {
      return session.generate(request.sampling(SamplingOptions.builder().temperature(1).seed(seed).build()).build());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"person", "bounded array", "enums", "anyOf", "recursive $ref"})
  void everySeedAnswersWithAValidDocumentThatClosesWithinTheBudget(String name) {
    String schema = Schemas.ALL.get(name);
    for (long seed = 0; seed < SEEDS; seed++) {
      GenerationResult result = generate(GenerationRequest.builder().user("Give me the data.").maxTokens(48)
          .replyChannel("final").responseFormat(ResponseFormat.jsonSchema(schema)), seed);
      assertNull(Schemas.problems(schema, result.finalText()), "seed " + seed + ": " + result.finalText());
      assertEquals(StopReason.STOP_TOKEN, result.stopReason(), "closed with <|return|>: " + result.finalText());
      Message answer = result.messages().getLast();
      assertEquals("final", answer.channel());
      assertEquals("<|constrain|>json", answer.contentType());
    }
  }

  @Test
  void withoutAnOpeningTheModelChoosesToReasonFreelyOrAnswerAtOnceOnTheConstrainedFinalChannel() {
    int reasoned = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      GenerationResult result = generate(GenerationRequest.builder().user("Who?").maxTokens(70)
          .responseFormat(ResponseFormat.jsonSchema(Schemas.PERSON)), seed);
      assertNull(Schemas.problems(Schemas.PERSON, result.finalText()), "seed " + seed + ": " + result.finalText());
      List<String> channels = result.messages().stream().map(Message::channel).toList();
      assertTrue(channels.equals(List.of("final")) || channels.equals(List.of("analysis", "final")), channels.toString());
      if (channels.size() == 2) {
        reasoned++;
        assertTrue(!result.reasoning().isEmpty(), "the analysis message is the model's own text");
      }
      assertEquals(StopReason.STOP_TOKEN, result.stopReason());
    }
    assertTrue(reasoned > 0 && reasoned < SEEDS, "the model chose each way under some seed: " + reasoned);
  }

  @Test
  void jsonObjectFormatGivesAnObject() {
    for (long seed = 0; seed < SEEDS; seed++) {
      GenerationResult result = generate(GenerationRequest.builder().user("Any JSON").maxTokens(30)
          .replyChannel("final").responseFormat(ResponseFormat.json()), seed);
      assertNull(Schemas.problems("{\"type\": \"object\"}", result.finalText()), result.finalText());
    }
  }

  @Test
  void theSameSeedGivesTheSameConstrainedTokens() {
    GenerationRequest.Builder request = GenerationRequest.builder().user("Data").maxTokens(40)
        .replyChannel("final").responseFormat(ResponseFormat.jsonSchema(Schemas.ANY_OF));
    assertEquals(generate(request, 5).tokens(), generate(request, 5).tokens());
  }

  @Test
  void theResponseFormatIsDeclaredInTheDeveloperMessageAndOpensTheAnswer() {
    GenerationRequest request = GenerationRequest.builder().instructions("Be terse.").user("Hi")
        .replyChannel("final").responseFormat(ResponseFormat.jsonSchema("{\"type\":\"integer\"}")).build();
    PromptRenderer renderer = new PromptRenderer(model.harmony(), 4096, "test");
    String prompt = model.harmony().tokenizer().decode(renderer.render(request, request.messages()).tokens());
    assertTrue(prompt.contains("<|start|>developer<|message|># Instructions\n\nBe terse.\n\n# Response Formats\n\n"
        + "## response\n\n{\"type\":\"integer\"}<|end|>"), prompt);
    assertTrue(prompt.endsWith("<|start|>assistant<|channel|>final <|constrain|>json<|message|>"), prompt);
  }

  @Test
  void requiredToolChoiceMakesTheFirstAnswerACallWithValidArguments() {
    for (long seed = 0; seed < SEEDS; seed++) {
      GenerationResult result = generate(tools().user("Weather in Oslo?").maxTokens(60)
          .toolChoice(ToolChoice.required()), seed);
      assertEquals(StopReason.TOOL_CALL, result.stopReason(), "seed " + seed);
      assertEquals(1, result.toolCalls().size());
      ToolCall call = result.toolCalls().getFirst();
      assertTrue(Set.of("functions.get_weather", "functions.get_time").contains(call.recipient()), call.recipient());
      String schema = call.recipient().endsWith("weather") ? WEATHER : TIME;
      assertNull(Schemas.problems(schema, call.arguments()), call.arguments());
      assertEquals(call.arguments().isEmpty(), false);
      assertTrue(call.parsedArguments().isObject());
      List<String> channels = result.messages().stream().map(Message::channel).toList();
      assertEquals("commentary", channels.getLast(), "no final answer before the call: " + channels);
    }
  }

  @Test
  void aNamedToolChoiceCallsThatFunction() {
    for (long seed = 0; seed < SEEDS; seed++) {
      GenerationResult result = generate(tools().user("Time?").maxTokens(50)
          .toolChoice(ToolChoice.function("get_time")), seed);
      ToolCall call = result.toolCalls().getFirst();
      assertEquals("functions.get_time", call.recipient());
      assertNull(Schemas.problems(TIME, call.arguments()), call.arguments());
    }
  }

  @Test
  void autoToolChoiceEitherAnswersOrCallsADeclaredFunctionValidly() {
    for (long seed = 0; seed < 2 * SEEDS; seed++) {
      GenerationResult result = generate(tools().user("Hm").maxTokens(60).toolChoice(ToolChoice.auto())
          .responseFormat(ResponseFormat.jsonSchema(Schemas.ENUMS)), seed);
      if (result.stopReason() == StopReason.TOOL_CALL) {
        ToolCall call = result.toolCalls().getFirst();
        String schema = call.recipient().equals("functions.get_weather") ? WEATHER : TIME;
        assertTrue(Set.of("functions.get_weather", "functions.get_time").contains(call.recipient()), call.recipient());
        assertNull(Schemas.problems(schema, call.arguments()), call.arguments());
      } else {
        assertNull(Schemas.problems(Schemas.ENUMS, result.finalText()), result.finalText());
      }
    }
  }

  @Test
  void badChoicesAndSchemasAreRefusedWhenTheRequestIsBuilt() {
    GenerationException undeclared = assertThrows(GenerationException.class,
        () -> tools().user("x").toolChoice(ToolChoice.function("get_mood")).build());
    assertTrue(undeclared.getMessage().contains("'get_mood', which is not declared"), undeclared.getMessage());
    GenerationException none = assertThrows(GenerationException.class,
        () -> GenerationRequest.builder().user("x").toolChoice(ToolChoice.required()).build());
    assertTrue(none.getMessage().contains("needs a function tool"), none.getMessage());
    SchemaException keyword = assertThrows(SchemaException.class,
        () -> ResponseFormat.jsonSchema("{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\",\"minimum\":0}}}"));
    assertTrue(keyword.getMessage().startsWith("#/properties/age: unsupported keyword 'minimum'"), keyword.getMessage());
    SchemaException parameters = assertThrows(SchemaException.class,
        () -> GenerationRequest.builder().user("x").functionTool("f", "F", "{\"type\":\"object\",\"patternProperties\":{}}")
            .toolChoice(ToolChoice.auto()).build());
    assertTrue(parameters.getMessage().startsWith("parameters of function tool 'f': #: unsupported keyword 'patternProperties'"),
        parameters.getMessage());
  }

  private static GenerationRequest.Builder tools() {
    return GenerationRequest.builder()
        .functionTool("get_weather", "The weather in a city.", WEATHER)
        .functionTool("get_time", "The time in a zone.", TIME);
  }
}
