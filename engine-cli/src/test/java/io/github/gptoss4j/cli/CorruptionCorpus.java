package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.checkpoint.TensorInfo;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A test-scope tool that writes a corpus of corrupted checkpoints: one small synthetic checkpoint (the real
 * vocabulary, so {@code generate} can render a prompt; hidden 32, 2 layers, sharded by 1 MiB) and one directory
 * per case holding links to its files except the one the case corrupts. Each case says what the one-line error
 * must name: for {@code inspect --check-tensors}, and for the forward pass of {@code logits} and
 * {@code generate} (a NaN weight loads fine, then surfaces at its layer).
 */
final class CorruptionCorpus {
  static final GptOssConfig CONFIG = new GptOssConfig(
      2, 32, 16, 4, 2, 4, 2, 32, 201088, 8,
      List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION),
      1e-5f, new GptOssConfig.Rope(150000, 32, 4096, 32, 1), 7f, 4096);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG_FILE = "config.json";
  private static final String INDEX_FILE = "model.safetensors.index.json";
  private static final String Q0 = "model.layers.0.self_attn.q_proj.weight";

  /**
   * One corrupted checkpoint.
   *
   * @param name what was corrupted
   * @param dir the checkpoint directory
   * @param inspectNames what {@code inspect --check-tensors}'s error must contain
   * @param forwardNames what the errors of {@code logits} and {@code generate} must contain
   */
  record Case(String name, Path dir, String inspectNames, String forwardNames) {
    @Override
    public String toString() {
      return name;
    }
  }

  private final Path base;
  private final Path root;
  private final Map<String, TensorInfo> tensors;
  private final List<Case> cases = new ArrayList<>();

  private CorruptionCorpus(Path root) {
    this.root = root;
    this.base = root.resolve("base");
    SyntheticCheckpoint.write(new SyntheticCheckpoint.Options(CONFIG, 3, true, false, null, 1 << 20), base, (d, t) -> {});
    try (Checkpoint cp = Checkpoint.open(base)) {
      tensors = cp.tensors();
    }
  }

  /** The uncorrupted checkpoint under {@code root}/base and every case next to it. */
  static List<Case> write(Path root) {
    CorruptionCorpus c = new CorruptionCorpus(root);
    c.configCases();
    c.indexCases();
    c.headerCases();
    c.valueCases();
    return c.cases;
  }

  /** The uncorrupted checkpoint, once {@link #write} has run. */
  static Path base(Path root) {
    return root.resolve("base");
  }

  // ---- config.json -------------------------------------------------------------------------------------------

  private void configCases() {
    List<String> sizes = List.of("num_hidden_layers", "hidden_size", "head_dim", "num_attention_heads",
        "num_key_value_heads", "num_local_experts", "num_experts_per_tok", "intermediate_size", "vocab_size",
        "sliding_window");
    for (String f : sizes) {
      // experts_per_token is the original name of num_experts_per_tok, accepted in its place
      config(f + " missing", f, n -> n.remove(List.of(f, "experts_per_token")));
      config(f + " a string", f, n -> n.put(f, "4"));
      config(f + " negative", f, n -> n.put(f, -1));
      config(f + " zero", f, n -> n.put(f, 0));
      config(f + " fractional", f, n -> n.put(f, 1.5));
      config(f + " 2^32", f, n -> n.put(f, 1L << 32));
      if (!f.equals("sliding_window")) { // a window beyond the context is valid (rings are sized by use)
        config(f + " 2^31-1", f, n -> n.put(f, Integer.MAX_VALUE));
      }
    }
    config("num_hidden_layers 1000000", "num_hidden_layers", n -> n.put("num_hidden_layers", 1_000_000));
    config("num_hidden_layers 3", "num_hidden_layers", n -> {
      n.put("num_hidden_layers", 3);
      n.remove("layer_types");
    });
    config("hidden_size 64 (tensors are 32 wide)", "model.embed_tokens.weight", n -> n.put("hidden_size", 64));
    config("num_key_value_heads 1 (tensors have 2)", "k_proj", n -> n.put("num_key_value_heads", 1));
    config("vocab_size 1000 (tensors have 201088)", "model.embed_tokens.weight", n -> n.put("vocab_size", 1000));
    config("rope_theta missing", "rope_theta", n -> n.remove("rope_theta"));
    config("rope_theta negative", "rope_theta", n -> n.put("rope_theta", -1));
    config("rope_theta a string", "rope_theta", n -> n.put("rope_theta", "1e4"));
    config("rms_norm_eps negative", "rms_norm_eps", n -> n.put("rms_norm_eps", -1e-5));
    config("rms_norm_eps a string", "rms_norm_eps", n -> n.put("rms_norm_eps", "tiny"));
    config("swiglu_limit zero", "swiglu_limit", n -> n.put("swiglu_limit", 0));
    config("max_position_embeddings zero", "max_position_embeddings", n -> n.put("max_position_embeddings", 0));
    config("max_position_embeddings 2^31-1", "max_position_embeddings",
        n -> n.put("max_position_embeddings", Integer.MAX_VALUE));
    config("model_type llama", "model_type", n -> n.put("model_type", "llama"));
    config("model_type missing", "model_type", n -> n.remove("model_type"));
    config("layer_types unknown kind", "layer_types[1]", n -> n.putArray("layer_types").add("sliding_attention").add("global"));
    config("layer_types too short", "layer_types", n -> n.putArray("layer_types").add("sliding_attention"));
    config("layer_types not an array", "layer_types", n -> n.put("layer_types", "sliding_attention"));
    config("rope_scaling not an object", "rope_scaling", n -> n.put("rope_scaling", "yarn"));
    config("rope_scaling linear", "rope_scaling.rope_type", n -> rope(n).put("rope_type", "linear"));
    config("rope_scaling.factor below 1", "rope_scaling.factor", n -> rope(n).put("factor", 0.5));
    config("rope_scaling.factor missing", "rope_scaling.factor", n -> rope(n).remove("factor"));
    config("rope_scaling.beta_fast below beta_slow", "rope_scaling.beta_fast", n -> rope(n).put("beta_fast", 0.5));
    config("original_max_position_embeddings 2^32+4096", "rope_scaling.original_max_position_embeddings",
        n -> rope(n).put("original_max_position_embeddings", (1L << 32) + 4096));
    config("original_max_position_embeddings negative", "rope_scaling.original_max_position_embeddings",
        n -> rope(n).put("original_max_position_embeddings", -5));
    raw("config.json not JSON", CONFIG_FILE, "{\"model_type\": \"gpt_oss\",");
    raw("config.json empty", CONFIG_FILE, "");
    raw("config.json an array", CONFIG_FILE, "[]");
    raw("config.json with a second object", CONFIG_FILE, read(CONFIG_FILE) + "{}");
    raw("config.json NUL bytes", CONFIG_FILE, "\0\0\0\0");
    add("config.json missing", CONFIG_FILE, d -> delete(d.resolve(CONFIG_FILE)));
    add("config.json a directory", CONFIG_FILE, d -> {
      delete(d.resolve(CONFIG_FILE));
      mkdir(d.resolve(CONFIG_FILE));
    });
  }

  private static ObjectNode rope(ObjectNode config) {
    return (ObjectNode) config.get("rope_scaling");
  }

  // ---- model.safetensors.index.json --------------------------------------------------------------------------

  private void indexCases() {
    raw("index not JSON", INDEX_FILE, "{\"weight_map\": {");
    raw("index without weight_map", INDEX_FILE, "{}");
    raw("index with a second object", INDEX_FILE, read(INDEX_FILE) + " {}");
    String shard = tensors.get(Q0).file().getFileName().toString();
    for (String bad : new String[] {"/", "..", "", "model\u0000.safetensors", "../" + shard, "sub/" + shard}) {
      index("weight_map entry " + JSON.valueToTree(bad), "'" + Q0 + "'", Q0, bad);
    }
    index("weight_map entry a missing shard", "missing file", Q0, "model-99999-of-99999.safetensors");
    String other = tensors.get("lm_head.weight").file().getFileName().toString();
    index("weight_map entry the wrong shard", "does not contain it", Q0, other);
    add("weight_map entry a number", INDEX_FILE, d -> {
      ObjectNode n = json(INDEX_FILE);
      ((ObjectNode) n.get("weight_map")).put(Q0, 5);
      writeString(d.resolve(INDEX_FILE), n.toString());
    });
    add("shard missing", shard, d -> delete(d.resolve(shard)));
  }

  private void index(String name, String names, String tensor, String file) {
    add(name, names, d -> {
      ObjectNode n = json(INDEX_FILE);
      ((ObjectNode) n.get("weight_map")).put(tensor, file);
      writeString(d.resolve(INDEX_FILE), n.toString());
    });
  }

  // ---- safetensors headers and sizes -------------------------------------------------------------------------

  private void headerCases() {
    String shard = tensors.get(Q0).file().getFileName().toString();
    long size = size(base.resolve(shard));
    shardBytes("header length 2^62", shard, b -> b.putLong(0, 1L << 62));
    shardBytes("header length past the end", shard, b -> b.putLong(0, size));
    shardBytes("header length zero", shard, b -> b.putLong(0, 0));
    shardBytes("header not UTF-8", shard, b -> b.put(9, (byte) 0xff));
    shardBytes("header not JSON", shard, b -> b.put(8, (byte) '['));
    shardBytes("header NUL padded", shard, b -> b.put(8 + (int) b.getLong(0) - 1, (byte) 0));
    add("shard truncated to half", shard, d -> truncate(d, shard, size / 2));
    add("shard truncated to 4 bytes", shard, d -> truncate(d, shard, 4));
    add("shard empty", shard, d -> truncate(d, shard, 0));
    add("shard a directory", shard, d -> {
      delete(d.resolve(shard));
      mkdir(d.resolve(shard));
    });
    header("dtype unknown", Q0, t -> t.put("dtype", "Q4_K"));
    header("dtype F16 instead of BF16", Q0, t -> t.put("dtype", "F16"));
    header("shape negative", Q0, t -> t.putArray("shape").add(-64).add(32));
    header("shape not matching its bytes", Q0, t -> t.putArray("shape").add(32).add(32));
    header("shape zero-size", Q0, t -> {
      t.putArray("shape").add(0).add(32);
      t.set("data_offsets", offsets(t, 0));
    });
    header("shape overflowing", Q0, t -> t.putArray("shape").add(1L << 40).add(1L << 40));
    header("data_offsets past the end", Q0, t -> t.set("data_offsets", shift(t, size)));
    header("data_offsets near 2^63", Q0, t -> t.putArray("data_offsets").add(Long.MAX_VALUE - 4096).add(Long.MAX_VALUE));
    header("data_offsets out of order", Q0, t -> t.putArray("data_offsets").add(4096).add(0));
    header("data_offsets missing", Q0, t -> t.remove("data_offsets"));
    header("data_offsets overlapping", Q0, t -> t.set("data_offsets", shift(t, -8)));
    header("entry without shape and offsets", Q0, t -> t.removeAll().put("dtype", "BF16"));
    headerRoot("metadata not strings", shard, "__metadata__", h -> h.putObject("__metadata__").put("format", 1));
    headerRoot("tensor renamed", shard, Q0, h -> h.set(Q0 + "_renamed", h.remove(Q0)));
  }

  // ---- values --------------------------------------------------------------------------------------------------

  private void valueCases() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    value(Q0, 0, nan, "layer 0's attention");
    value("model.layers.1.self_attn.k_proj.weight", 17, inf, "layer 1's attention");
    value("model.layers.0.self_attn.v_proj.bias", 3, nan, "layer 0's attention");
    value("model.layers.1.self_attn.o_proj.weight", 40, -inf, "layer 1's attention");
    value("model.layers.0.self_attn.sinks", 1, nan, "layer 0's attention");
    value("model.layers.1.input_layernorm.weight", 5, nan, "layer 1's attention");
    value("model.layers.0.post_attention_layernorm.weight", 0, inf, "layer 0's mixture of experts");
    valueAll("model.layers.1.mlp.router.weight", nan, "layer 1's mixture of experts");
    valueAll("model.layers.0.mlp.experts.gate_up_proj_bias", nan, "layer 0's mixture of experts");
    valueAll("model.layers.1.mlp.experts.down_proj_bias", inf, "layer 1's mixture of experts");
    valueAll("model.embed_tokens.weight", nan, "the embedding");
    value("model.norm.weight", 2, nan, "the output");
    value("lm_head.weight", 7 * 32L, inf, "the output");
    String scales = "model.layers.0.mlp.experts.gate_up_proj_scales";
    add(scales + " holds 255", scales, d -> poke(d, scales, 100, (byte) 0xff));
    String down = "model.layers.1.mlp.experts.down_proj_scales";
    add(down + " holds 255", down, d -> poke(d, down, tensors.get(down).numel() - 1, (byte) 0xff));
  }

  private void value(String tensor, long element, float v, String forward) {
    cases.add(new Case(tensor + " holds " + v + " at " + element,
        make(tensor + "@" + element, d -> poke(d, tensor, element, v)), tensor, forward));
  }

  /** Every element of {@code tensor} (BF16) set to {@code v}: for weights only some tokens reach. */
  private void valueAll(String tensor, float v, String forward) {
    TensorInfo t = tensors.get(tensor);
    cases.add(new Case(tensor + " all " + v, make(tensor + "@all", d -> {
      ByteBuffer b = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
      }
      write(own(d, t.file().getFileName().toString()), t.offset(), b.flip());
    }), tensor, forward));
  }

  // ---- building blocks -----------------------------------------------------------------------------------------

  private void add(String name, String names, Consumer<Path> corrupt) {
    cases.add(new Case(name, make(name, corrupt), names, names));
  }

  private void config(String name, String field, Consumer<ObjectNode> edit) {
    add("config.json " + name, field, d -> {
      ObjectNode n = json(CONFIG_FILE);
      edit.accept(n);
      writeString(d.resolve(CONFIG_FILE), n.toString());
    });
  }

  private void raw(String name, String file, String content) {
    add(name, file, d -> writeString(d.resolve(file), content));
  }

  /** A case directory: links to the base files, then {@code corrupt} replaces what it changes. */
  private Path make(String name, Consumer<Path> corrupt) {
    Path d = root.resolve(String.format("case-%03d", cases.size()));
    try (Stream<Path> files = Files.list(base)) {
      Files.createDirectories(d);
      for (Path f : files.toList()) {
        Files.createSymbolicLink(d.resolve(f.getFileName()), f.toAbsolutePath());
      }
      writeString(d.resolve("CASE"), name + "\n"); // not a checkpoint file: ignored by the loader
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    corrupt.accept(d);
    return d;
  }

  /** The case's own copy of {@code file} (replacing its link), to corrupt in place. */
  private Path own(Path d, String file) {
    Path p = d.resolve(file);
    try {
      if (Files.isSymbolicLink(p)) {
        Files.delete(p);
        Files.copy(base.resolve(file), p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private void shardBytes(String name, String shard, Consumer<ByteBuffer> edit) {
    add(name, shard, d -> {
      Path p = own(d, shard);
      try {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        Files.write(p, b.array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private void header(String name, String tensor, Consumer<ObjectNode> edit) {
    String shard = tensors.get(tensor).file().getFileName().toString();
    headerRoot(name, shard, tensor, h -> edit.accept((ObjectNode) h.get(tensor)));
  }

  /** Rewrites the JSON header of {@code shard} (its data unchanged); the error must name {@code names}. */
  private void headerRoot(String name, String shard, String names, Consumer<ObjectNode> edit) {
    add("header " + name, names, d -> {
      Path p = own(d, shard);
      try {
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int length = (int) b.getLong(0);
        ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, length, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + bytes.length - 8 - length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.position() < 8 + padded) {
          out.put((byte) ' ');
        }
        out.put(bytes, 8 + length, bytes.length - 8 - length);
        Files.write(p, out.array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static JsonNode offsets(ObjectNode t, long bytes) {
    long begin = t.get("data_offsets").get(0).longValue();
    return JSON.createArrayNode().add(begin).add(begin + bytes);
  }

  private static JsonNode shift(ObjectNode t, long by) {
    JsonNode o = t.get("data_offsets");
    return JSON.createArrayNode().add(o.get(0).longValue() + by).add(o.get(1).longValue() + by);
  }

  private void poke(Path d, String tensor, long element, float v) {
    TensorInfo t = tensors.get(tensor);
    poke(own(d, t.file().getFileName().toString()), t, element, v);
  }

  /** Sets element {@code element} of float tensor {@code t} in {@code shard} (a file laid out as {@code t} says). */
  private static void poke(Path shard, TensorInfo t, long element, float v) {
    ByteBuffer b = ByteBuffer.allocate(t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case BF16 -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
      case F32 -> b.putFloat(v);
      default -> throw new IllegalArgumentException(t.name() + " is " + t.dtype());
    }
    write(shard, t.offset() + element * t.dtype().byteSize(), b.flip());
  }

  /** Sets element {@code element} of float tensor {@code tensor} of the checkpoint in {@code model}, in place. */
  static void poison(Path model, String tensor, long element, float v) {
    TensorInfo t;
    try (Checkpoint cp = Checkpoint.open(model)) {
      t = cp.tensors().get(tensor);
    }
    poke(t.file(), t, element, v);
  }

  private void poke(Path d, String tensor, long index, byte v) {
    TensorInfo t = tensors.get(tensor);
    write(own(d, t.file().getFileName().toString()), t.offset() + index, ByteBuffer.wrap(new byte[] {v}));
  }

  private static void write(Path file, long at, ByteBuffer bytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(bytes, at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void truncate(Path d, String file, long size) {
    try (FileChannel ch = FileChannel.open(own(d, file), StandardOpenOption.WRITE)) {
      ch.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode json(String file) {
    try {
      return (ObjectNode) JSON.readTree(base.resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String file) {
    try {
      return Files.readString(base.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeString(Path p, String s) {
    try {
      Files.deleteIfExists(p);
      Files.writeString(p, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdir(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
