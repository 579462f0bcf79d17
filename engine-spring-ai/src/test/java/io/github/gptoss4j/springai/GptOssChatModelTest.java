package io.github.gptoss4j.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.AdapterTestModels;
import io.github.gptoss4j.generate.AdapterTestModels.Scripted;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.util.MimeTypeUtils;

/** The chat model through Spring AI's ChatModel and ChatClient: text, reasoning, usage, streaming, tools, errors. */
class GptOssChatModelTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ANSWER =
      "<|channel|>analysis<|message|>The user greets.<|end|><|start|>assistant<|channel|>final<|message|>Hello there!<|return|>";
  private static final String CALL = "<|channel|>commentary to=functions.currentWeather <|constrain|>json"
      + "<|message|>{\"city\":\"Paris\"}<|call|>";

  /** What the client returns: ChatClient's BeanOutputConverter parses the model's JSON answer into it. */
  record Forecast(String city, int celsius, String sky) {}

  static final class WeatherTools {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Tool(description = "Gets the current weather in a city")
    String currentWeather(@ToolParam(description = "the city's name") String city) {
      asked.add(city);
      return "{\"celsius\": 21, \"sky\": \"sunny\"}";
    }
  }

  private static GptOssChatModel greedy(GptOss model) {
    return GptOssChatModel.builder()
        .model(model)
        .defaultOptions(GptOssChatOptions.builder().model("scripted").temperature(0.0).build())
        .build();
  }

  @Test
  void callAnswersWithTextReasoningUsageAndFinishReason() {
    Scripted scripted = AdapterTestModels.scripted(ANSWER);
    ChatResponse response = ChatClient.create(greedy(scripted.model()))
        .prompt().system("Be brief.").user("Hi").call().chatResponse();

    assertEquals("Hello there!", response.getResult().getOutput().getText());
    assertEquals("The user greets.", response.getResult().getOutput().getMetadata().get(GptOssChatModel.REASONING));
    assertEquals("STOP", response.getResult().getMetadata().getFinishReason());
    assertEquals(StopReason.STOP_TOKEN, response.getResult().getMetadata().get(GptOssChatModel.STOP_REASON));
    assertEquals("scripted", response.getMetadata().getModel());
    Usage usage = response.getMetadata().getUsage();
    Stats stats = assertInstanceOf(Stats.class, usage.getNativeUsage());
    assertEquals(scripted.tokensServed(), usage.getCompletionTokens());
    assertEquals(stats.promptTokens(), usage.getPromptTokens());
    assertEquals(stats.promptTokens() + stats.generatedTokens(), usage.getTotalTokens());
    assertTrue(scripted.forwardedText().contains("<|start|>developer<|message|># Instructions\n\nBe brief."),
        scripted.forwardedText());
  }

  @Test
  void streamedContentAddsUpToTheAnswerAndTheLastChunkCarriesUsage() {
    Scripted scripted = AdapterTestModels.scripted(ANSWER);
    GptOssChatModel model = greedy(scripted.model());

    List<ChatResponse> chunks = model.stream(new Prompt("Hi")).collectList().block(WAIT);

    String text = chunks.stream().map(c -> c.getResult().getOutput().getText()).reduce("", String::concat);
    assertEquals("Hello there!", text);
    String reasoning = chunks.stream()
        .map(c -> (String) c.getResult().getOutput().getMetadata().getOrDefault(GptOssChatModel.REASONING, ""))
        .reduce("", String::concat);
    assertEquals("The user greets.", reasoning);
    ChatResponse last = chunks.getLast();
    assertEquals("STOP", last.getResult().getMetadata().getFinishReason());
    assertEquals(scripted.tokensServed(), last.getMetadata().getUsage().getCompletionTokens());
    assertTrue(chunks.size() > 3, "the reply arrives in pieces: " + chunks.size());
  }

  @Test
  void chatClientStreamsContent() {
    GptOssChatModel model = greedy(AdapterTestModels.scripted(ANSWER).model());
    List<String> pieces = ChatClient.create(model).prompt().user("Hi").stream().content().collectList().block(WAIT);
    assertEquals("Hello there!", String.join("", pieces));
  }

  @Test
  void cancellingTheSubscriptionStopsGeneration() throws Exception {
    Scripted scripted = AdapterTestModels.scripted("<|channel|>final<|message|>" + "blah ".repeat(500) + "<|return|>");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    GptOssChatModel model = GptOssChatModel.builder()
        .model(scripted.model())
        .defaultOptions(GptOssChatOptions.builder().temperature(0.0).build())
        .executor(executor)
        .build();

    List<ChatResponse> five = model.stream(new Prompt("Talk")).take(5).collectList().block(WAIT);
    executor.shutdown();

    assertEquals(5, five.size());
    assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS), "the generation ends after the cancel");
    // Three header tokens and five words were chosen before the cancel; the session stops within one more.
    assertTrue(scripted.tokensServed() <= 3 + 5 + 1, "tokens chosen: " + scripted.tokensServed());
  }

  @Test
  void chatClientRunsTheToolAndParsesTheAnswerIntoARecord() {
    Scripted scripted = AdapterTestModels.scripted(CALL,
        "<|channel|>final<|message|>{\"city\":\"Paris\",\"celsius\":21,\"sky\":\"sunny\"}<|return|>");
    WeatherTools tools = new WeatherTools();

    Forecast forecast = ChatClient.create(greedy(scripted.model()))
        .prompt().user("What is the weather in Paris?").tools(tools).call().entity(Forecast.class);

    assertEquals(new Forecast("Paris", 21, "sunny"), forecast);
    assertEquals(List.of("Paris"), tools.asked);
    String prompts = scripted.forwardedText();
    assertTrue(prompts.contains("type currentWeather = (_: {\n// the city's name\ncity: string,\n}) => any;"), prompts);
    assertTrue(prompts.contains("<|start|>assistant to=functions.currentWeather<|channel|>commentary <|constrain|>json"
        + "<|message|>{\"city\":\"Paris\"}<|call|>"), prompts);
    assertTrue(prompts.contains("<|start|>functions.currentWeather to=assistant<|channel|>commentary<|message|>"
        + "{\"celsius\": 21, \"sky\": \"sunny\"}<|end|>"), prompts);
  }

  @Test
  void nativeStructuredOutputSendsTheSchemaAndParsesTheAnswer() {
    Scripted scripted = AdapterTestModels.scripted(
        "<|channel|>final <|constrain|>json<|message|>{\"city\":\"Paris\",\"celsius\":21,\"sky\":\"sunny\"}<|return|>");

    Forecast forecast = ChatClient.create(greedy(scripted.model()))
        .prompt().user("Weather in Paris?").advisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT)
        .call().entity(Forecast.class);

    assertEquals(new Forecast("Paris", 21, "sunny"), forecast);
    // The schema went to the library (shown to the model as a response format), not into the user's text.
    String prompt = scripted.forwardedText();
    assertTrue(prompt.contains("# Response Formats\n\n## response\n\n"), prompt);
    assertTrue(prompt.contains("<|start|>user<|message|>Weather in Paris?<|end|>"), prompt);
  }

  /** Strings only: the schema of an {@code int} has no bounds, so random digits could overflow it. */
  record Sky(String city, String sky) {}

  @Test
  void nativeStructuredOutputMakesRandomWeightsAnswerARecord() {
    try (GptOss model = GptOss.load(AdapterTestModels.synthDir())) {
      ChatClient chat = ChatClient.create(GptOssChatModel.builder()
          .model(model)
          .defaultOptions(GptOssChatOptions.builder().seed(5L).maxTokens(48).build())
          .build());

      Sky sky = chat.prompt().user("Weather in Paris?").advisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT)
          .call().entity(Sky.class);

      assertTrue(sky.city() != null && sky.sky() != null, sky.toString());
    }
  }

  @Test
  void chatClientStreamsAnAnswerAfterATool() {
    Scripted scripted = AdapterTestModels.scripted(CALL, "<|channel|>final<|message|>Sunny, 21 °C.<|return|>");
    WeatherTools tools = new WeatherTools();

    List<String> pieces = ChatClient.create(greedy(scripted.model()))
        .prompt().user("What is the weather in Paris?").tools(tools).stream().content().collectList().block(WAIT);

    assertEquals("Sunny, 21 °C.", String.join("", pieces));
    assertEquals(List.of("Paris"), tools.asked);
  }

  @Test
  void promptOptionsOverrideTheDefaults() {
    Scripted scripted = AdapterTestModels.scripted(ANSWER);
    ChatResponse response = greedy(scripted.model())
        .call(new Prompt("Hi", ChatOptions.builder().maxTokens(2).build()));
    assertEquals(2, response.getMetadata().getUsage().getCompletionTokens());
    assertEquals("LENGTH", response.getResult().getMetadata().getFinishReason());
    assertEquals("scripted", response.getMetadata().getModel(), "the defaults still apply");
  }

  @Test
  void realForwardPassOnTheSyntheticCheckpointIsDeterministicPerSeed() {
    try (GptOss model = GptOss.load(AdapterTestModels.synthDir())) {
      ChatClient chat = ChatClient.create(GptOssChatModel.builder()
          .model(model)
          .defaultOptions(GptOssChatOptions.builder().seed(5L).maxTokens(6).build())
          .build());
      ChatResponse first = chat.prompt().user("Why is the sky blue?").call().chatResponse();
      ChatResponse again = chat.prompt().user("Why is the sky blue?").call().chatResponse();

      assertEquals(6, first.getMetadata().getUsage().getCompletionTokens());
      assertEquals("LENGTH", first.getResult().getMetadata().getFinishReason());
      assertEquals(first.getResult().getOutput().getText(), again.getResult().getOutput().getText());
    }
  }

  @Test
  void whatHarmonyCannotSayIsRefusedNamingIt() {
    GptOssChatModel model = greedy(AdapterTestModels.scripted(ANSWER).model());
    UserMessage picture = UserMessage.builder()
        .text("What is this?")
        .media(List.of(new Media(MimeTypeUtils.IMAGE_PNG, java.net.URI.create("https://example.invalid/a.png"))))
        .build();

    GenerationException call = assertThrows(GenerationException.class, () -> model.call(new Prompt(picture)));
    assertEquals("messages[0] has 1 media attachment(s) (image/png); gpt-oss reads text only", call.getMessage());
    GenerationException stream = assertThrows(GenerationException.class,
        () -> model.stream(new Prompt(picture)).blockLast(WAIT));
    assertEquals(call.getMessage(), stream.getMessage());
    GenerationException topP = assertThrows(GenerationException.class,
        () -> model.call(new Prompt("Hi", ChatOptions.builder().topP(1.5).build())));
    assertTrue(topP.getMessage().contains("top_p"), topP.getMessage());
  }
}
