package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gptoss bench} prints a table and writes the JSON shape outside checks read. */
class BenchCommandTest {
  private static final Path FIXTURE = Path.of("../engine-core/src/test/resources/tiny-gpt-oss");

  @TempDir Path dir;

  @Test
  void writesTheDocumentedJsonShape() throws IOException {
    Bench run = bench(FIXTURE.toString(), "bench.json",
        "--prompt-tokens", "8", "--gen-tokens", "4", "--depth", "0,16", "--reps", "2");
    JsonNode r = run.json();
    assertTrue(r.get("threads").asInt() >= 1);
    for (String key : new String[] {"open_s", "ttft_s", "stream_gb_per_s"}) {
      assertTrue(r.get(key).asDouble() > 0, key + " in " + r);
    }
    assertTrue(r.get("peak_rss_bytes").asLong() > 0);
    assertEquals(8, r.get("prefill").get("tokens").asInt());
    assertSpread(r.get("prefill").get("tokens_per_s"));
    JsonNode decode = r.get("decode");
    assertEquals(2, decode.size());
    assertEquals(0, decode.get(0).get("depth").asInt());
    assertEquals(16, decode.get(1).get("depth").asInt());
    assertEquals(4, decode.get(1).get("tokens").asInt());
    assertSpread(decode.get(1).get("tokens_per_s"));
    assertTrue(decode.get(1).get("bytes_per_token").asLong() > decode.get(0).get("bytes_per_token").asLong(),
        "a deeper context reads more KV bytes per token");
  }

  @Test
  void sessionsMeasureTheBatchedDecodeOfConcurrentSequences() throws IOException {
    Bench run = bench(FIXTURE.toString(), "sessions.json",
        "--prompt-tokens", "4", "--gen-tokens", "3", "--reps", "1", "--sessions", "1,3");
    assertTrue(run.out().contains("sessions 3"), run.out());
    JsonNode sessions = run.json().get("sessions");
    assertEquals(2, sessions.size());
    for (int i = 0; i < 2; i++) {
      JsonNode s = sessions.get(i);
      assertEquals(i == 0 ? 1 : 3, s.get("sessions").asInt());
      assertSpread(s.get("aggregate_decode_tokens_per_s"));
      assertSpread(s.get("per_sequence_tokens_per_s"));
      // a pass runs one token of every sequence: aggregate = sessions × per sequence
      assertEquals(s.get("sessions").asInt() * s.get("per_sequence_tokens_per_s").get("median").asDouble(),
          s.get("aggregate_decode_tokens_per_s").get("median").asDouble(), 1e-6);
    }
  }

  @Test
  void budgetSplitsADecodeStepIntoOperationClassesThatAddUpToTheStep() throws IOException {
    Bench run = bench(FIXTURE.toString(), "budget.json",
        "--prompt-tokens", "4", "--gen-tokens", "3", "--reps", "1", "--depth", "5", "--budget");
    assertTrue(run.out().contains("MXFP4 experts"), run.out());
    JsonNode b = run.json().get("budget");
    assertEquals(5, b.get("depth").asInt());
    assertEquals(3, b.get("tokens").asInt());
    double sum = 0;
    java.util.Map<String, JsonNode> rows = new java.util.HashMap<>();
    for (JsonNode row : b.get("rows")) {
      rows.put(row.get("op").asText(), row);
      sum += row.get("ms_per_token").asDouble();
    }
    assertEquals(b.get("step_ms").asDouble(), sum, 1e-6 * b.get("step_ms").asDouble(), "the classes add up to the step");
    JsonNode experts = rows.get("MXFP4 experts (mlp1 + mlp2)");
    assertTrue(experts.get("ms_per_token").asDouble() > 0, experts.toString());
    assertTrue(experts.get("bytes_per_token").asLong() > 0, experts.toString());
    assertTrue(rows.get("unembedding").get("ms_per_token").asDouble() > 0, rows.toString());
    assertTrue(rows.get("attention (scores, softmax, values)").get("bytes_per_token").asLong() > 0,
        "5 tokens of context are read: " + rows);
    assertTrue(rows.containsKey("thread hand-offs and waits"), rows.toString());
    Bench plain = bench(FIXTURE.toString(), "plain.json", "--prompt-tokens", "4", "--gen-tokens", "2", "--reps", "1");
    assertTrue(plain.json().get("budget").isNull(), "no budget unless asked for");
  }

