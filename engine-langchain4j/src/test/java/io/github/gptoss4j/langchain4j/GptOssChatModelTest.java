package io.github.gptoss4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.gptoss4j.generate.AdapterTestModels;
import io.github.gptoss4j.generate.AdapterTestModels.Scripted;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blocking chat model through LangChain4j's ChatModel API: text, reasoning, tools, usage and errors. */
class GptOssChatModelTest {
  private static final String ANSWER =
      "<|channel|>analysis<|message|>The user greets.<|end|><|start|>assistant<|channel|>final<|message|>Hello there!<|return|>";

  @Test
  void answersWithTextThinkingUsageAndFinishReason() {
    Scripted scripted = AdapterTestModels.scripted(ANSWER);
    ChatModel model = GptOssChatModel.builder().model(scripted.model()).temperature(0).modelName("scripted").build();

    ChatResponse response = model.chat(ChatRequest.builder()
        .messages(SystemMessage.from("Be brief."), UserMessage.from("Hi"))
        .build());

    assertEquals("Hello there!", response.aiMessage().text());
    assertEquals("The user greets.", response.aiMessage().thinking());
    assertEquals(FinishReason.STOP, response.finishReason());
    assertEquals("scripted", response.modelName());
    GptOssChatResponseMetadata metadata = assertInstanceOf(GptOssChatResponseMetadata.class, response.metadata());
    assertEquals(StopReason.STOP_TOKEN, metadata.stopReason());
    // Usage counts what the model ran: the rendered prompt, and every token of the reply including <|return|>.
    assertEquals(scripted.tokensServed(), response.tokenUsage().outputTokenCount());
    assertEquals(metadata.stats().promptTokens(), response.tokenUsage().inputTokenCount());
    assertEquals(metadata.stats().promptTokens() + metadata.stats().generatedTokens(),
        response.tokenUsage().totalTokenCount());
    // The system message became the developer instructions, the user message the conversation.
    assertTrue(scripted.forwardedText().contains("<|start|>developer<|message|># Instructions\n\nBe brief."),
        scripted.forwardedText());
    assertTrue(scripted.forwardedText().contains("<|start|>user<|message|>Hi<|end|>"), scripted.forwardedText());
  }

  @Test
  void toolSpecificationsBecomeFunctionToolsAndCallsComeBackAsRequests() {
    Scripted scripted = AdapterTestModels.scripted(
        "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"Paris\"}<|call|>",
        "<|channel|>final<|message|>It is sunny in Paris.<|return|>");
    ChatModel model = GptOssChatModel.builder().model(scripted.model()).temperature(0).build();
    ToolSpecification weather = ToolSpecification.builder()
        .name("get_weather")
        .description("Gets the current weather in a city")
        .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
        .build();
    UserMessage question = UserMessage.from("Weather in Paris?");

    ChatResponse call = model.chat(ChatRequest.builder().messages(question).toolSpecifications(weather).build());

    assertEquals(FinishReason.TOOL_EXECUTION, call.finishReason());
    ToolExecutionRequest request = call.aiMessage().toolExecutionRequests().getFirst();
    assertEquals("get_weather", request.name());
    assertEquals("{\"city\":\"Paris\"}", request.arguments());
    assertNull(call.aiMessage().text());
    assertTrue(scripted.forwardedText().contains("namespace functions {\n\n// Gets the current weather in a city\n"
        + "type get_weather = (_: {\ncity: string,\n}) => any;"), scripted.forwardedText());

    ChatResponse answer = model.chat(ChatRequest.builder()
        .messages(question, call.aiMessage(), ToolExecutionResultMessage.from(request, "{\"sky\":\"sunny\"}"))
        .toolSpecifications(weather)
        .build());

    assertEquals("It is sunny in Paris.", answer.aiMessage().text());
    assertEquals(FinishReason.STOP, answer.finishReason());
    // The second prompt holds the call as the model wrote it and the tool's output, as Harmony renders them.
    String prompt = scripted.forwardedText();
    assertTrue(prompt.contains("<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json"
        + "<|message|>{\"city\":\"Paris\"}<|call|>"), prompt);
    assertTrue(prompt.contains("<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>"
        + "{\"sky\":\"sunny\"}<|end|>"), prompt);
  }

  @Test
  void toolChoiceNoneOffersNoTools() {
    Scripted scripted = AdapterTestModels.scripted("<|channel|>final<|message|>ok<|return|>");
    ChatModel model = GptOssChatModel.builder().model(scripted.model()).temperature(0).build();
    model.chat(ChatRequest.builder()
        .messages(UserMessage.from("Hi"))
        .toolSpecifications(ToolSpecification.builder().name("get_weather").description("Weather").build())
        .toolChoice(ToolChoice.NONE)
        .build());
    assertTrue(!scripted.forwardedText().contains("get_weather"), scripted.forwardedText());
  }

