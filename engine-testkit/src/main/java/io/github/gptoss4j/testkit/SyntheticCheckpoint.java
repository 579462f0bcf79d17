package io.github.gptoss4j.testkit;

import io.github.gptoss4j.CheckpointException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.checkpoint.Dtype;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.checkpoint.GptOssConfig.Rope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Writes deterministic random gpt-oss checkpoints of real shapes, for tests and benchmarks where real
 * weights are not available. Magnitudes are realistic (bf16 weights ~N(0, 0.02), norm scales near 1,
 * sinks O(1), MXFP4 nibbles uniform with E8M0 scales giving a std of ~0.02), so activations stay finite
 * and routing is non-trivial. Each tensor is drawn from its own generator seeded by (seed, tensor name),
 * so its bytes do not depend on write order or layout, and everything is streamed in small chunks.
 */
public final class SyntheticCheckpoint {
  /** Lists what a synth run wrote, so a later run may replace exactly those files and nothing else. */
  public static final String MARKER = ".gptoss-synth";

  private static final String INDEX = "model.safetensors.index.json";
  private static final String CONFIG = "config.json";
  private static final int CHUNK = 1 << 20;
  private static final String TOKENIZER_FILES = "tokenizer.json,tokenizer_config.json";

  /** Architectures to imitate. */
  public enum Preset {
    /** The shape of the tiny-gpt-oss test fixture (~0.6 MB). */
    TINY(4, 64, 16, 4, 2, 8, 4, 64, 1024, 8, 256 * 1024),
    /** openai/gpt-oss-20b (~13 GB). */
    GPT_OSS_20B(24, 2880, 64, 64, 8, 32, 4, 2880, 201088, 128, 5_000_000_000L),
    /** openai/gpt-oss-120b (~65 GB). */
    GPT_OSS_120B(36, 2880, 64, 64, 8, 128, 4, 2880, 201088, 128, 5_000_000_000L);

    private final GptOssConfig config;
    private final long maxShardBytes;

    Preset(int layers, int hidden, int headDim, int heads, int kvHeads, int experts, int perToken,
        int intermediate, int vocab, int window, long maxShardBytes) {
      this.config = new GptOssConfig(layers, hidden, headDim, heads, kvHeads, experts, perToken, intermediate,
          vocab, window, LayerType.alternating(layers), 1e-5f, new Rope(150000, 32, 4096, 32, 1), 7f, 131072);
      this.maxShardBytes = maxShardBytes;
    }

    /** The preset's architecture. */
    public GptOssConfig config() {
      return config;
    }

    /** Largest Hugging Face shard this preset writes (tensors are never split). */
    public long maxShardBytes() {
      return maxShardBytes;
    }

