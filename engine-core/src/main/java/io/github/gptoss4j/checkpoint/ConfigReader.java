package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.checkpoint.GptOssConfig.Rope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@link GptOssConfig} from Hugging Face's {@code config.json} or OpenAI's {@code original/config.json}.
 * Unknown fields are ignored; missing or malformed required fields fail naming the file and the field.
 */
final class ConfigReader {
  /** Defaults of the reference implementations for fields a config may leave out. */
  private static final double DEFAULT_EPS = 1e-5;
  private static final double DEFAULT_SWIGLU_LIMIT = 7.0;
  private static final int DEFAULT_MAX_POSITIONS = 131072;
  private static final double DEFAULT_BETA_FAST = 32.0;
  private static final double DEFAULT_BETA_SLOW = 1.0;

  private final Path file;
  private final JsonNode root;

  private ConfigReader(Path file) {
    this.file = file;
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": config file not found");
    }
    try {
      this.root = SafetensorsFile.JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file + ": not valid JSON: " + SafetensorsFile.describe(e), e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + ": expected a JSON object");
    }
  }

  /** Parses a Hugging Face {@code config.json} (model_type {@code gpt_oss}). */
  static GptOssConfig readHf(Path file) {
    ConfigReader r = new ConfigReader(file);
    JsonNode type = r.root.get("model_type");
    if (type == null || !type.isTextual()) {
      throw new CheckpointException(file + ": missing field 'model_type', expected \"gpt_oss\"");
    }
    if (!type.textValue().equals("gpt_oss")) {
      throw new CheckpointException(file + ": model_type is \"" + type.textValue() + "\", expected \"gpt_oss\"");
    }
    int layers = r.integer("num_hidden_layers");
    List<LayerType> layerTypes = r.root.has("layer_types") ? r.layerTypes() : LayerType.alternating(layers);
    int maxPositions = r.optionalInteger("max_position_embeddings", DEFAULT_MAX_POSITIONS);
    Rope rope = r.hfRope(r.number("rope_theta"), maxPositions);
    // experts_per_token (OpenAI's name) is accepted in place of num_experts_per_tok.
    if (!r.root.has("num_experts_per_tok") && !r.root.has("experts_per_token")) {
      throw new CheckpointException(file + ": missing required field 'num_experts_per_tok' (or 'experts_per_token')");
    }
    int perToken = r.root.has("num_experts_per_tok") ? r.integer("num_experts_per_tok") : r.integer("experts_per_token");
    return r.config(layers, "num_local_experts", perToken, layerTypes, r.optionalNumber("rms_norm_eps", DEFAULT_EPS),
        rope, r.optionalNumber("swiglu_limit", DEFAULT_SWIGLU_LIMIT), maxPositions);
  }

  /**
   * Parses OpenAI's {@code original/config.json}: YaRN is given by {@code rope_scaling_factor},
   * {@code rope_ntk_alpha} (β slow) and {@code rope_ntk_beta} (β fast); layers alternate sliding/full.
   */
  static GptOssConfig readOriginal(Path file) {
    ConfigReader r = new ConfigReader(file);
    int layers = r.integer("num_hidden_layers");
    Rope rope = r.build(() -> new Rope(
        r.number("rope_theta"),
        r.number("rope_scaling_factor"),
        r.integer("initial_context_length"),
        r.number("rope_ntk_beta"),
        r.number("rope_ntk_alpha")));
    return r.config(layers, "num_experts", r.integer("experts_per_token"), LayerType.alternating(layers), DEFAULT_EPS, rope,
        r.number("swiglu_limit"), DEFAULT_MAX_POSITIONS);
  }

  /** The config from the fields both formats name alike, plus those they name or derive differently. */
  private GptOssConfig config(int layers, String expertsField, int perToken, List<LayerType> layerTypes, double eps,
      Rope rope, double swigluLimit, int maxPositions) {
    return build(() -> new GptOssConfig(
        layers,
        integer("hidden_size"),
        integer("head_dim"),
        integer("num_attention_heads"),
        integer("num_key_value_heads"),
        integer(expertsField),
        perToken,
        integer("intermediate_size"),
        integer("vocab_size"),
        integer("sliding_window"),
        layerTypes,
        (float) eps,
        rope,
        (float) swigluLimit,
        maxPositions));
  }

  private Rope hfRope(double theta, int maxPositions) {
    JsonNode scaling = root.get("rope_scaling");
    if (scaling == null || scaling.isNull()) {
      return build(() -> new Rope(theta, 1.0, maxPositions, DEFAULT_BETA_FAST, DEFAULT_BETA_SLOW));
    }
    if (!scaling.isObject()) {
      throw new CheckpointException(file + ": field 'rope_scaling' must be an object, found " + scaling.getNodeType());
    }
    JsonNode type = scaling.has("rope_type") ? scaling.get("rope_type") : scaling.get("type");
    if (type == null || !type.isTextual() || !type.textValue().equals("yarn")) {
      throw new CheckpointException(file + ": rope_scaling.rope_type is " + type + ", expected \"yarn\"");
    }
    return build(() -> new Rope(
        theta,
        number(scaling, "rope_scaling.factor"),
        integer(scaling, "rope_scaling.original_max_position_embeddings"),
        number(scaling, "rope_scaling.beta_fast"),
        number(scaling, "rope_scaling.beta_slow")));
  }

  private List<LayerType> layerTypes() {
    JsonNode node = root.get("layer_types");
    if (!node.isArray()) {
      throw new CheckpointException(file + ": field 'layer_types' must be an array of strings");
    }
    List<LayerType> types = new ArrayList<>();
    for (JsonNode t : node) {
      String s = t.isTextual() ? t.textValue() : String.valueOf(t);
      try {
        types.add(LayerType.valueOf(s.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(file + ": layer_types[" + types.size() + "] is " + t
            + ", expected \"sliding_attention\" or \"full_attention\"", e);
      }
    }
    return types;
  }

  /** Runs a record constructor, turning its validation error into one naming this file. */
  private <T> T build(java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  private int integer(String field) {
    return integer(root, field);
  }

  /** An int field of {@code node}; {@code field} is its JSON path for messages. */
  private int integer(JsonNode node, String field) {
    long v = longInteger(node, field);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new CheckpointException(file + ": field '" + field + "' = " + v + " is out of range");
    }
    return (int) v;
  }

  private int optionalInteger(String field, int fallback) {
    return root.has(field) ? integer(field) : fallback;
  }

  private double number(String field) {
    return number(root, field);
  }

  private double optionalNumber(String field, double fallback) {
    return root.has(field) ? number(field) : fallback;
  }

  private long longInteger(JsonNode node, String field) {
    JsonNode v = node.get(field.substring(field.lastIndexOf('.') + 1));
    if (v == null || v.isNull()) {
      throw new CheckpointException(file + ": missing required field '" + field + "'");
    }
    // JSON writers often emit whole numbers as 4096.0; accept those, refuse fractions and strings.
    if (!v.isNumber() || !v.canConvertToLong() || v.asDouble() != Math.rint(v.asDouble())) {
      throw new CheckpointException(file + ": field '" + field + "' must be an integer, found " + v);
    }
    return v.longValue();
  }

  private double number(JsonNode node, String field) {
    JsonNode v = node.get(field.substring(field.lastIndexOf('.') + 1));
    if (v == null || v.isNull()) {
      throw new CheckpointException(file + ": missing required field '" + field + "'");
    }
    if (!v.isNumber()) {
      throw new CheckpointException(file + ": field '" + field + "' must be a number, found " + v);
    }
    return v.doubleValue();
  }
}