  @Test
  void cachedPrefixReusesTheInstructionsAnotherSessionPrefilled() throws IOException {
    // the request goes through the public API, so it needs a model with the real vocabulary: the demo
    Path demo = DemoModel.ensure(dir, new java.io.PrintWriter(java.io.Writer.nullWriter()));
    Bench run = bench(demo.toString(), "prefix.json",
        "--prompt-tokens", "4", "--gen-tokens", "2", "--reps", "2", "--cached-prefix", "40");
    JsonNode c = run.json().get("cached_prefix");
    int prefix = c.get("prefix_tokens").asInt();
    assertTrue(prefix >= 40, c.toString());
    assertTrue(c.get("prompt_tokens").asInt() > prefix, c.toString());
    // the instructions and everything before them are reused; the question after them is not
    assertTrue(c.get("cached_tokens").asInt() >= prefix, c.toString());
    assertTrue(c.get("cached_tokens").asInt() < c.get("prompt_tokens").asInt(), c.toString());
    assertSpread(c.get("cold_ttft_s"));
    assertSpread(c.get("cached_ttft_s"));
  }

  @Test
  void verifyCostTimesEachDraftLengthAtBothDepths() throws IOException {
    Bench run = bench(FIXTURE.toString(), "verify.json",
        "--prompt-tokens", "4", "--gen-tokens", "2", "--reps", "1", "--verify-cost", "3");
    assertTrue(run.out().contains("verify @1024  k=3"), run.out());
    JsonNode r = run.json();
    JsonNode costs = r.get("verify_cost");
    assertEquals(6, costs.size());
    for (int i = 0; i < 6; i++) {
      JsonNode c = costs.get(i);
      assertEquals(i < 3 ? 0 : 1024, c.get("depth").asInt());
      assertEquals(i % 3 + 1, c.get("tokens").asInt());
      assertTrue(c.get("step_ms").asDouble() > 0 && c.get("verify_ms").asDouble() > 0, c.toString());
      assertEquals(c.get("verify_ms").asDouble() / c.get("step_ms").asDouble(), c.get("ratio").asDouble(), 1e-9);
    }
    assertEquals(1, r.get("decode").size(), "the other measurements stay as they were");
  }

  @Test
  void int8PrecisionReadsFewerBytesPerToken() throws IOException {
    long[] bytes = new long[2];
    String[] precisions = {"exact", "int8"};
    for (int i = 0; i < 2; i++) {
      Bench run = bench(FIXTURE.toString(), precisions[i] + ".json",
          "--prompt-tokens", "4", "--gen-tokens", "2", "--reps", "1", "--precision", precisions[i]);
      JsonNode r = run.json();
      assertEquals(precisions[i].toUpperCase(java.util.Locale.ROOT), r.get("precision").asText());
      bytes[i] = r.get("decode").get(0).get("bytes_per_token").asLong();
    }
    assertTrue(bytes[1] < bytes[0], "int8 reads " + bytes[1] + " bytes per token, exact " + bytes[0]);
  }

  @Test
  void invalidSettingsAreOneClearLineNamingTheValue() {
    assertRefused("reps must be at least 1, got 0", "--reps", "0");
    assertRefused("depths must be one or more context lengths ≥ 0, got [0, -5]", "--depth", "0,-5");
    assertRefused("sessions must be counts from 1 to 256, got [0]", "--sessions", "0");
    assertRefused("cached prefix must be a token count ≥ 0, got -1", "--cached-prefix", "-1");
    assertRefused("verify tokens must be in [0, 64] (0 = skip), got -1", "--verify-cost", "-1");
    assertRefused("verify tokens must be in [0, 64] (0 = skip), got 65", "--verify-cost", "65");
  }

  @Test
  void aDirectoryWithoutACheckpointFailsBeforeAnyMeasurement(@TempDir Path empty) {
    CliRun run = CliRun.of("bench", "--model", empty.toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("no checkpoint found"), run.err());
    assertFalse(run.err().contains("measuring stream bandwidth"), run.err());
  }

  /** What one successful {@code gptoss bench --json} run printed and wrote. */
  private record Bench(String out, JsonNode json) {}

  /** Runs {@code gptoss bench --model model ARGS --json dir/jsonName}, which must succeed. */
  private Bench bench(String model, String jsonName, String... args) throws IOException {
    Path json = dir.resolve(jsonName);
    CliRun run = benchCommand(model, args, "--json", json.toString());
    assertEquals(0, run.code(), run.err());
    return new Bench(run.out(), new ObjectMapper().readTree(json.toFile()));
  }

  /** {@code gptoss bench} with ARGS exits 1 with exactly this one-line error. */
  private static void assertRefused(String error, String... args) {
    CliRun run = benchCommand(FIXTURE.toString(), args);
    assertEquals(1, run.code(), run.err());
    assertEquals("gptoss bench: " + error, run.err().strip());
  }

  private static CliRun benchCommand(String model, String[] args, String... more) {
    List<String> command = new ArrayList<>(List.of("bench", "--model", model));
    command.addAll(List.of(args));
    command.addAll(List.of(more));
    return CliRun.of(command.toArray(String[]::new));
  }

  private static void assertSpread(JsonNode s) {
    double min = s.get("min").asDouble();
    double median = s.get("median").asDouble();
    double max = s.get("max").asDouble();
    assertTrue(0 < min && min <= median && median <= max, s.toString());
  }
}
