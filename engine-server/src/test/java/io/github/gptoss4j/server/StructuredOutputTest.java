package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.StructuredResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Structured output and forced tool calls through the official SDK. The test model's weights are
 * random, so whatever it writes is what the constraints make of noise: that it parses and validates is the
 * constraint's doing, which is what these check. The server opens no reply channel itself here: the
 * constrained reply drives the Harmony headers.
 */
@Timeout(120)
class StructuredOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GptOssServer server;
  private static OpenAIClient client;

  /** What the SDK derives a JSON schema from, and parses the answer into. */
  public record City(String name, boolean capital) {}

  @BeforeAll
  static void start() {
    server = GptOssServer.builder().model(TestModel.model()).modelName(TestModel.NAME).port(0)
        .log(new PrintWriter(new StringWriter())).build().start();
    client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("none").maxRetries(0)
        .timeout(Duration.ofSeconds(90)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aChatResponseFormatFromAClassParsesIntoItInEachOfNChoices() {
    StructuredChatCompletion<City> answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestModel.NAME).addUserMessage("Name a city.").maxCompletionTokens(32).seed(1L).n(2)
        .responseFormat(City.class).build());
    assertEquals(2, answer.choices().size());
    for (StructuredChatCompletion.Choice<City> choice : answer.choices()) {
      assertNotNull(choice.message().content().orElseThrow().name(), "choice " + choice.index());
    }
  }

  @Test
  void aResponsesTextFormatFromAClassParsesIntoIt() {
    StructuredResponse<City> answer = client.responses().create(ResponseCreateParams.builder()
        .model(TestModel.NAME).input("Name a city.").maxOutputTokens(32).text(City.class).build());
    City city = answer.output().stream().flatMap(item -> item.message().stream())
        .flatMap(m -> m.content().stream()).flatMap(c -> c.outputText().stream()).findFirst().orElseThrow();
    assertNotNull(city.name());
  }

  @Test
  void aForcedFunctionIsCalledWithArgumentsValidUnderItsSchemaInEachOfNChoices() throws Exception {
    FunctionDefinition weather = FunctionDefinition.builder().name("get_weather")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(java.util.List.of("city")))
            .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
        .build();
    ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestModel.NAME).addUserMessage("Weather in Paris?").maxCompletionTokens(32).seed(2L).n(2)
        .addTool(ChatCompletionFunctionTool.builder().function(weather).build())
        .toolChoice(ChatCompletionNamedToolChoice.builder()
            .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build())
        .build());
    assertEquals(2, answer.choices().size());
    for (ChatCompletion.Choice choice : answer.choices()) {
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
      ChatCompletionMessageToolCall call = choice.message().toolCalls().orElseThrow().getFirst();
      assertEquals("get_weather", call.asFunction().function().name());
      JsonNode arguments = JSON.readTree(call.asFunction().function().arguments());
      assertTrue(arguments.get("city").isTextual(), arguments.toString());
    }
  }

  @Test
  void aForcedFunctionThatIsNotDeclaredIsA400NamingIt() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model(TestModel.NAME).addUserMessage("Hi").maxCompletionTokens(2)
            .toolChoice(ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("nowhere").build()).build())
            .build()));
    assertTrue(e.getMessage().contains("tool_choice.function.name"), e.getMessage());
  }
}
