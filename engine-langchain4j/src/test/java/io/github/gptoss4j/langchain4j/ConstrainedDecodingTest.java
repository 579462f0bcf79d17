package io.github.gptoss4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.github.gptoss4j.generate.AdapterTestModels;
import org.junit.jupiter.api.Test;

/**
 * Response formats and tool choice on the synthetic checkpoint: its weights are random, so only constrained
 * decoding makes its replies parse, which is what these tests check.
 */
class ConstrainedDecodingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonObjectSchema CITY = JsonObjectSchema.builder()
      .addStringProperty("city").addIntegerProperty("celsius").required("city", "celsius").build();

  /** Strings only: LangChain4j's schema of an {@code int} has no bounds, so random digits could overflow it. */
  record Forecast(String city, String sky) {}

  interface Forecaster {
    Forecast forecast(String question);
  }

  private static ChatModel synth() {
    return GptOssChatModel.builder().modelPath(AdapterTestModels.synthDir()).seed(11).maxTokens(48).build();
  }

  @Test
  void aJsonSchemaResponseFormatMakesRandomWeightsAnswerValidJson() throws Exception {
    ChatResponse response = synth().chat(ChatRequest.builder()
        .messages(UserMessage.from("Weather in Paris?"))
        .responseFormat(ResponseFormat.builder()
            .type(ResponseFormatType.JSON)
            .jsonSchema(JsonSchema.builder().name("forecast").rootElement(CITY).build())
            .build())
        .build());

    JsonNode answer = JSON.readTree(response.aiMessage().text());
    assertTrue(answer.get("city").isTextual(), answer.toString());
    assertTrue(answer.get("celsius").isIntegralNumber(), answer.toString());
    assertEquals(FinishReason.STOP, response.finishReason());
  }

  @Test
  void toolChoiceRequiredMakesRandomWeightsCallWithValidArguments() throws Exception {
    ToolSpecification weather = ToolSpecification.builder()
        .name("get_weather").description("Gets the weather").parameters(CITY).build();

    ChatResponse response = synth().chat(ChatRequest.builder()
        .messages(UserMessage.from("Weather in Paris?"))
        .toolSpecifications(weather)
        .toolChoice(ToolChoice.REQUIRED)
        .build());

    assertEquals(FinishReason.TOOL_EXECUTION, response.finishReason());
    ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().getFirst();
    assertEquals("get_weather", call.name());
    JsonNode arguments = JSON.readTree(call.arguments());
    assertTrue(arguments.get("city").isTextual(), arguments.toString());
    assertTrue(arguments.get("celsius").isIntegralNumber(), arguments.toString());
  }

  @Test
  void aiServicesGetARecordFromRandomWeights() {
    // The model declares JSON-schema support, so AiServices sends the record's schema as the response format.
    Forecaster forecaster = AiServices.builder(Forecaster.class).chatModel(synth()).build();

    Forecast forecast = forecaster.forecast("What is the temperature in Paris?");

    assertTrue(forecast.city() != null && forecast.sky() != null, forecast.toString());
  }
}