    /** The preset called {@code name} on the command line ({@code tiny}, {@code gpt-oss-20b}, ...). */
    public static Preset byName(String name) {
      for (Preset p : values()) {
        if (p.cliName().equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown preset '" + name + "', expected one of "
          + Arrays.stream(values()).map(Preset::cliName).toList());
    }

    /** The command-line name. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Receives the number of data bytes written so far and the total to write. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);
  }

  /**
   * What to write.
   *
   * @param config the architecture
   * @param seed the random seed
   * @param huggingFace write the Hugging Face layout (shards, index, config.json) into the output directory
   * @param original write OpenAI's layout into {@code original/}
   * @param tokenizerDir directory to copy {@code tokenizer.json} and {@code tokenizer_config.json} from, or null
   * @param maxShardBytes largest Hugging Face shard
   */
  public record Options(GptOssConfig config, long seed, boolean huggingFace, boolean original, Path tokenizerDir,
      long maxShardBytes) {
    public Options {
      if (!huggingFace && !original) {
        throw new IllegalArgumentException("at least one layout must be written");
      }
      if (maxShardBytes <= 0) {
        throw new IllegalArgumentException("maxShardBytes must be positive, found " + maxShardBytes);
      }
    }
  }

  /** How a tensor's values are drawn. */
  private enum Kind {
    WEIGHT(0, 0.02),
    BIAS(0, 0.02),
    NORM(1, 0.02),
    SINK(0, 1),
    MXFP4_BLOCKS(0, 0),
    MXFP4_SCALES(0, 0);

    /** bf16 bit patterns of mean + std·z for 65536 equally likely z ~ N(0, 1); indexed by 16 random bits. */
    private final short[] table;

    Kind(double mean, double std) {
      table = std == 0 ? null : bf16Table(mean, std);
    }
  }

  /** A tensor in Hugging Face naming; its name also seeds its generator. */
  private record Spec(String name, Dtype dtype, List<Long> shape, Kind kind) {
    SafetensorsWriter.Entry entry(String asName) {
      return new SafetensorsWriter.Entry(asName, dtype, shape);
    }

    long byteSize() {
      return entry(name).byteSize();
    }
  }

  /** A tensor of the OpenAI layout: the concatenation of one or more Hugging Face tensors (qkv fuses three). */
  private record Fused(String name, List<Spec> parts) {
    SafetensorsWriter.Entry entry() {
      long rows = 0;
      for (Spec s : parts) {
        rows += s.shape().getFirst();
      }
      List<Long> shape = new ArrayList<>(parts.getFirst().shape());
      shape.set(0, rows);
      return new SafetensorsWriter.Entry(name, parts.getFirst().dtype(), shape);
    }
  }

  private SyntheticCheckpoint() {}

  /** {@code config} with {@code layers} blocks (alternating sliding/full attention). */
  public static GptOssConfig withLayers(GptOssConfig c, int layers) {
    return new GptOssConfig(layers, c.hiddenSize(), c.headDim(), c.numHeads(), c.numKvHeads(), c.numExperts(),
        c.expertsPerToken(), c.intermediateSize(), c.vocabSize(), c.slidingWindow(), LayerType.alternating(layers),
        c.rmsNormEps(), c.rope(), c.swigluLimit(), c.maxPositionEmbeddings());
  }

  /** Data bytes {@link #write} will write for {@code options}. */
  public static long totalBytes(Options options) {
    long perLayout = hfSpecs(options.config()).stream().mapToLong(Spec::byteSize).sum();
    return perLayout * ((options.huggingFace() ? 1 : 0) + (options.original() ? 1 : 0));
  }

  /**
   * Writes the checkpoint into {@code out}, which must not exist, be empty, or hold an earlier synth output
   * (whose files are replaced); any other content is left untouched and refused. The files are written into
   * a temporary sibling of {@code out} and renamed into place when complete, so a failed run changes nothing.
   *
   * @throws CheckpointException if {@code out} holds other files or writing fails
   */
  public static void write(Options options, Path out, Progress progress) {
    List<Path> tokenizerFiles = tokenizerFiles(options.tokenizerDir());
    try (SynthOutput target = SynthOutput.open(out)) {
      Path dir = target.staging();
      List<String> written = new ArrayList<>();
      Meter meter = new Meter(totalBytes(options), progress);
      List<Spec> specs = hfSpecs(options.config());
      if (options.huggingFace()) {
        writeHf(options, specs, dir, written, meter);
      }
      if (options.original()) {
        Files.createDirectories(dir.resolve("original"));
        writeOriginal(options, specs, dir, written, meter);
      }
      for (Path src : tokenizerFiles) {
        Files.copy(src, dir.resolve(src.getFileName()));
        written.add(src.getFileName().toString());
      }
      Files.writeString(dir.resolve(MARKER), String.join("\n", written) + "\n");
      target.commit();
    } catch (IOException e) {
      throw new CheckpointException(out + ": cannot write synthetic checkpoint: " + e, e);
    }
  }

  /** The tokenizer files to copy from {@code dir} (none for null), checked before anything is written. */
  private static List<Path> tokenizerFiles(Path dir) {
    if (dir == null) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    for (String name : TOKENIZER_FILES.split(",")) {
      Path src = dir.resolve(name);
      if (!Files.isRegularFile(src)) {
        throw new CheckpointException(src + ": tokenizer file not found");
      }
      files.add(src);
    }
    return files;
  }

  private static void writeHf(Options o, List<Spec> specs, Path out, List<String> written, Meter meter)
      throws IOException {
    List<List<Spec>> shards = new ArrayList<>();
    long size = 0;
    for (Spec s : specs) {
      if (shards.isEmpty() || size + s.byteSize() > o.maxShardBytes()) {
        shards.add(new ArrayList<>());
        size = 0;
      }
      shards.getLast().add(s);
      size += s.byteSize();
    }
    ObjectNode index = SafetensorsWriter.JSON.createObjectNode();
    index.putObject("metadata").put("total_size", specs.stream().mapToLong(Spec::byteSize).sum());
    ObjectNode weightMap = index.putObject("weight_map");
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
      List<Spec> shard = shards.get(i);
      try (SafetensorsWriter w = new SafetensorsWriter(out.resolve(name),
          shard.stream().map(s -> s.entry(s.name())).toList(), Map.of("format", "pt"))) {
        for (Spec s : shard) {
          fill(s, o.seed(), w, buf, meter);
          weightMap.put(s.name(), name);
        }
      }
      written.add(name);
    }
    Files.writeString(out.resolve(INDEX), index.toPrettyString());
    written.add(INDEX);
    Files.writeString(out.resolve(CONFIG), hfConfig(o.config()).toPrettyString());
    written.add(CONFIG);
  }

