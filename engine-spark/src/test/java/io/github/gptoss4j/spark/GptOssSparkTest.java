package io.github.gptoss4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Spark session in {@code local[2]} answering DataFrames of prompts with the demo model. */
class GptOssSparkTest {
  private static final String SYSTEM = "Answer in one word.";
  private static final int MAX_TOKENS = 5;
  private static final long SEED = 7;
  private static final List<String> PROMPTS = List.of(
      "Why is the sky blue?", "Name a prime number.", "What is the capital of France?", "Say hello.",
      "Is water wet?", "Pick a colour.");
  private static final StructType PROMPT_SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("prompt", DataTypes.StringType, true);

  private static SparkSession spark;

  @BeforeAll
  static void startSpark(@TempDir Path tmp) {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("gptoss4j-spark-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.local.dir", tmp.resolve("local").toString())
        .config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString())
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static SparkGenerationOptions.Builder options() {
    return SparkGenerationOptions.builder()
        .modelPath(DemoCheckpoint.dir().toString())
        .systemPrompt(SYSTEM)
        .reasoningEffort(ReasoningEffort.LOW)
        .maxTokens(MAX_TOKENS)
        .temperature(1.0)
        .seed(SEED)
        .replyChannel("final"); // random weights never write a Harmony header themselves
  }

