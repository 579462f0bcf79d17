package io.github.gptoss4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.Precision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SparkGenerationOptionsTest {

  @Test
  void survivesJavaSerializationAsSparkShipsItToExecutors() throws Exception {
    SparkGenerationOptions options = SparkGenerationOptions.builder()
        .modelPath("/models/gpt-oss-20b")
        .systemPrompt("Label the ticket.")
        .reasoningEffort(ReasoningEffort.HIGH)
        .maxTokens(64)
        .temperature(0.5)
        .seed(42)
        .replyChannel("final")
        .jsonSchema("{\"type\": \"object\"}")
        .threads(4)
        .precision(Precision.INT8)
        .batchSize(3)
        .build();

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(options);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(options, in.readObject());
    }
  }

  @Test
  void defaultsAreTheLibrarysWithSeedZero() {
    SparkGenerationOptions options = SparkGenerationOptions.builder().modelPath("m").build();

    assertEquals(new SparkGenerationOptions("m", null, null, 0, 1.0, 0, null, null, 0, Precision.EXACT,
        ModelOptions.DEFAULT_BATCH_SIZE), options);
    assertEquals(0, options.request("hi").maxTokens(), "no token limit");
    assertEquals(OptionalLong.of(0), options.request("hi").sampling().seed());
    assertNull(options.request("hi").replyChannel(), "the model writes its own header");
  }

  @Test
  void eachBadOptionIsNamedWhenTheJobIsDefined() {
    assertEquals("modelPath must name a checkpoint directory, got null",
        refused(SparkGenerationOptions.builder()));
    assertEquals("modelPath must name a checkpoint directory, got ' '",
        refused(SparkGenerationOptions.builder().modelPath(" ")));
    assertEquals("maxTokens must be >= 1, or 0 for no limit, got -1",
        refused(SparkGenerationOptions.builder().modelPath("m").maxTokens(-1)));
    assertEquals("replyChannel must be analysis, commentary or final, got 'answer'",
        refused(SparkGenerationOptions.builder().modelPath("m").replyChannel("answer")));
    assertEquals("threads must be >= 0 (0 = default), got -2",
        refused(SparkGenerationOptions.builder().modelPath("m").threads(-2)));
    String batch = refused(SparkGenerationOptions.builder().modelPath("m").batchSize(0));
    assertTrue(batch.startsWith("batchSize must be"), batch);
    assertEquals("precision must be EXACT or INT8, got null",
        refused(SparkGenerationOptions.builder().modelPath("m").precision(null)));
    assertThrows(GenerationException.class,
        () -> SparkGenerationOptions.builder().modelPath("m").temperature(-1).build());
  }

  private static String refused(SparkGenerationOptions.Builder builder) {
    return assertThrows(GenerationException.class, builder::build).getMessage();
  }
}