  private static void writeOriginal(Options o, List<Spec> specs, Path out, List<String> written, Meter meter)
      throws IOException {
    List<Fused> fused = originalTensors(o.config(), specs);
    String name = "original/model.safetensors";
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    try (SafetensorsWriter w = new SafetensorsWriter(out.resolve(name), fused.stream().map(Fused::entry).toList(),
        Map.of("format", "pt"))) {
      for (Fused f : fused) {
        for (Spec s : f.parts()) {
          fill(s, o.seed(), w, buf, meter);
        }
      }
    }
    written.add(name);
    Files.writeString(out.resolve("original").resolve(CONFIG), originalConfig(o.config()).toPrettyString());
    written.add("original/" + CONFIG);
  }

  /** Counts written bytes for the progress callback. */
  private static final class Meter {
    private final long total;
    private final Progress progress;
    private long done;

    Meter(long total, Progress progress) {
      this.total = total;
      this.progress = progress;
    }

    void add(long bytes) {
      done += bytes;
      progress.update(done, total);
    }
  }

  /** Streams {@code s}'s values into {@code w}, one chunk at a time. */
  private static void fill(Spec s, long seed, SafetensorsWriter w, ByteBuffer buf, Meter meter) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + fnv64(s.name()));
    long left = s.byteSize();
    while (left > 0) {
      int n = (int) Math.min(CHUNK, left);
      buf.clear().limit(n);
      // Each 8-byte group consumes one random long, so the bytes do not depend on how the tensor is chunked.
      while (buf.hasRemaining()) {
        long r = random.nextLong();
        switch (s.kind()) {
          case MXFP4_BLOCKS -> {
            for (int k = 0; k < 8 && buf.hasRemaining(); k++) {
              buf.put((byte) (r >>> (8 * k)));
            }
          }
          // E8M0 2^(119-127) or 2^(120-127) times nibbles of rms ~2.9: std ~0.018.
          case MXFP4_SCALES -> {
            for (int k = 0; k < 8 && buf.hasRemaining(); k++) {
              buf.put((byte) (119 + ((r >>> k) & 1)));
            }
          }
          default -> {
            for (int k = 0; k < 4 && buf.hasRemaining(); k++) {
              buf.putShort(s.kind().table[(int) ((r >>> (16 * k)) & 0xFFFF)]);
            }
          }
        }
      }
      w.write(buf.flip());
      left -= n;
      meter.add(n);
    }
  }

  private static long fnv64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }

  private static short[] bf16Table(double mean, double std) {
    // A fixed sample of 65536 standard normals, sorted: indexing it with uniform bits samples N(0, 1).
    Random r = new Random(0x5EED);
    double[] z = new double[1 << 16];
    for (int i = 0; i < z.length; i++) {
      z[i] = r.nextGaussian();
    }
    Arrays.sort(z);
    short[] table = new short[z.length];
    for (int i = 0; i < z.length; i++) {
      int bits = Float.floatToIntBits((float) (mean + std * z[i]));
      table[i] = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16); // round to nearest even
    }
    return table;
  }

  private static Spec spec(String name, Kind kind, long... shape) {
    Dtype dtype = switch (kind) {
      case MXFP4_BLOCKS, MXFP4_SCALES -> Dtype.U8;
      default -> Dtype.BF16;
    };
    return new Spec(name, dtype, Arrays.stream(shape).boxed().toList(), kind);
  }

  private static List<Spec> hfSpecs(GptOssConfig c) {
    long hidden = c.hiddenSize();
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    long e = c.numExperts();
    long up = 2L * c.intermediateSize();
    List<Spec> specs = new ArrayList<>();
    specs.add(spec("model.embed_tokens.weight", Kind.WEIGHT, c.vocabSize(), hidden));
    for (int l = 0; l < c.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      String x = p + "mlp.experts.";
      specs.addAll(List.of(
          spec(p + "input_layernorm.weight", Kind.NORM, hidden),
          spec(p + "self_attn.q_proj.weight", Kind.WEIGHT, q, hidden),
          spec(p + "self_attn.k_proj.weight", Kind.WEIGHT, kv, hidden),
          spec(p + "self_attn.v_proj.weight", Kind.WEIGHT, kv, hidden),
          spec(p + "self_attn.q_proj.bias", Kind.BIAS, q),
          spec(p + "self_attn.k_proj.bias", Kind.BIAS, kv),
          spec(p + "self_attn.v_proj.bias", Kind.BIAS, kv),
          spec(p + "self_attn.sinks", Kind.SINK, c.numHeads()),
          spec(p + "self_attn.o_proj.weight", Kind.WEIGHT, hidden, q),
          spec(p + "self_attn.o_proj.bias", Kind.BIAS, hidden),
          spec(p + "post_attention_layernorm.weight", Kind.NORM, hidden),
          spec(p + "mlp.router.weight", Kind.WEIGHT, e, hidden),
          spec(p + "mlp.router.bias", Kind.BIAS, e),
          spec(x + "gate_up_proj_blocks", Kind.MXFP4_BLOCKS, e, up, hidden / 32, 16),
          spec(x + "gate_up_proj_scales", Kind.MXFP4_SCALES, e, up, hidden / 32),
          spec(x + "gate_up_proj_bias", Kind.BIAS, e, up),
          spec(x + "down_proj_blocks", Kind.MXFP4_BLOCKS, e, hidden, c.intermediateSize() / 32, 16),
          spec(x + "down_proj_scales", Kind.MXFP4_SCALES, e, hidden, c.intermediateSize() / 32),
          spec(x + "down_proj_bias", Kind.BIAS, e, hidden)));
    }
    specs.add(spec("model.norm.weight", Kind.NORM, hidden));
    specs.add(spec("lm_head.weight", Kind.WEIGHT, c.vocabSize(), hidden));
    return specs;
  }

  /** OpenAI's names for the same tensors, in the same order, with q/k/v fused. */
  private static List<Fused> originalTensors(GptOssConfig c, List<Spec> hf) {
    Map<String, Spec> byName = new LinkedHashMap<>();
    hf.forEach(s -> byName.put(s.name(), s));
    List<Fused> out = new ArrayList<>();
    out.add(new Fused("embedding.weight", List.of(byName.get("model.embed_tokens.weight"))));
    for (int l = 0; l < c.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      String b = "block." + l + ".";
      String[][] names = {
          {"attn.norm.scale", "input_layernorm.weight"},
          {"attn.qkv.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight"},
          {"attn.qkv.bias", "self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias"},
          {"attn.sinks", "self_attn.sinks"},
          {"attn.out.weight", "self_attn.o_proj.weight"},
          {"attn.out.bias", "self_attn.o_proj.bias"},
          {"mlp.norm.scale", "post_attention_layernorm.weight"},
          {"mlp.gate.weight", "mlp.router.weight"},
          {"mlp.gate.bias", "mlp.router.bias"},
          {"mlp.mlp1_weight.blocks", "mlp.experts.gate_up_proj_blocks"},
          {"mlp.mlp1_weight.scales", "mlp.experts.gate_up_proj_scales"},
          {"mlp.mlp1_bias", "mlp.experts.gate_up_proj_bias"},
          {"mlp.mlp2_weight.blocks", "mlp.experts.down_proj_blocks"},
          {"mlp.mlp2_weight.scales", "mlp.experts.down_proj_scales"},
          {"mlp.mlp2_bias", "mlp.experts.down_proj_bias"}};
      for (String[] n : names) {
        List<Spec> parts = new ArrayList<>();
        for (int i = 1; i < n.length; i++) {
          parts.add(byName.get(p + n[i]));
        }
        out.add(new Fused(b + n[0], parts));
      }
    }
    out.add(new Fused("norm.scale", List.of(byName.get("model.norm.weight"))));
    out.add(new Fused("unembedding.weight", List.of(byName.get("lm_head.weight"))));
    return out;
  }

  private static ObjectNode hfConfig(GptOssConfig c) {
    ObjectNode n = SafetensorsWriter.JSON.createObjectNode();
    n.putArray("architectures").add("GptOssForCausalLM");
    n.put("model_type", "gpt_oss");
    n.put("attention_bias", true);
    n.put("eos_token_id", 200002);
    n.put("pad_token_id", 199999);
    n.put("experts_per_token", c.expertsPerToken());
    n.put("num_experts_per_tok", c.expertsPerToken());
    n.put("num_local_experts", c.numExperts());
    n.put("head_dim", c.headDim());
    n.put("hidden_act", "silu");
    n.put("hidden_size", c.hiddenSize());
    n.put("initial_context_length", c.rope().originalContext());
    n.put("intermediate_size", c.intermediateSize());
    c.layerTypes().forEach(t -> n.withArray("layer_types").add(t.name().toLowerCase(Locale.ROOT)));
    n.put("max_position_embeddings", c.maxPositionEmbeddings());
    n.put("num_attention_heads", c.numHeads());
    n.put("num_hidden_layers", c.numLayers());
    n.put("num_key_value_heads", c.numKvHeads());
    // Through the float's shortest decimal, so 1e-5f is written as 1e-5 and not 9.99999974e-6.
    n.put("rms_norm_eps", Double.parseDouble(Float.toString(c.rmsNormEps())));
    ObjectNode rope = n.putObject("rope_scaling");
    rope.put("beta_fast", c.rope().betaFast());
    rope.put("beta_slow", c.rope().betaSlow());
    rope.put("factor", c.rope().factor());
    rope.put("original_max_position_embeddings", c.rope().originalContext());
    rope.put("rope_type", "yarn");
    rope.put("truncate", false);
    n.put("rope_theta", c.rope().theta());
    n.put("sliding_window", c.slidingWindow());
    n.put("swiglu_limit", Double.parseDouble(Float.toString(c.swigluLimit())));
    n.put("tie_word_embeddings", false);
    n.put("vocab_size", c.vocabSize());
    ObjectNode q = n.putObject("quantization_config");
    q.put("quant_method", "mxfp4");
    q.putArray("modules_to_not_convert").add("model.layers.*.self_attn").add("model.layers.*.mlp.router")
        .add("model.embed_tokens").add("lm_head");
    return n;
  }

  private static ObjectNode originalConfig(GptOssConfig c) {
    if (!c.layerTypes().equals(LayerType.alternating(c.numLayers()))
        || c.maxPositionEmbeddings() != 131072 || c.rmsNormEps() != 1e-5f) {
      throw new CheckpointException("original/config.json cannot express this config (it fixes alternating "
          + "layers, 131072 positions and eps 1e-5)");
    }
    ObjectNode n = SafetensorsWriter.JSON.createObjectNode();
    n.put("num_hidden_layers", c.numLayers());
    n.put("hidden_size", c.hiddenSize());
    n.put("head_dim", c.headDim());
    n.put("num_attention_heads", c.numHeads());
    n.put("num_key_value_heads", c.numKvHeads());
    n.put("num_experts", c.numExperts());
    n.put("experts_per_token", c.expertsPerToken());
    n.put("intermediate_size", c.intermediateSize());
    n.put("vocab_size", c.vocabSize());
    n.put("sliding_window", c.slidingWindow());
    n.put("rope_theta", c.rope().theta());
    n.put("rope_scaling_factor", c.rope().factor());
    n.put("rope_ntk_alpha", c.rope().betaSlow());
    n.put("rope_ntk_beta", c.rope().betaFast());
    n.put("initial_context_length", c.rope().originalContext());
    n.put("swiglu_limit", Double.parseDouble(Float.toString(c.swigluLimit())));
    return n;
  }
}