  /** The prompts as (id, prompt) rows in {@code partitions} partitions. */
  private static Dataset<Row> prompts(List<String> prompts, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      rows.add(RowFactory.create(i, prompts.get(i)));
    }
    return spark.createDataFrame(rows, PROMPT_SCHEMA).repartition(partitions);
  }

  /** Each row of {@code answered} by its id. */
  private static Map<Integer, Row> byId(Dataset<Row> answered) {
    Map<Integer, Row> rows = new HashMap<>();
    for (Row row : answered.collectAsList()) {
      rows.put(row.getInt(row.fieldIndex("id")), row);
    }
    return rows;
  }

  /** The columns a row gets from generation, by name, so that answers of two jobs can be compared. */
  private static List<Object> generated(Row row) {
    return Arrays.stream(new String[] {"answer", "reasoning", "finish_reason", "prompt_tokens", "completion_tokens",
        "error"}).map(name -> row.get(row.fieldIndex(name))).toList();
  }

  @Test
  void answersEveryRowAsTheLibraryDoesCalledDirectly() {
    Dataset<Row> answered = GptOssSpark.generate(prompts(PROMPTS, 3), "prompt", options().build());

    assertEquals(List.of("id", "prompt", "answer", "reasoning", "finish_reason", "prompt_tokens",
        "completion_tokens", "error"), List.of(answered.columns()));
    Map<Integer, Row> rows = byId(answered);
    assertEquals(PROMPTS.size(), rows.size());
    try (GptOss model = GptOss.load(DemoCheckpoint.dir())) {
      for (int id = 0; id < PROMPTS.size(); id++) {
        GenerationResult expected;
        try (ChatSession session = model.newSession()) {
          expected = session.generate(GenerationRequest.builder()
              .instructions(SYSTEM)
              .reasoningEffort(ReasoningEffort.LOW)
              .maxTokens(MAX_TOKENS)
              .sampling(SamplingOptions.builder().temperature(1.0).seed(SEED).build())
              .replyChannel("final")
              .user(PROMPTS.get(id))
              .build());
        }
        Row row = rows.get(id);
        assertEquals(PROMPTS.get(id), row.getAs("prompt"));
        assertNull(row.getAs("error"), () -> "row " + row);
        assertEquals(expected.finalText(), row.getAs("answer"), "answer of row " + id);
        assertEquals(expected.reasoning(), row.getAs("reasoning"), "reasoning of row " + id);
        assertEquals(expected.stats().promptTokens(), (int) row.getAs("prompt_tokens"));
        assertEquals(expected.stats().generatedTokens(), (int) row.getAs("completion_tokens"));
        assertEquals(expected.stopReason() == StopReason.LENGTH ? "length" : "stop", row.getAs("finish_reason"));
      }
    }
    // Answers that all looked alike would make the comparison above say little.
    assertTrue(new HashSet<>(rows.values().stream().map(r -> r.getAs("answer")).toList()).size() > 1,
        "different prompts gave the same answer");
  }

  @Test
  void aRowsAnswerDependsOnItsPromptAndOptionsOnlyNotOnPartitioningThreadsOrBatching() {
    SparkGenerationOptions options = options().build();
    Map<Integer, Row> first = byId(GptOssSpark.generate(prompts(PROMPTS, 3), "prompt", options));
    Map<Integer, Row> again = byId(GptOssSpark.generate(prompts(PROMPTS, 3), "prompt", options));
    Map<Integer, Row> onePartition = byId(GptOssSpark.generate(prompts(PROMPTS, 1), "prompt", options));
    Map<Integer, Row> reversed = byId(
        GptOssSpark.generate(prompts(PROMPTS.reversed(), 4), "prompt", options));
    Map<Integer, Row> oneThread =
        byId(GptOssSpark.generate(prompts(PROMPTS, 2), "prompt", options().threads(1).build()));
    Map<Integer, Row> unbatched =
        byId(GptOssSpark.generate(prompts(PROMPTS, 2), "prompt", options().batchSize(1).build()));
    Map<Integer, Row> otherSeed =
        byId(GptOssSpark.generate(prompts(PROMPTS, 3), "prompt", options().seed(SEED + 1).build()));

    int differentWithOtherSeed = 0;
    for (int id = 0; id < PROMPTS.size(); id++) {
      List<Object> answer = generated(first.get(id));
      assertEquals(answer, generated(again.get(id)), "rerun, row " + id);
      assertEquals(answer, generated(onePartition.get(id)), "one partition, row " + id);
      assertEquals(answer, generated(oneThread.get(id)), "one kernel thread, row " + id);
      assertEquals(answer, generated(unbatched.get(id)), "one row at a time, row " + id);
      // Reversed, row i holds prompt size-1-i.
      assertEquals(answer, generated(reversed.get(PROMPTS.size() - 1 - id)), "reversed order, prompt " + id);
      if (!answer.equals(generated(otherSeed.get(id)))) {
        differentWithOtherSeed++;
      }
    }
    assertTrue(differentWithOtherSeed > 0, "the seed changed no answer");
  }

  @Test
  void theSqlFunctionAnswersAsGenerateDoes() {
    SparkGenerationOptions options = options().build();
    prompts(PROMPTS, 3).createOrReplaceTempView("prompts");
    GptOssSpark.register(spark, "gptoss_generate", options);

    Map<Integer, Row> sql = byId(spark.sql(
        "SELECT id, r.* FROM (SELECT id, gptoss_generate(prompt) AS r FROM prompts)"));
    Map<Integer, Row> generated = byId(GptOssSpark.generate(prompts(PROMPTS, 2), "prompt", options));

    assertEquals(PROMPTS.size(), sql.size());
    for (int id = 0; id < PROMPTS.size(); id++) {
      assertNull(sql.get(id).getAs("error"));
      assertEquals(generated(generated.get(id)), generated(sql.get(id)), "row " + id);
    }
    List<Row> plain = spark.sql("SELECT gptoss_generate('Say hello.').answer AS answer").collectAsList();
    assertEquals(generated.get(PROMPTS.indexOf("Say hello.")).getAs("answer"), plain.get(0).getString(0));
    List<Row> nullPrompt = spark.sql("SELECT gptoss_generate(CAST(NULL AS STRING)).error").collectAsList();
    assertEquals("the prompt is null; expected a string", nullPrompt.get(0).getString(0));
  }

  @Test
  void aBadRowGetsAnErrorAndTheOthersAreAnswered() {
    String tooLong = "word ".repeat(DemoCheckpoint.CONTEXT + 10);
    List<String> mixed = Arrays.asList("Say hello.", null, tooLong, "Pick a colour.");
    Map<Integer, Row> rows = byId(GptOssSpark.generate(prompts(mixed, 2), "prompt", options().build()));

    assertEquals("the prompt is null; expected a string", rows.get(1).getAs("error"));
    String overflow = rows.get(2).getAs("error");
    assertNotNull(overflow);
    assertTrue(overflow.contains("context limit of " + DemoCheckpoint.CONTEXT), overflow);
    for (int bad : new int[] {1, 2}) {
      assertEquals(Arrays.asList(null, null, null, null, null), generated(rows.get(bad)).subList(0, 5));
    }
    for (int good : new int[] {0, 3}) {
      assertNull(rows.get(good).getAs("error"));
      assertNotNull(rows.get(good).getAs("answer"));
      assertEquals(MAX_TOKENS, (int) rows.get(good).getAs("completion_tokens"));
    }
  }

  @Test
  void aSchemaTheLibraryCannotEnforceIsEachRowsErrorAndTheJobCompletes() {
    String unsupported = """
        {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}""";
    SparkGenerationOptions options = options().jsonSchema(unsupported).build();
    List<Row> rows = GptOssSpark.generate(prompts(PROMPTS.subList(0, 2), 2), "prompt", options).collectAsList();
    assertEquals(2, rows.size());
    for (Row row : rows) {
      String error = row.getAs("error");
      assertNotNull(error, () -> "row " + row);
      assertTrue(error.contains("#/properties/n: unsupported keyword 'minimum'"), error);
      assertNull(row.getAs("answer"));
    }
  }

  @Test
  void aJsonSchemaMakesEveryAnswerValidUnderIt() throws Exception {
    String schema = """
        {"type": "object", "properties": {"label": {"enum": ["billing", "delivery", "other"]}},
         "required": ["label"], "additionalProperties": false}""";
    SparkGenerationOptions options = options().jsonSchema(schema).maxTokens(24).build();
    List<Row> rows = GptOssSpark.generate(prompts(PROMPTS.subList(0, 3), 2), "prompt", options).collectAsList();

    assertEquals(3, rows.size());
    ObjectMapper json = new ObjectMapper();
    for (Row row : rows) {
      assertNull(row.getAs("error"), () -> "row " + row);
      assertEquals("stop", row.getAs("finish_reason"), "the document closed within maxTokens");
      JsonNode answer = json.readTree(row.<String>getAs("answer"));
      assertEquals(List.of("label"), answer.properties().stream().map(Map.Entry::getKey).toList());
      assertTrue(List.of("billing", "delivery", "other").contains(answer.get("label").asText()), answer.toString());
    }
  }

  @Test
  void anInputWithoutAUsablePromptColumnIsRefusedWhenTheJobIsDefined() {
    Dataset<Row> input = prompts(PROMPTS, 1);
    SparkGenerationOptions options = options().build();

    GenerationException missing =
        assertThrows(GenerationException.class, () -> GptOssSpark.generate(input, "text", options));
    assertEquals("the input has no column 'text'; its columns are [id, prompt]", missing.getMessage());
    GenerationException notString =
        assertThrows(GenerationException.class, () -> GptOssSpark.generate(input, "id", options));
    assertEquals("the prompt column 'id' has type int; expected string", notString.getMessage());
    GenerationException clash = assertThrows(GenerationException.class,
        () -> GptOssSpark.generate(input.withColumnRenamed("id", "Answer"), "prompt", options));
    assertTrue(clash.getMessage().startsWith("the input already has a column 'Answer'"), clash.getMessage());
  }

  @Test
  void aModelPathWithoutACheckpointFailsTheJobNamingThePath(@TempDir Path empty) throws Exception {
    Files.writeString(empty.resolve("README"), "not a model");
    SparkGenerationOptions options = options().modelPath(empty.toString()).build();
    Dataset<Row> answered = GptOssSpark.generate(prompts(PROMPTS.subList(0, 1), 1), "prompt", options);

    Exception failure = assertThrows(Exception.class, answered::collectAsList);
    String messages = causes(failure);
    assertTrue(messages.contains(empty.toString()), messages);
    assertNotEquals(-1, messages.indexOf("CheckpointException"), messages);
  }

  /** The exception's chain, one "Class: message" per cause. */
  private static String causes(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return s.toString();
  }
}