  @Test
  void realForwardPassOnTheSyntheticCheckpointIsDeterministicPerSeed() {
    ChatModel model = GptOssChatModel.builder()
        .modelPath(AdapterTestModels.synthDir()).seed(7).maxTokens(6).reasoningEffort(ReasoningEffort.LOW).build();
    ChatResponse first = model.chat(ChatRequest.builder().messages(UserMessage.from("Why is the sky blue?")).build());
    ChatResponse again = model.chat(ChatRequest.builder().messages(UserMessage.from("Why is the sky blue?")).build());

    assertEquals(FinishReason.LENGTH, first.finishReason());
    assertEquals(6, first.tokenUsage().outputTokenCount());
    assertEquals(first.aiMessage(), again.aiMessage());
    assertEquals(7, ((GptOssChatResponseMetadata) first.metadata()).stats().seed());
  }

  @Test
  void modelsBuiltOnOneDirectoryShareOneLoadedModel() {
    GptOssChatModel.Builder chat = GptOssChatModel.builder().modelPath(AdapterTestModels.synthDir());
    GptOssStreamingChatModel.Builder streaming = GptOssStreamingChatModel.builder()
        .modelPath(AdapterTestModels.synthDir().resolve("..").resolve(AdapterTestModels.synthDir().getFileName()));
    assertSame(chat.adapter().model(), streaming.adapter().model());
  }

  @Test
  void requestParametersOverrideTheBuilderDefaults() {
    ChatModel model = GptOssChatModel.builder().model(AdapterTestModels.scripted(ANSWER).model())
        .temperature(0).maxTokens(100).build();
    assertEquals(0.0, model.defaultRequestParameters().temperature());
    ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).maxOutputTokens(2).build());
    assertEquals(2, response.tokenUsage().outputTokenCount());
    assertEquals(FinishReason.LENGTH, response.finishReason());
  }

  @Test
  void aStopSequenceEndsTheAnswerAndIsCutFromIt() {
    ChatModel model = GptOssChatModel.builder().model(AdapterTestModels.scripted(ANSWER).model()).temperature(0).build();
    ChatResponse response = model.chat(ChatRequest.builder()
        .messages(UserMessage.from("Hi")).stopSequences(List.of(" there")).build());
    assertEquals("Hello", response.aiMessage().text());
    assertEquals(FinishReason.STOP, response.finishReason());
    assertEquals(StopReason.STOP_STRING, ((GptOssChatResponseMetadata) response.metadata()).stopReason());
  }

  @Test
  void whatHarmonyCannotSayIsRefusedNamingIt() {
    ChatModel model = GptOssChatModel.builder().model(AdapterTestModels.scripted(ANSWER).model()).temperature(0).build();
    GenerationException image = assertThrows(GenerationException.class, () -> model.chat(ChatRequest.builder()
        .messages(UserMessage.from(TextContent.from("What is this?"), ImageContent.from("https://example.invalid/a.png")))
        .build()));
    assertEquals("messages[0].contents[1] is IMAGE content; gpt-oss reads TEXT only", image.getMessage());

    GenerationException temperature = assertThrows(GenerationException.class, () -> model.chat(ChatRequest.builder()
        .messages(UserMessage.from("Hi")).topP(1.5).build()));
    assertTrue(temperature.getMessage().contains("top_p"), temperature.getMessage());

    GenerationException noTools = assertThrows(GenerationException.class, () -> model.chat(ChatRequest.builder()
        .messages(UserMessage.from("Hi")).toolChoice(ToolChoice.REQUIRED).build()));
    assertEquals("toolChoice is REQUIRED but the request has no tool specifications", noTools.getMessage());
  }

  @Test
  void builderNeedsExactlyOneModel() {
    GenerationException neither = assertThrows(GenerationException.class, () -> GptOssChatModel.builder().build());
    assertEquals("exactly one of modelPath(...) and model(...) must be set, got neither", neither.getMessage());
    GenerationException badTemperature = assertThrows(GenerationException.class,
        () -> GptOssChatModel.builder().model(AdapterTestModels.scripted(ANSWER).model()).temperature(-1).build());
    assertTrue(badTemperature.getMessage().contains("temperature"), badTemperature.getMessage());
  }

  @Test
  void earlierRepliesKeepTheirChannels() {
    Scripted scripted = AdapterTestModels.scripted("<|channel|>final<|message|>Fine.<|return|>");
    ChatModel model = GptOssChatModel.builder().model(scripted.model()).temperature(0).build();
    model.chat(List.of(UserMessage.from("Hi"), AiMessage.from("Hello!"), UserMessage.from("How are you?")));
    assertTrue(scripted.forwardedText().contains(
        "<|start|>user<|message|>Hi<|end|><|start|>assistant<|channel|>final<|message|>Hello!<|end|>"
            + "<|start|>user<|message|>How are you?<|end|>"), scripted.forwardedText());
  }
}
