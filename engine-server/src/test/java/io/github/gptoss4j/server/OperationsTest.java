package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gptoss4j.generate.GptOss;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's operations: the bounded queue, the per-request deadline, shutdown mid-stream, metrics, health. */
@Timeout(120)
class OperationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String ENDLESS =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 100000, \"stream\": true}";

  private static HttpResponse<String> post(GptOssServer server, String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<InputStream> open(GptOssServer server, String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static HttpResponse<String> get(GptOssServer server, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(server.url().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pastTheQueueARequestIs429WithRetryAfter() throws Exception {
    try (GptOssServer server = TestModel.server().parallel(1).maxQueue(0).build().start()) {
      HttpResponse<InputStream> running = open(server, "/v1/chat/completions", ENDLESS);
      try (BufferedReader events = reader(running)) {
        assertTrue(events.readLine().startsWith("data: "), "the only slot is generating");
        HttpResponse<String> refused = post(server, "/v1/chat/completions",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 1}");
        assertEquals(429, refused.statusCode(), refused.body());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        assertEquals("rate_limit_exceeded", JSON.readTree(refused.body()).at("/error/code").asText());
        assertEquals(200, get(server, "/health").statusCode(), "health is no generation: it is answered");
      }
    }
  }

  @Test
  void aRequestPastItsDeadlineIsCutWithFinishReasonLength() throws Exception {
    try (GptOssServer server = TestModel.server().requestTimeout(Duration.ofSeconds(1)).build().start()) {
      long start = System.nanoTime();
      HttpResponse<String> cut = post(server, "/v1/chat/completions",
          "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 100000}");
      assertEquals(200, cut.statusCode(), cut.body());
      assertEquals("length", JSON.readTree(cut.body()).at("/choices/0/finish_reason").asText());
      assertTrue((System.nanoTime() - start) / 1e9 < 20, "the deadline, not 100000 tokens");
    }
  }

  @Test
  void shutdownEndsARunningStreamWithAnErrorNotAFinish() throws Exception {
    String threeChoices = ENDLESS.replace("\"stream\"", "\"n\": 3, \"stream\"");
    for (String request : List.of("/v1/chat/completions " + ENDLESS, "/v1/chat/completions " + threeChoices,
        "/v1/responses {\"input\": \"Hi\", \"max_output_tokens\": 100000, \"stream\": true}")) {
      String path = request.substring(0, request.indexOf(' '));
      String body = request.substring(path.length() + 1);
      GptOssServer server = TestModel.server().build().start();
      HttpResponse<InputStream> running = open(server, path, body);
      List<String> lines = new ArrayList<>();
      try (BufferedReader events = reader(running)) {
        for (int i = 0; i < 6; i++) {
          lines.add(events.readLine());
        }
        AtomicReference<Thread> closer = new AtomicReference<>(Thread.ofPlatform().start(server::close));
        for (String line; (line = events.readLine()) != null; ) {
          lines.add(line);
        }
        closer.get().join(30_000);
        assertFalse(closer.get().isAlive(), body + ": every generation (each choice) was cancelled");
      }
      GptOss model = TestModel.model();
      assertEquals(model.prefixCacheBytes(), model.kvCacheBytes(), body + ": the sessions' KV caches are freed");
      String last = lines.stream().filter(l -> l.startsWith("data: ")).toList().getLast();
      JsonNode error = JSON.readTree(last.substring("data: ".length()));
      assertEquals("server_shutting_down", error.has("error") ? error.at("/error/code").asText() : error.get("code").asText(),
          body + ": " + last);
      assertFalse(lines.stream().anyMatch(l -> l.contains("\"finish_reason\":\"stop\"") || l.equals("data: [DONE]")
          || l.contains("response.completed")), body + " did not end as if finished");
    }
  }

  @Test
  void metricsCountRequestsTokensAndTheQueueInPrometheusText() throws Exception {
    try (GptOssServer server = TestModel.server().build().start()) {
      post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 3}");
      post(server, "/v1/chat/completions", "{\"messages\": []}");
      HttpResponse<String> metrics = get(server, "/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      String text = metrics.body();
      assertTrue(text.contains("gptoss_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 1\n"), text);
      assertTrue(text.contains("gptoss_requests_total{route=\"/v1/chat/completions\",status=\"400\"} 1\n"), text);
      assertTrue(text.contains("gptoss_generated_tokens_total 3\n"), text);
      assertTrue(text.contains("gptoss_queue_depth 0\n"), text);
      assertTrue(text.contains("# TYPE gptoss_time_to_first_token_seconds_total counter"), text);
      for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
        assertTrue(line.matches("[a-z_]+(\\{[^}]*})? [0-9.]+"), "exposition format: " + line);
      }
    }
  }

  @Test
  void kvCacheBytesAreGaugedAndAStoredPromptPrefixTakesWhatTheModelsShapeSays() throws Exception {
    try (GptOssServer server = TestModel.server().build().start()) {
      long kvBefore = gauge(get(server, "/metrics").body(), "gptoss_kv_cache_bytes");
      long prefixBefore = gauge(get(server, "/metrics").body(), "gptoss_prefix_cache_bytes");
      // a system message no earlier request had: its prefix is stored in the shared prefix cache
      String system = "You answer for the KV test " + System.nanoTime() + ".";
      HttpResponse<String> answer = post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"system\","
          + " \"content\": \"" + system + "\"}, {\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 2}");
      assertEquals(200, answer.statusCode(), answer.body());
      String text = get(server, "/metrics").body();
      assertTrue(text.contains("# TYPE gptoss_kv_cache_bytes gauge\n"), text);
      assertTrue(text.contains("# TYPE gptoss_prefix_cache_bytes gauge\n"), text);
      long kv = gauge(text, "gptoss_kv_cache_bytes");
      long prefix = gauge(text, "gptoss_prefix_cache_bytes");
      // One position of one layer is a key and a value row per KV head: 2 x kv_heads x head_dim x 4 bytes (f32).
      // A stored prefix shorter than a chunk holds 1024 positions in each full-attention layer and, in each
      // sliding one, its ring of window + 256 - 1 (the prefill block) positions.
      var config = io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset.TINY.config();
      long perPosition = 2L * config.numKvHeads() * config.headDim() * Float.BYTES;
      long positions = 0;
      for (int l = 0; l < config.numLayers(); l++) {
        positions += config.windowOf(l) > 0 ? config.slidingWindow() + 256 - 1 : 1024;
      }
      assertEquals(perPosition * positions, prefix - prefixBefore, "one prefix stored: " + text);
      // the request's own session is closed: what stays is the prefix cache's new entry
      assertEquals(prefix - prefixBefore, kv - kvBefore, text);
      assertTrue(kv >= prefix, text);
    }
  }

  private static long gauge(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " ")).map(l -> Long.parseLong(l.substring(name.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError(name + " missing from " + metrics));
  }

  @Test
  void eachGenerationIsAJfrEventWithItsRouteAndTokens() throws Exception {
    List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    try (GptOssServer server = TestModel.server().build().start(); RecordingStream jfr = new RecordingStream()) {
      jfr.enable("gptoss4j.ServedGeneration");
      jfr.onEvent("gptoss4j.ServedGeneration", events::add);
      jfr.startAsync();
      post(server, "/v1/responses", "{\"input\": \"Hi\", \"max_output_tokens\": 2}");
      for (int i = 0; i < 100 && events.isEmpty(); i++) {
        Thread.sleep(100); // the stream delivers about once a second
      }
    }
    assertEquals(1, events.size());
    RecordedEvent e = events.getFirst();
    assertEquals("/v1/responses", e.getString("route"));
    assertFalse(e.getBoolean("streamed"));
    assertEquals(2, e.getInt("generatedTokens"));
    assertEquals("LENGTH", e.getString("stopReason"));
  }

  @Test
  void healthReportsAModelThatCannotBeUsed() throws Exception {
    AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());
    try (GptOssServer server = TestModel.server().healthCheck(problem::get).build().start()) {
      assertEquals(200, get(server, "/health").statusCode());
      problem.set(Optional.of("model-00001.safetensors changed size from 100 to 10 bytes"));
      HttpResponse<String> sick = get(server, "/health");
      assertEquals(503, sick.statusCode());
      assertTrue(sick.body().contains("model-00001.safetensors changed size"), sick.body());
    }
  }

  @Test
  void anApiKeyIsNeededEverywhereButHealth() throws Exception {
    try (GptOssServer server = TestModel.server().apiKey("k1").build().start()) {
      assertEquals(200, get(server, "/health").statusCode());
      HttpResponse<String> models = get(server, "/v1/models");
      assertEquals(401, models.statusCode());
      assertEquals("Bearer", models.headers().firstValue("WWW-Authenticate").orElse(""));
      HttpResponse<String> ok = CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/models"))
          .header("Authorization", "Bearer k1").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
    }
  }

  private static BufferedReader reader(HttpResponse<InputStream> response) throws IOException {
    assertEquals(200, response.statusCode());
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }
}
