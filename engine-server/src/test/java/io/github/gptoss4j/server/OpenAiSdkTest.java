package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.models.Model;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server driven by OpenAI's official Java SDK, as an application would use it: Chat Completions and the
 * Responses API, plain and streamed, tool round trips, log-probabilities, errors and auth. The test model's text
 * is random, so these check what the SDK parses and that the two ways of asking agree.
 */
@Timeout(120)
class OpenAiSdkTest {
  private static final String KEY = "sk-test-123";
  private static GptOssServer server;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    server = TestModel.server().apiKey(KEY).build().start();
    client = client(KEY);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(key).maxRetries(0)
        .timeout(Duration.ofSeconds(60)).build();
  }

  private static ChatCompletionCreateParams.Builder chat(int maxTokens, long seed) {
    return ChatCompletionCreateParams.builder().model(TestModel.NAME).addSystemMessage("Be brief.")
        .addUserMessage("Why is the sky blue?").maxCompletionTokens(maxTokens).seed(seed);
  }

  @Test
  void aChatCompletionAndItsStreamAgree() {
    ChatCompletion whole = client.chat().completions().create(chat(6, 11).build());
    ChatCompletion.Choice choice = whole.choices().getFirst();
    assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, choice.finishReason());
    assertEquals(6, whole.usage().orElseThrow().completionTokens());
    assertEquals(TestModel.NAME, whole.model());
    String text = choice.message().content().orElseThrow();
    assertFalse(text.isEmpty());

    StringBuilder streamed = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatCompletionCreateParams params = chat(6, 11)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
      });
    }
    assertEquals(text, streamed.toString(), "the same seed streams the same answer");
    assertEquals(6, chunks.getLast().usage().orElseThrow().completionTokens());
    assertEquals(ChatCompletionChunk.Choice.FinishReason.LENGTH,
        chunks.get(chunks.size() - 2).choices().getFirst().finishReason().orElseThrow());
  }

  @Test
  void nChoicesShareThePromptEachWithItsIndexFinishAndLogprobsAndTheirStreamAgrees() {
    ChatCompletion one = client.chat().completions().create(chat(6, 11).build());
    ChatCompletion two = client.chat().completions().create(chat(6, 11).n(2).logprobs(true).build());
    assertEquals(List.of(0L, 1L), two.choices().stream().map(ChatCompletion.Choice::index).toList());
    List<String> texts = new ArrayList<>();
    for (ChatCompletion.Choice c : two.choices()) {
      assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, c.finishReason());
      texts.add(c.message().content().orElseThrow());
      List<ChatCompletionTokenLogprob> logprobs = c.logprobs().orElseThrow().content().orElseThrow();
      assertFalse(logprobs.isEmpty(), "each choice has its logprobs");
      logprobs.forEach(t -> assertEquals(List.of(), t.topLogprobs(), "no top_logprobs asked: none written"));
    }
    assertTrue(!texts.get(0).equals(texts.get(1)), "choice 1 samples with seed + 1: " + texts);
    assertEquals(one.choices().getFirst().message().content().orElseThrow(), texts.get(0),
        "choice 0 samples with the request's seed");
    assertEquals(one.usage().orElseThrow().promptTokens(), two.usage().orElseThrow().promptTokens(),
        "the prompt is counted once");
    assertEquals(12, two.usage().orElseThrow().completionTokens(), "the completion tokens of both choices");
    assertEquals(two.usage().orElseThrow().promptTokens() + 12, two.usage().orElseThrow().totalTokens());

    List<StringBuilder> streamed = List.of(new StringBuilder(), new StringBuilder());
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatCompletionCreateParams params = chat(6, 11).n(2)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        assertTrue(chunk.choices().size() <= 1, "one choice a chunk");
        chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed.get((int) c.index())::append));
      });
    }
    assertEquals(texts, streamed.stream().map(StringBuilder::toString).toList(),
        "each index streams its choice of the same request");
    for (long index = 0; index < 2; index++) {
      long i = index;
      assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.LENGTH), chunks.stream()
          .flatMap(c -> c.choices().stream()).filter(c -> c.index() == i)
          .flatMap(c -> c.finishReason().stream()).toList(), "one finish for choice " + i);
    }
    assertEquals(two.usage().orElseThrow().completionTokens(), chunks.getLast().usage().orElseThrow().completionTokens());
    assertEquals(two.usage().orElseThrow().promptTokens(), chunks.getLast().usage().orElseThrow().promptTokens());
  }

  @Test
  void nOutsideOneToEightIsA400NamingN() {
    for (long n : new long[] {0, 9}) {
      BadRequestException e = assertThrows(BadRequestException.class,
          () -> client.chat().completions().create(chat(2, 1).n(n).build()));
      assertEquals(400, e.statusCode());
      assertEquals("n", e.param().orElseThrow(), e.getMessage());
      assertTrue(e.getMessage().contains("[1, 8]"), e.getMessage());
    }
  }

  @Test
  void logprobsCoverTheAnswersBytesWithTheAskedAlternatives() {
    ChatCompletion c = client.chat().completions().create(chat(8, 5).logprobs(true).topLogprobs(3).build());
    ChatCompletion.Choice choice = c.choices().getFirst();
    List<ChatCompletionTokenLogprob> tokens = choice.logprobs().orElseThrow().content().orElseThrow();
    assertFalse(tokens.isEmpty());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ChatCompletionTokenLogprob t : tokens) {
      assertTrue(t.logprob() <= 0, t.toString());
      assertEquals(3, t.topLogprobs().size());
      for (int i = 1; i < 3; i++) {
        assertTrue(t.topLogprobs().get(i - 1).logprob() >= t.topLogprobs().get(i).logprob(), "most likely first");
      }
      // the sampled token is never more likely than the most likely one
      assertTrue(t.logprob() <= t.topLogprobs().getFirst().logprob() + 1e-6);
      t.bytes().orElseThrow().forEach(b -> bytes.write(b.intValue()));
    }
    assertArrayEquals(choice.message().content().orElseThrow().getBytes(StandardCharsets.UTF_8), bytes.toByteArray(),
        "the tokens' bytes are the answer's");
  }

  @Test
  void aChatToolRoundTripIsRenderedIntoThePrompt() {
    FunctionDefinition weather = FunctionDefinition.builder().name("get_weather").description("Gets the weather")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
        .build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestModel.NAME)
        .addTool(ChatCompletionFunctionTool.builder().function(weather).build())
        .addUserMessage("Weather in Paris?")
        .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(
            ChatCompletionMessageFunctionToolCall.builder().id("call_1").function(
                ChatCompletionMessageFunctionToolCall.Function.builder().name("get_weather")
                    .arguments("{\"city\": \"Paris\"}").build()).build()).build())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_1").content("{\"sky\": \"sunny\"}")
            .build())
        .maxCompletionTokens(2).build();
    ChatCompletion answer = client.chat().completions().create(params);
    ChatCompletion bare = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestModel.NAME).addUserMessage("Weather in Paris?").maxCompletionTokens(2).build());
    assertTrue(answer.usage().orElseThrow().promptTokens() > bare.usage().orElseThrow().promptTokens() + 30,
        "the tool's schema, the call and its result are in the prompt");
  }

  private static ResponseCreateParams.Builder responses(int maxTokens, long seed) {
    return ResponseCreateParams.builder().model(TestModel.NAME).instructions("Be brief.")
        .input("Why is the sky blue?").maxOutputTokens(maxTokens)
        .putAdditionalBodyProperty("seed", JsonValue.from(seed));
  }

  @Test
  void aResponseAndItsEventStreamAgree() {
    Response whole = client.responses().create(responses(6, 3).build());
    assertEquals(TestModel.NAME, whole.model().asString());
    assertEquals(6, whole.usage().orElseThrow().outputTokens());
    assertEquals("max_output_tokens",
        whole.incompleteDetails().orElseThrow().reason().orElseThrow().asString());
    ResponseOutputMessage message = whole.output().getLast().asMessage();
    String text = message.content().getFirst().asOutputText().text();
    assertFalse(text.isEmpty());

    List<String> types = new ArrayList<>();
    StringBuilder streamed = new StringBuilder();
    List<Long> sequence = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(responses(6, 3).build())) {
      stream.stream().forEach(e -> {
        types.add(type(e));
        e.outputTextDelta().ifPresent(d -> {
          streamed.append(d.delta());
          sequence.add(d.sequenceNumber());
        });
        e.incomplete().ifPresent(i -> assertEquals(6, i.response().usage().orElseThrow().outputTokens()));
      });
    }
    assertEquals(text, streamed.toString(), "the same seed streams the same answer");
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added"), types.subList(0, 4));
    assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.incomplete"), types.subList(types.size() - 4, types.size()));
    for (int i = 1; i < sequence.size(); i++) {
      assertEquals(sequence.get(i - 1) + 1, sequence.get(i), "one sequence number per event, in order");
    }
  }

  /** The event's type, for the events a plain answer makes. */
  private static String type(ResponseStreamEvent e) {
    return e.isCreated() ? "response.created"
        : e.isInProgress() ? "response.in_progress"
        : e.isOutputItemAdded() ? "response.output_item.added"
        : e.isContentPartAdded() ? "response.content_part.added"
        : e.isOutputTextDelta() ? "response.output_text.delta"
        : e.isOutputTextDone() ? "response.output_text.done"
        : e.isContentPartDone() ? "response.content_part.done"
        : e.isOutputItemDone() ? "response.output_item.done"
        : e.isIncomplete() ? "response.incomplete"
        : e.isCompleted() ? "response.completed"
        : "other: " + e;
  }

  @Test
  void aResponsesFunctionRoundTripIsRenderedIntoThePrompt() {
    FunctionTool weather = FunctionTool.builder().name("get_weather").description("Gets the weather").strict(false)
        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
        .build();
    List<ResponseInputItem> input = List.of(
        ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
            .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Weather in Paris?").build()),
        ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId("call_7").name("get_weather")
            .arguments("{\"city\": \"Paris\"}").build()),
        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId("call_7")
            .output("{\"sky\": \"sunny\"}").build()));
    Response answer = client.responses().create(ResponseCreateParams.builder().model(TestModel.NAME)
        .addTool(weather).inputOfResponse(input).maxOutputTokens(2).build());
    Response bare = client.responses().create(ResponseCreateParams.builder().model(TestModel.NAME)
        .input("Weather in Paris?").maxOutputTokens(2).build());
    assertTrue(answer.usage().orElseThrow().inputTokens() > bare.usage().orElseThrow().inputTokens() + 30);
  }

  @Test
  void badInputIsA400NamingTheField() {
    BadRequestException chat = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(chat(2, 1).temperature(-1.0).build()));
    assertEquals(400, chat.statusCode());
    assertTrue(chat.getMessage().contains("temperature"), chat.getMessage());
    BadRequestException unknown = assertThrows(BadRequestException.class, () -> client.chat().completions()
        .create(chat(2, 1).putAdditionalBodyProperty("temprature", JsonValue.from(0.5)).build()));
    assertTrue(unknown.getMessage().contains("temprature"), unknown.getMessage());
    BadRequestException stored = assertThrows(BadRequestException.class, () -> client.responses()
        .create(responses(2, 1).previousResponseId("resp_1").build()));
    assertTrue(stored.getMessage().contains("previous_response_id"), stored.getMessage());
  }

  @Test
  void modelsAreListedAndLookedUp() {
    assertEquals(List.of(TestModel.NAME), client.models().list().data().stream().map(Model::id).toList());
    assertEquals(TestModel.NAME, client.models().retrieve(TestModel.NAME).id());
    assertThrows(NotFoundException.class, () -> client.models().retrieve("gpt-5"));
  }

  @Test
  void aWrongOrMissingKeyIs401() {
    assertThrows(UnauthorizedException.class, () -> client("sk-wrong").models().list());
    assertThrows(UnauthorizedException.class,
        () -> client("sk-wrong").chat().completions().create(chat(1, 1).build()));
  }

  @Test
  void aLogitBiasOfPlus100MakesItsTokenTheAnswer() {
    int hello = TestModel.model().harmony().tokenizer().encodeOrdinary("Hello")[0];
    ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestModel.NAME).addUserMessage("Hi").maxCompletionTokens(3).seed(3L)
        .putAdditionalBodyProperty("logit_bias", JsonValue.from(Map.of(Integer.toString(hello), 100)))
        .build());
    String text = answer.choices().getFirst().message().content().orElse("");
    assertFalse(text.isEmpty());
    assertTrue(text.contains("Hello"), text);
    BadRequestException range = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model(TestModel.NAME).addUserMessage("Hi").maxCompletionTokens(1)
            .putAdditionalBodyProperty("logit_bias", JsonValue.from(Map.of("12", 101))).build()));
    assertTrue(range.getMessage().contains("logit_bias.12"), range.getMessage());
  }
}
