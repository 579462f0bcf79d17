package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Issue 24's fuzz test of the HTTP request JSON: a fixed number of random and mutated bodies through the same
 * reading and mapping the handlers use, for both APIs. Every body either maps to a Generator request or is a
 * 400 whose message names what is wrong; any other exception is a bug.
 */
class RequestJsonFuzzTest {
  private static final int CASES = 4000;
  private static final ServerSettings SETTINGS = GptOssServer.builder().build().settings();

  private static final List<String> CHAT_SEEDS = List.of(
      "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 5, \"seed\": 1}",
      """
      {"model": "m", "messages": [{"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Weather?"}]},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
          "function": {"name": "w", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"}],
       "tools": [{"type": "function", "function": {"name": "w", "parameters": {"type": "object"}}}],
       "tool_choice": "auto", "temperature": 0.5, "top_p": 0.9, "stop": ["x"], "logprobs": true,
       "top_logprobs": 2, "stream": true, "stream_options": {"include_usage": true}, "logit_bias": {"5": 1},
       "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}}}}""");

  private static final List<String> RESPONSES_SEEDS = List.of(
      "{\"input\": \"Hi\", \"max_output_tokens\": 5}",
      """
      {"model": "m", "instructions": "Be brief.", "reasoning": {"effort": "low"},
       "input": [{"role": "user", "content": [{"type": "input_text", "text": "Weather?"}]},
         {"type": "function_call", "call_id": "c1", "name": "w", "arguments": "{}"},
         {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
         {"type": "reasoning", "id": "rs_1", "summary": []}],
       "tools": [{"type": "function", "name": "w", "parameters": {"type": "object"}, "strict": false}],
       "tool_choice": {"type": "function", "name": "w"}, "stream": true, "metadata": {"k": "v"},
       "text": {"format": {"type": "json_object"}}}""");

  private static final String[] TOKENS = {"{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1", "1e309",
      "2147483648", "0.5", "\"\\u0000\"", "\"messages\"", "\"role\"", "\"input\"", "\"type\"", "\\", " ", "\n"};

  @Test
  void randomAndMutatedChatBodiesMapOrAre400s() {
    fuzz(CHAT_SEEDS, body -> ChatCompletionMapping.of(JsonBody.read(body, ChatCompletionRequest.class), SETTINGS));
  }

  @Test
  void randomAndMutatedResponsesBodiesMapOrAre400s() {
    fuzz(RESPONSES_SEEDS, body -> ResponsesMapping.of(JsonBody.read(body, ResponsesRequest.class), SETTINGS));
  }

  private static void fuzz(List<String> seeds, Function<byte[], Object> map) {
    Random random = new Random(20241124L);
    int mapped = 0;
    int refused = 0;
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      byte[] body = i % 4 == 0 ? randomBytes(random) : mutate(seeds.get(i % seeds.size()), random);
      try {
        assertTrue(map.apply(body) != null);
        mapped++;
      } catch (ApiException e) {
        assertEquals(400, e.status());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        refused++;
      } catch (RuntimeException e) {
        failures.add(e + " for " + new String(body, StandardCharsets.UTF_8));
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " unexpected exceptions, first: " + failures.getFirst());
    assertTrue(mapped > CASES / 20 && refused > CASES / 4, mapped + " mapped, " + refused + " refused");
  }

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }

  /** One to three edits of a valid body: a byte changed, a span cut, a token inserted, the tail dropped. */
  private static byte[] mutate(String seed, Random random) {
    StringBuilder s = new StringBuilder(seed);
    for (int edits = 1 + random.nextInt(3); edits > 0 && !s.isEmpty(); edits--) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(5)) {
        case 0 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(12)));
        case 2 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 3 -> s.setLength(at);
        default -> { } // an unchanged valid body now and then
      }
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }
}
