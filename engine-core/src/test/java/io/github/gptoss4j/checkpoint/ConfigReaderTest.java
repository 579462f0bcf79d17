package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
  @TempDir Path dir;

  /** The fixture's config file {@code rel}, edited, written to a temp file. */
  private Path edited(String rel, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode n = (ObjectNode) SafetensorsFile.JSON.readTree(TinyFixture.dir().resolve(rel).toFile());
    edit.accept(n);
    Path f = dir.resolve(rel.replace('/', '-'));
    Files.writeString(f, n.toString());
    return f;
  }

  private Path hf(Consumer<ObjectNode> edit) throws IOException {
    return edited("config.json", edit);
  }

  private Path original(Consumer<ObjectNode> edit) throws IOException {
    return edited("original/config.json", edit);
  }

  private static void refusedHf(Path f, String... fragments) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> ConfigReader.readHf(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), () -> "'" + s + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void bothConfigFormatsOfTheFixtureDescribeTheSameModel() {
    GptOssConfig hf = ConfigReader.readHf(TinyFixture.dir().resolve("config.json"));
    GptOssConfig original = ConfigReader.readOriginal(TinyFixture.dir().resolve("original/config.json"));
    assertEquals(hf, original);
    assertEquals(8, hf.windowOf(0));
    assertEquals(0, hf.windowOf(1));
  }

  @Test
  void withoutLayerTypesEvenLayersSlideAndOddLayersSeeEverything() throws IOException {
    GptOssConfig c = ConfigReader.readHf(hf(n -> n.remove("layer_types")));
    assertEquals(List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION,
        LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION), c.layerTypes());
  }

  @Test
  void explicitLayerTypesAreFollowed() throws IOException {
    GptOssConfig c = ConfigReader.readHf(hf(n -> {
      ArrayNode a = n.putArray("layer_types");
      a.add("full_attention").add("full_attention").add("sliding_attention").add("full_attention");
    }));
    assertEquals(0, c.windowOf(0));
    assertEquals(8, c.windowOf(2));
  }

  @Test
  void unknownFieldsAreIgnoredAndEitherExpertsPerTokenNameIsAccepted() throws IOException {
    GptOssConfig c = ConfigReader.readHf(hf(n -> {
      n.put("some_future_field", "x");
      n.remove("num_experts_per_tok");
      n.put("experts_per_token", 2);
    }));
    assertEquals(2, c.expertsPerToken());
  }

  @Test
  void refusesAWrongOrMissingModelType() throws IOException {
    refusedHf(hf(n -> n.put("model_type", "llama")), "model_type", "\"llama\"", "gpt_oss");
    refusedHf(hf(n -> n.remove("model_type")), "model_type", "gpt_oss");
  }

  @Test
  void refusesMissingRequiredFields() throws IOException {
    for (String field : List.of("num_hidden_layers", "hidden_size", "head_dim", "num_attention_heads",
        "num_key_value_heads", "num_local_experts", "intermediate_size", "vocab_size", "sliding_window",
        "rope_theta")) {
      refusedHf(hf(n -> n.remove(field)), "missing required field '" + field + "'");
    }
    refusedHf(hf(n -> {
      n.remove("num_experts_per_tok");
      n.remove("experts_per_token");
    }), "experts_per_token");
  }

  @Test
  void refusesNonIntegerOrNonNumericFields() throws IOException {
    refusedHf(hf(n -> n.put("hidden_size", 64.5)), "'hidden_size'", "integer");
    refusedHf(hf(n -> n.put("hidden_size", "64")), "'hidden_size'", "integer");
    refusedHf(hf(n -> n.put("rope_theta", "big")), "'rope_theta'", "number");
  }

  @Test
  void refusesInconsistentArchitectures() throws IOException {
    refusedHf(hf(n -> n.put("hidden_size", 48)), "hidden_size 48", "multiple of 32");
    refusedHf(hf(n -> n.put("num_key_value_heads", 3)), "num_attention_heads 4", "num_key_value_heads 3");
    refusedHf(hf(n -> n.put("num_experts_per_tok", 9)), "num_experts_per_tok 9", "num_local_experts 8");
    refusedHf(hf(n -> n.put("head_dim", 0)), "head_dim", "positive");
    refusedHf(hf(n -> n.putArray("layer_types").add("sliding_attention")), "layer_types has 1", "4");
    refusedHf(hf(n -> n.putArray("layer_types").add("local").add("full_attention").add("full_attention")
        .add("full_attention")), "layer_types[0]", "local");
  }

  @Test
  void sizesBeyondSaneBoundsAreRefusedNamingTheFieldBeforeAnythingIsAllocated() throws IOException {
    refusedHf(hf(n -> n.put("num_hidden_layers", 1_000_000)), "num_hidden_layers 1000000 exceeds the limit");
    refusedHf(hf(n -> n.put("num_hidden_layers", Integer.MAX_VALUE)), "num_hidden_layers 2147483647 exceeds");
    refusedHf(hf(n -> n.put("head_dim", 1 << 30)), "head_dim 1073741824 exceeds");
    refusedHf(hf(n -> n.put("vocab_size", 1 << 30)), "vocab_size 1073741824 exceeds");
    refusedHf(hf(n -> n.put("num_attention_heads", 4096).put("num_key_value_heads", 4096).put("head_dim", 4096)),
        "num_attention_heads × head_dim = 16777216 exceeds");
  }

  @Test
  void anOriginalContextBeyondAnIntIsRefusedNotTruncated() throws IOException {
    refusedHf(hf(n -> ((ObjectNode) n.get("rope_scaling")).put("original_max_position_embeddings", (1L << 32) + 4096)),
        "rope_scaling.original_max_position_embeddings' = 4294971392 is out of range");
  }

  @Test
  void jsonErrorsAreOneLineAndTrailingObjectsAreRefused() throws IOException {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, "{\n\"model_type\": \"gpt_oss\",\n\"hidden_size\": 64 64}");
    refusedHf(f, "not valid JSON", "(line 3, column");
    CheckpointException e = assertThrows(CheckpointException.class, () -> ConfigReader.readHf(f));
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    Files.writeString(f, Files.readString(TinyFixture.dir().resolve("config.json")) + " {\"model_type\": \"other\"}");
    refusedHf(f, "not valid JSON: a second JSON value follows the first; expected exactly one (line ");
  }

  @Test
  void yarnNeedsAllItsFields() throws IOException {
    for (String field : List.of("factor", "original_max_position_embeddings", "beta_fast", "beta_slow")) {
      refusedHf(hf(n -> ((ObjectNode) n.get("rope_scaling")).remove(field)), "rope_scaling." + field);
    }
    refusedHf(hf(n -> ((ObjectNode) n.get("rope_scaling")).put("rope_type", "linear")), "rope_type", "yarn");
  }

  @Test
  void noRopeScalingMeansPlainRope() throws IOException {
    GptOssConfig c = ConfigReader.readHf(hf(n -> n.remove("rope_scaling")));
    assertEquals(1.0, c.rope().factor());
  }

  @Test
  void readsTheOriginalFieldNames() throws IOException {
    GptOssConfig c = ConfigReader.readOriginal(original(n -> {
      n.put("rope_ntk_alpha", 2.0);
      n.put("rope_ntk_beta", 16.0);
      n.put("rope_scaling_factor", 8.0);
      n.put("initial_context_length", 2048);
    }));
    assertEquals(new GptOssConfig.Rope(150000, 8, 2048, 16, 2), c.rope());
    assertEquals(1e-5f, c.rmsNormEps());
    assertEquals(131072, c.maxPositionEmbeddings());
  }

  @Test
  void refusesAnOriginalConfigMissingAField() throws IOException {
    Path f = original(n -> n.remove("num_experts"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> ConfigReader.readOriginal(f));
    assertTrue(e.getMessage().contains(f + ": missing required field 'num_experts'"), e.getMessage());
  }

  @Test
  void refusesConfigsThatAreNotJsonObjects() throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "[]");
    refusedHf(f, "JSON object");
    Files.writeString(f, "{ broken");
    refusedHf(f, "not valid JSON");
    refusedHf(dir.resolve("absent.json"), "not found");
  }
}
