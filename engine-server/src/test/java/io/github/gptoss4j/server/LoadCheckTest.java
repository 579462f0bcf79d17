package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounded load check: {@value #CLIENTS} concurrent streaming clients on loopback send {@value #REQUESTS}
 * requests each to a server generating {@value #PARALLEL} at a time (the rest queue); every stream must end
 * with its usage and {@code [DONE]}, with no error. It prints throughput and time to first token, the figures in
 * docs/benchmarks.md; it asserts no speed (timings on a shared machine are not a test). {@code
 * -Dgptoss.load.clients=N -Dgptoss.load.requests=M} make it bigger.
 */
@Timeout(300)
class LoadCheckTest {
  private static final int CLIENTS = 4;
  private static final int REQUESTS = 3;
  private static final int PARALLEL = 2;
  private static final int MAX_TOKENS = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request's outcome. */
  private record Outcome(double ttftSeconds, int completionTokens) {}

  @Test
  void concurrentStreamingClientsAllFinishWithoutErrors() throws Exception {
    int clients = Integer.getInteger("gptoss.load.clients", CLIENTS);
    int requests = Integer.getInteger("gptoss.load.requests", REQUESTS);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try (GptOssServer server = TestModel.server().parallel(PARALLEL).maxQueue(clients).build().start();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long start = System.nanoTime();
      List<Future<List<Outcome>>> runs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        runs.add(pool.submit(() -> {
          List<Outcome> outcomes = new ArrayList<>();
          for (int r = 0; r < requests; r++) {
            outcomes.add(stream(http, server, client * 1000L + r));
          }
          return outcomes;
        }));
      }
      List<Outcome> all = new ArrayList<>();
      for (Future<List<Outcome>> run : runs) {
        all.addAll(run.get());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(clients * requests, all.size());
      List<Double> ttft = new ArrayList<>(all.stream().map(Outcome::ttftSeconds).toList());
      Collections.sort(ttft);
      int tokens = all.stream().mapToInt(Outcome::completionTokens).sum();
      System.out.printf(Locale.ROOT, "load check: %d clients x %d streamed requests (%d tokens each), parallel %d:"
          + " %d requests in %.1f s, 0 errors, %.2f requests/s, %.1f generated tokens/s, TTFT p50 %.2f s,"
          + " p95 %.2f s%n", clients, requests, MAX_TOKENS, PARALLEL, all.size(), seconds, all.size() / seconds,
          tokens / seconds, ttft.get(ttft.size() / 2), ttft.get((int) Math.ceil(ttft.size() * 0.95) - 1));
    }
  }

  private static Outcome stream(HttpClient http, GptOssServer server, long seed) throws Exception {
    String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about the sea.\"}], \"max_tokens\": "
        + MAX_TOKENS + ", \"seed\": " + seed + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}";
    long start = System.nanoTime();
    HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(
        server.url().resolve("/v1/chat/completions")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(240)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    double ttft = -1;
    int tokens = -1;
    String last = null;
    try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = events.readLine()) != null; ) {
        if (!line.startsWith("data: ")) {
          continue;
        }
        last = line;
        if (line.equals("data: [DONE]")) {
          break;
        }
        JsonNode chunk = JSON.readTree(line.substring(6));
        assertTrue(!chunk.has("error"), line);
        if (ttft < 0 && chunk.at("/choices/0/delta/content").asText("").length() > 0) {
          ttft = (System.nanoTime() - start) / 1e9;
        }
        if (chunk.hasNonNull("usage")) {
          tokens = chunk.at("/usage/completion_tokens").asInt();
        }
      }
    }
    assertEquals("data: [DONE]", last);
    assertEquals(MAX_TOKENS, tokens);
    return new Outcome(ttft < 0 ? (System.nanoTime() - start) / 1e9 : ttft, tokens);
  }
}
