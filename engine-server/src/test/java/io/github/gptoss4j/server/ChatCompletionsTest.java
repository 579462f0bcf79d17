package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chat Completions over loopback with the JDK's HTTP client, on the test model (random weights, the real
 * 201088-token vocabulary): the text is meaningless, so these check the protocol and the mechanics.
 */
@Timeout(120)
class ChatCompletionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static GptOssServer server;
  private static final StringWriter LOG = new StringWriter();

  @BeforeAll
  static void start() {
    server = TestModel.server().log(new PrintWriter(LOG)).build().start();
  }

  @Test
  void untilTheModelIsLoadedEveryRouteIs503() throws Exception {
    try (GptOssServer loading = GptOssServer.builder().port(0).log(new PrintWriter(new StringWriter())).build().start()) {
      HttpResponse<String> health = send(HttpRequest.newBuilder(loading.url().resolve("/health")).GET());
      assertEquals(503, health.statusCode());
      assertTrue(json(health).get("error").get("message").asText().contains("loading"), health.body());
      HttpResponse<String> chat = send(jsonPost(loading.url().resolve("/v1/chat/completions"), chat("")));
      assertEquals(503, chat.statusCode());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpRequest.Builder jsonPost(URI uri, String body) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(jsonPost(server.url().resolve(path), body));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static String chat(String extra) {
    return "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\":"
        + " \"Why is the sky blue?\"}]" + extra + "}";
  }

  @Test
  void aCompletionHasOpenAisShapeAndCountsItsTokens() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(", \"max_tokens\": 5, \"seed\": 3"));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = json(response);
    assertEquals("chat.completion", body.get("object").asText());
    assertTrue(body.get("id").asText().startsWith("chatcmpl-"), body.toString());
    assertEquals("demo-v1", body.get("model").asText());
    JsonNode choice = body.get("choices").get(0);
    assertEquals("assistant", choice.get("message").get("role").asText());
    assertTrue(choice.get("message").get("content").isTextual(), body.toString());
    assertEquals("length", choice.get("finish_reason").asText());
    JsonNode usage = body.get("usage");
    assertEquals(5, usage.get("completion_tokens").asInt());
    assertTrue(usage.get("prompt_tokens").asInt() > 10, usage.toString());
    assertEquals(usage.get("prompt_tokens").asInt() + 5, usage.get("total_tokens").asInt());
  }

  @Test
  void theRequestsModelIsEchoed() throws Exception {
    JsonNode body = json(post("/v1/chat/completions", chat(", \"max_tokens\": 1, \"model\": \"gpt-oss-20b\"")));
    assertEquals("gpt-oss-20b", body.get("model").asText());
  }

  @Test
  void theSameSeedGivesTheSameAnswerAndAnotherSeedAnother() throws Exception {
    String first = content(post("/v1/chat/completions", chat(", \"max_tokens\": 8, \"seed\": 7")));
    String again = content(post("/v1/chat/completions", chat(", \"max_tokens\": 8, \"seed\": 7")));
    String other = content(post("/v1/chat/completions", chat(", \"max_tokens\": 8, \"seed\": 8")));
    assertFalse(first.isEmpty());
    assertEquals(first, again);
    assertNotEquals(first, other);
  }

  private static String content(HttpResponse<String> response) throws IOException {
    assertEquals(200, response.statusCode(), response.body());
    return json(response).get("choices").get(0).get("message").get("content").asText();
  }

  @Test
  void aStreamSendsRoleDeltasFinishUsageAndDoneAndMatchesThePlainAnswer() throws Exception {
    String options = ", \"max_tokens\": 6, \"seed\": 11";
    HttpResponse<String> response =
        post("/v1/chat/completions", chat(options + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}"));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String> events = response.body().lines().filter(l -> !l.isEmpty()).toList();
    assertTrue(events.stream().allMatch(l -> l.startsWith("data: ")), response.body());
    assertEquals("data: [DONE]", events.getLast());
    List<JsonNode> chunks = new ArrayList<>();
    for (String e : events.subList(0, events.size() - 1)) {
      chunks.add(JSON.readTree(e.substring("data: ".length())));
    }
    assertTrue(chunks.stream().allMatch(c -> c.get("object").asText().equals("chat.completion.chunk")));
    assertEquals(1, chunks.stream().map(c -> c.get("id").asText()).distinct().count(), "one id for the whole stream");
    assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asText());
    JsonNode usage = chunks.getLast();
    assertTrue(usage.get("choices").isEmpty(), usage.toString());
    assertEquals(6, usage.get("usage").get("completion_tokens").asInt());
    JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
    assertEquals("length", finish.get("finish_reason").asText());
    StringBuilder text = new StringBuilder();
    for (JsonNode c : chunks.subList(1, chunks.size() - 2)) {
      JsonNode choice = c.get("choices").get(0);
      assertTrue(choice.get("finish_reason").isNull(), c.toString());
      text.append(choice.get("delta").get("content").asText());
    }
    assertEquals(content(post("/v1/chat/completions", chat(options))), text.toString());
  }

  @Test
  void withoutIncludeUsageAStreamEndsWithTheFinishChunk() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(", \"max_tokens\": 2, \"stream\": true"));
    List<String> events = response.body().lines().filter(l -> !l.isEmpty()).toList();
    assertEquals("data: [DONE]", events.getLast());
    JsonNode last = JSON.readTree(events.get(events.size() - 2).substring("data: ".length()));
    assertEquals("length", last.get("choices").get(0).get("finish_reason").asText());
    assertFalse(last.has("usage"));
  }

  @Test
  void aToolCallConversationIsAccepted() throws Exception {
    String body = """
        {"messages": [
          {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
          {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1", "content": "{\\"sky\\": \\"sunny\\"}"}],
         "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Gets the weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
         "tool_choice": "auto", "reasoning_effort": "low", "temperature": 0, "top_p": 0.9, "stop": ["\\n\\n"],
         "max_completion_tokens": 2}""";
    HttpResponse<String> response = post("/v1/chat/completions", body);
    assertEquals(200, response.statusCode(), response.body());
    // the tool's schema and the call are in the prompt: far more than the bare question's tokens
    JsonNode bare = json(post("/v1/chat/completions",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"Weather in Paris?\"}], \"max_tokens\": 1}"));
    assertTrue(json(response).get("usage").get("prompt_tokens").asInt()
        > bare.get("usage").get("prompt_tokens").asInt() + 30, response.body());
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of("{}", "messages"),
        Arguments.of("{\"messages\": []}", "messages"),
        Arguments.of("{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}", "messages[0].role"),
        Arguments.of("{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content"),
        Arguments.of("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}",
            "messages[0].content[0]"),
        Arguments.of("{\"messages\": [{\"role\": \"tool\", \"tool_call_id\": \"nope\", \"content\": \"1\"}]}",
            "messages[0].tool_call_id"),
        Arguments.of(chat(", \"temperature\": -1"), "temperature"),
        Arguments.of(chat(", \"temperature\": \"hot\""), "temperature"),
        Arguments.of(chat(", \"top_p\": 1.5"), "top_p"),
        Arguments.of(chat(", \"max_tokens\": 0"), "max_tokens"),
        Arguments.of(chat(", \"max_completion_tokens\": 1.5"), "max_completion_tokens"),
        Arguments.of(chat(", \"seed\": \"x\""), "seed"),
        Arguments.of(chat(", \"stop\": \"\""), "stop"),
        Arguments.of(chat(", \"stop\": [1]"), "stop"),
        Arguments.of(chat(", \"reasoning_effort\": \"extreme\""), "reasoning_effort"),
        Arguments.of(chat(", \"tools\": [{\"type\": \"retrieval\"}]"), "tools[0].type"),
        Arguments.of(chat(", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"bad name\"}}]"),
            "tools[0].function"),
        Arguments.of(chat(", \"tool_choice\": \"required\""), "tool_choice"),
        Arguments.of(chat(", \"n\": 0"), "n"),
        Arguments.of(chat(", \"n\": 9"), "n"),
        Arguments.of(chat(", \"stream\": \"yes\""), "stream"));
  }

  @ParameterizedTest
  @MethodSource("invalidRequests")
  void anInvalidFieldIsA400NamingIt(String body, String param) throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", body);
    assertEquals(400, response.statusCode(), response.body());
    JsonNode error = json(response).get("error");
    assertEquals("invalid_request_error", error.get("type").asText());
    assertEquals(param, error.get("param").asText());
    assertTrue(error.get("message").asText().contains(param), error.toString());
  }

  @Test
  void aPromptPlusMaxTokensPastTheContextIsA400() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(", \"max_tokens\": 200000, \"stream\": true"));
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(json(response).get("error").get("message").asText().contains("exceeds the context limit"), response.body());
  }

  @Test
  void concurrentRequestsWithASeedGiveWhatTheyGiveOneAfterAnother() throws Exception {
    String body = chat(", \"max_tokens\": 6, \"seed\": 5");
    String alone = content(post("/v1/chat/completions", body));
    try (GptOssServer two = TestModel.server().parallel(2).build().start()) {
      HttpRequest request = jsonPost(two.url().resolve("/v1/chat/completions"), body)
          .timeout(Duration.ofSeconds(60)).build();
      var first = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
      var second = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(alone, content(first.join()));
      assertEquals(alone, content(second.join()));
    }
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsA400() throws Exception {
    for (String body : List.of("{bad", "[1, 2]", "")) {
      HttpResponse<String> response = post("/v1/chat/completions", body);
      assertEquals(400, response.statusCode(), body);
      assertTrue(json(response).get("error").get("message").asText().contains("request body"), response.body());
    }
  }

  @Test
  void anUnknownRouteIs404AndAWrongMethod405() throws Exception {
    HttpResponse<String> missing = send(HttpRequest.newBuilder(server.url().resolve("/v1/completions")).GET());
    assertEquals(404, missing.statusCode());
    assertTrue(json(missing).get("error").get("message").asText().contains("/v1/chat/completions"), missing.body());

    HttpResponse<String> wrong = send(HttpRequest.newBuilder(server.url().resolve("/v1/chat/completions")).GET());
    assertEquals(405, wrong.statusCode());
    assertEquals("POST", wrong.headers().firstValue("Allow").orElse(""));
    assertTrue(json(wrong).has("error"), wrong.body());
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String huge = chat(", \"padding\": \"" + "x".repeat(ServerSettings.MAX_BODY_BYTES) + "\"");
    HttpResponse<String> response = post("/v1/chat/completions", huge);
    assertEquals(413, response.statusCode());
    assertTrue(json(response).get("error").get("message").asText().contains("larger than"), response.body());
  }

  @Test
  void modelsListsTheModelAndHealthIsOk() throws Exception {
    JsonNode models = json(send(HttpRequest.newBuilder(server.url().resolve("/v1/models")).GET()));
    assertEquals("list", models.get("object").asText());
    assertEquals(1, models.get("data").size());
    assertEquals("demo-v1", models.get("data").get(0).get("id").asText());
    assertEquals("model", models.get("data").get(0).get("object").asText());

    HttpResponse<String> health = send(HttpRequest.newBuilder(server.url().resolve("/health")).GET());
    assertEquals(200, health.statusCode());
    assertEquals("ok", json(health).get("status").asText());
  }

  @Test
  void aClientLeavingAStreamCancelsItsGenerationAndTheNextRequestIsServed() throws Exception {
    // Until the context is full: a generation nobody cancels would hold the only worker for hours.
    HttpRequest endless = jsonPost(server.url().resolve("/v1/chat/completions"),
        chat(", \"max_tokens\": 130000, \"stream\": true")).build();
    HttpResponse<InputStream> stream = CLIENT.send(endless, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < 3; i++) {
        assertTrue(reader.readLine().startsWith("data: {"));
        reader.readLine(); // the blank line after each event
      }
    }
    HttpResponse<String> next = post("/v1/chat/completions", chat(", \"max_tokens\": 2"));
    assertEquals(200, next.statusCode(), next.body());
    assertTrue(LOG.toString().contains("client gone"), LOG.toString());
  }
}
