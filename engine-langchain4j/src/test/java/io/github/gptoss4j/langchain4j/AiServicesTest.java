package io.github.gptoss4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import io.github.gptoss4j.generate.AdapterTestModels;
import io.github.gptoss4j.generate.AdapterTestModels.Scripted;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** AiServices end to end: a {@code @Tool} class, a record return type, and a streaming service. */
class AiServicesTest {
  /** What the assistant returns: AiServices parses the model's JSON answer into it. */
  record Forecast(String city, int celsius, String sky) {}

  interface Forecaster {
    @SystemMessage("Use the tools to answer.")
    Result<Forecast> forecast(String question);
  }

  interface StreamingAssistant {
    TokenStream chat(String question);
  }

  static final class WeatherTools {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Tool("Gets the current weather in a city")
    String currentWeather(@P("the city's name") String city) {
      asked.add(city);
      return "{\"celsius\": 21, \"sky\": \"sunny\"}";
    }
  }

  private static final String CALL = "<|channel|>analysis<|message|>I need the weather.<|end|>"
      + "<|start|>assistant<|channel|>commentary to=functions.currentWeather <|constrain|>json"
      + "<|message|>{\"city\":\"Paris\"}<|call|>";
  private static final String JSON_ANSWER =
      "<|channel|>final <|constrain|>json<|message|>{\"city\":\"Paris\",\"celsius\":21,\"sky\":\"sunny\"}<|return|>";

  @Test
  void toolRoundTripIntoARecord() {
    Scripted scripted = AdapterTestModels.scripted(CALL, JSON_ANSWER);
    WeatherTools tools = new WeatherTools();
    Forecaster forecaster = AiServices.builder(Forecaster.class)
        .chatModel(GptOssChatModel.builder().model(scripted.model()).temperature(0).build())
        .tools(tools)
        .build();

    Result<Forecast> result = forecaster.forecast("What is the weather in Paris?");

    assertEquals(new Forecast("Paris", 21, "sunny"), result.content());
    assertEquals(List.of("Paris"), tools.asked);
    assertEquals(1, result.toolExecutions().size());
    assertEquals(FinishReason.STOP, result.finishReason());
    // Usage adds up both model calls: every token the model chose, and both rendered prompts.
    assertEquals(scripted.tokensServed(), result.tokenUsage().outputTokenCount());
    assertTrue(result.tokenUsage().inputTokenCount() > 2 * result.tokenUsage().outputTokenCount());
    String prompts = scripted.forwardedText();
    assertTrue(prompts.contains("type currentWeather = (_: {\n// the city's name\ncity: string,\n}) => any;"), prompts);
    assertTrue(prompts.contains("<|start|>functions.currentWeather to=assistant<|channel|>commentary<|message|>"
        + "{\"celsius\": 21, \"sky\": \"sunny\"}<|end|>"), prompts);
  }

  @Test
  void streamingServiceWithToolsStreamsThinkingAndAnswer() throws Exception {
    Scripted scripted = AdapterTestModels.scripted(CALL,
        "<|channel|>analysis<|message|>It is sunny.<|end|><|start|>assistant<|channel|>final<|message|>"
            + "Sunny, 21 °C in Paris.<|return|>");
    WeatherTools tools = new WeatherTools();
    StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
        .streamingChatModel(GptOssStreamingChatModel.builder().model(scripted.model()).temperature(0).build())
        .tools(tools)
        .build();
    List<String> answer = new CopyOnWriteArrayList<>();
    List<String> thinking = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    assistant.chat("What is the weather in Paris?")
        .onPartialResponse(answer::add)
        .onPartialThinking(t -> thinking.add(t.text()))
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    ChatResponse response = done.get(60, TimeUnit.SECONDS);

    assertEquals(List.of("Paris"), tools.asked);
    assertEquals("Sunny, 21 °C in Paris.", String.join("", answer));
    assertTrue(answer.size() > 1, "the answer arrives in pieces: " + answer);
    assertEquals("I need the weather.It is sunny.", String.join("", thinking));
    assertEquals("Sunny, 21 °C in Paris.", response.aiMessage().text());
    assertEquals("It is sunny.", response.aiMessage().thinking());
    assertEquals(FinishReason.STOP, response.finishReason());
  }
}
