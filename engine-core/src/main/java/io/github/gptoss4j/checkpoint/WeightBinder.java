package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import io.github.gptoss4j.checkpoint.ModelWeights.Attention;
import io.github.gptoss4j.checkpoint.ModelWeights.Expert;
import io.github.gptoss4j.checkpoint.ModelWeights.Layer;
import io.github.gptoss4j.checkpoint.ModelWeights.Moe;
import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.F32Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Binds a checkpoint's tensors into {@link ModelWeights}, for either naming layout. Every expected tensor is
 * checked for exact shape and dtype; problems are collected and reported together, so one error lists
 * every missing, unexpected and mis-shaped tensor.
 */
final class WeightBinder {
  private static final int MAX_LISTED = 40;
  private static final int READ_THREADS = 8;
  private static final Set<Dtype> FLOAT = Set.of(Dtype.BF16, Dtype.F32);
  private static final Set<Dtype> BYTE = Set.of(Dtype.U8);
  private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** Tensor names of one MoE block. */
  private record MoeNames(String norm, String router, String routerBias, String upBlocks, String upScales,
      String upBias, String downBlocks, String downScales, String downBias) {}

  private final Checkpoint checkpoint;
  private final GptOssConfig c;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> expected = new HashSet<>();
  private final List<Runnable> fills = new ArrayList<>();

  private WeightBinder(Checkpoint checkpoint) {
    this.checkpoint = checkpoint;
    this.c = checkpoint.config();
  }

  static ModelWeights bind(Checkpoint checkpoint) {
    return new WeightBinder(checkpoint).bind();
  }

  private ModelWeights bind() {
    boolean hf = checkpoint.layout() == Checkpoint.Layout.HUGGING_FACE;
    checkLayerCount(hf ? "model.layers." : "block.");
    WeightMatrix embedding = matrix(hf ? "model.embed_tokens.weight" : "embedding.weight", c.vocabSize(), c.hiddenSize());
    List<Layer> layers = new ArrayList<>(c.numLayers());
    for (int l = 0; l < c.numLayers(); l++) {
      layers.add(new Layer(hf ? hfAttention(l) : originalAttention(l), moe(hf ? hfMoe(l) : originalMoe(l))));
    }
    float[] finalNorm = vector(hf ? "model.norm.weight" : "norm.scale", c.hiddenSize());
    WeightMatrix unembedding = matrix(hf ? "lm_head.weight" : "unembedding.weight", c.vocabSize(), c.hiddenSize());
    for (String name : checkpoint.tensors().keySet()) {
      if (!expected.contains(name)) {
        problems.add("unexpected tensor '" + name + "'");
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder()
          .append(checkpoint.directory()).append(": ").append(problems.size())
          .append(" problem(s) binding the weights of a ").append(c.numLayers()).append("-layer ")
          .append(checkpoint.layout()).append(" checkpoint:");
      // One line, like every error: problems separated by "; ".
      sb.append(' ').append(String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size()))));
      if (problems.size() > MAX_LISTED) {
        sb.append("; ... and ").append(problems.size() - MAX_LISTED).append(" more");
      }
      throw new CheckpointException(sb.toString());
    }
    fillVectors();
    return new ModelWeights(c, embedding, List.copyOf(layers), finalNorm, unembedding);
  }

  /**
   * The tensors must hold at least the config's layers, checked before anything per layer is built (a config
   * claiming a million layers would otherwise list millions of missing tensors); extra layers are listed as
   * unexpected tensors by the binding itself.
   */
  private void checkLayerCount(String prefix) {
    int held = 0;
    for (String name : checkpoint.tensors().keySet()) {
      if (name.startsWith(prefix)) {
        int dot = name.indexOf('.', prefix.length());
        String index = dot < 0 ? "" : name.substring(prefix.length(), dot);
        if (!index.isEmpty() && index.length() < 10 && index.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          held = Math.max(held, Integer.parseInt(index) + 1);
        }
      }
    }
    if (held < c.numLayers()) {
      throw new CheckpointException(checkpoint.directory().resolve(Checkpoint.CONFIG) + ": num_hidden_layers is "
          + c.numLayers() + ", but the tensors hold " + held + " layer(s)"
          + (held == 0 ? " (no " + prefix + "N.* tensors)" : " (" + prefix + "0 to " + prefix + (held - 1) + ")"));
    }
  }

  private Attention hfAttention(int l) {
    String p = "model.layers." + l + ".";
    int qRows = c.numHeads() * c.headDim();
    int kvRows = c.numKvHeads() * c.headDim();
    int hidden = c.hiddenSize();
    return new Attention(
        vector(p + "input_layernorm.weight", hidden),
        matrix(p + "self_attn.q_proj.weight", qRows, hidden),
        vector(p + "self_attn.q_proj.bias", qRows),
        matrix(p + "self_attn.k_proj.weight", kvRows, hidden),
        vector(p + "self_attn.k_proj.bias", kvRows),
        matrix(p + "self_attn.v_proj.weight", kvRows, hidden),
        vector(p + "self_attn.v_proj.bias", kvRows),
        matrix(p + "self_attn.o_proj.weight", hidden, qRows),
        vector(p + "self_attn.o_proj.bias", hidden),
        vector(p + "self_attn.sinks", c.numHeads()));
  }

  /** The fused qkv matrix holds the q rows, then k, then v: each is a row slice of one view. */
  private Attention originalAttention(int l) {
    String p = "block." + l + ".attn.";
    int qRows = c.numHeads() * c.headDim();
    int kvRows = c.numKvHeads() * c.headDim();
    int hidden = c.hiddenSize();
    int fused = qRows + 2 * kvRows;
    TensorInfo qkv = check(p + "qkv.weight", FLOAT, fused, hidden);
    TensorInfo qkvBias = check(p + "qkv.bias", FLOAT, fused);
    return new Attention(
        vector(p + "norm.scale", hidden),
        rows(qkv, 0, qRows, hidden),
        part(qkvBias, 0, qRows),
        rows(qkv, qRows, kvRows, hidden),
        part(qkvBias, qRows, kvRows),
        rows(qkv, qRows + kvRows, kvRows, hidden),
        part(qkvBias, qRows + kvRows, kvRows),
        matrix(p + "out.weight", hidden, qRows),
        vector(p + "out.bias", hidden),
        vector(p + "sinks", c.numHeads()));
  }

  private static MoeNames hfMoe(int l) {
    String p = "model.layers." + l + ".";
    String e = p + "mlp.experts.";
    return new MoeNames(p + "post_attention_layernorm.weight", p + "mlp.router.weight", p + "mlp.router.bias",
        e + "gate_up_proj_blocks", e + "gate_up_proj_scales", e + "gate_up_proj_bias",
        e + "down_proj_blocks", e + "down_proj_scales", e + "down_proj_bias");
  }

  private static MoeNames originalMoe(int l) {
    String p = "block." + l + ".mlp.";
    return new MoeNames(p + "norm.scale", p + "gate.weight", p + "gate.bias",
        p + "mlp1_weight.blocks", p + "mlp1_weight.scales", p + "mlp1_bias",
        p + "mlp2_weight.blocks", p + "mlp2_weight.scales", p + "mlp2_bias");
  }

  private Moe moe(MoeNames n) {
    int experts = c.numExperts();
    int hidden = c.hiddenSize();
    int up = 2 * c.intermediateSize();
    int inter = c.intermediateSize();
    float[] norm = vector(n.norm(), hidden);
    WeightMatrix router = matrix(n.router(), experts, hidden);
    float[] routerBias = vector(n.routerBias(), experts);
    TensorInfo upBlocks = check(n.upBlocks(), BYTE, experts, up, hidden / Mxfp4Matrix.BLOCK, 16);
    TensorInfo upScales = check(n.upScales(), BYTE, experts, up, hidden / Mxfp4Matrix.BLOCK);
    TensorInfo upBias = check(n.upBias(), FLOAT, experts, up);
    TensorInfo downBlocks = check(n.downBlocks(), BYTE, experts, hidden, inter / Mxfp4Matrix.BLOCK, 16);
    TensorInfo downScales = check(n.downScales(), BYTE, experts, hidden, inter / Mxfp4Matrix.BLOCK);
    TensorInfo downBias = check(n.downBias(), FLOAT, experts, hidden);
    if (upBlocks == null || upScales == null || upBias == null
        || downBlocks == null || downScales == null || downBias == null) {
      return new Moe(norm, router, routerBias, List.of());
    }
    rejectNanScales(upScales);
    rejectNanScales(downScales);
    List<Expert> list = new ArrayList<>(experts);
    for (int e = 0; e < experts; e++) {
      list.add(new Expert(
          mxfp4(upBlocks, upScales, e, up, hidden),
          part(upBias, (long) e * up, up),
          mxfp4(downBlocks, downScales, e, hidden, inter),
          part(downBias, (long) e * hidden, hidden)));
    }
    return new Moe(norm, router, routerBias, List.copyOf(list));
  }

  /** Expert {@code e}'s slice of {@code [experts, rows, cols/32, 16]} blocks and {@code [experts, rows, cols/32]} scales. */
  private Mxfp4Matrix mxfp4(TensorInfo blocks, TensorInfo scales, int e, int rows, int cols) {
    long blockBytes = (long) rows * cols / 2;
    long scaleBytes = (long) rows * cols / Mxfp4Matrix.BLOCK;
    return new Mxfp4Matrix(
        checkpoint.segment(blocks).asSlice(e * blockBytes, blockBytes),
        checkpoint.segment(scales).asSlice(e * scaleBytes, scaleBytes),
        rows, cols);
  }

  /**
   * E8M0 scale 255 is NaN in the OCP MX spec and would silently poison every value of its block. Checked with
   * the vector reads, eight bytes per step, so the scales (1/17 of the expert bytes) are read once at binding.
   */
  private void rejectNanScales(TensorInfo scales) {
    fills.add(() -> {
      long i = ValueScan.E8M0.firstInvalid(checkpoint.segment(scales), 0, scales.byteSize());
      if (i >= 0) {
        throw new CheckpointException(scales.file() + ": tensor '" + scales.name() + "' holds the E8M0 scale 255"
            + " (NaN in the MX spec) at element " + i + " (expert " + i / (scales.numel() / scales.shape().getFirst())
            + ")");
      }
    });
  }

  private WeightMatrix matrix(String name, int rows, int cols) {
    TensorInfo t = check(name, FLOAT, rows, cols);
    return t == null ? null : rows(t, 0, rows, cols);
  }

  /** Rows {@code [first, first + count)} of a checked float matrix, as a view. */
  private WeightMatrix rows(TensorInfo t, int first, int count, int cols) {
    if (t == null) {
      return null;
    }
    long rowBytes = (long) cols * t.dtype().byteSize();
    MemorySegment data = checkpoint.segment(t).asSlice(first * rowBytes, count * rowBytes);
    return t.dtype() == Dtype.BF16 ? new Bf16Matrix(data, count, cols) : new F32Matrix(data, count, cols);
  }

  private float[] vector(String name, int length) {
    return part(check(name, FLOAT, length), 0, length);
  }

  /**
   * Elements {@code [first, first + length)} of a checked float tensor as f32: the array now, its values
   * once {@link #fillVectors} has run.
   */
  private float[] part(TensorInfo t, long first, int length) {
    if (t == null) {
      return null;
    }
    float[] out = new float[length];
    fills.add(() -> widen(t, first, out));
    return out;
  }

  /**
   * Reads every small vector (and scans the MXFP4 scales). They are scattered through gigabytes of shards, so on a cold page cache
   * each is a disk read: issuing them from several threads overlaps their latency.
   */
  private void fillVectors() {
    List<Future<?>> pending = new ArrayList<>(fills.size());
    try (ExecutorService pool = Executors.newFixedThreadPool(
        READ_THREADS, Thread.ofPlatform().daemon().name("gptoss-bind-", 0).factory())) {
      for (Runnable fill : fills) {
        pending.add(pool.submit(fill));
      }
      for (Future<?> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CheckpointException bad) {
        throw bad;
      }
      throw new CheckpointException(checkpoint.directory() + ": cannot read weights: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckpointException(checkpoint.directory() + ": interrupted while reading weights", e);
    }
  }

  private void widen(TensorInfo t, long first, float[] out) {
    MemorySegment s = checkpoint.segment(t);
    // Bulk copies: element-wise segment access is slow before the JIT warms up, and binding runs once.
    if (t.dtype() == Dtype.F32) {
      MemorySegment.copy(s, F32, first * Float.BYTES, out, 0, out.length);
    } else {
      short[] bits = new short[out.length];
      MemorySegment.copy(s, BF16, first * Short.BYTES, bits, 0, out.length);
      for (int i = 0; i < out.length; i++) {
        out[i] = Float.intBitsToFloat(bits[i] << 16);
      }
    }
  }

  /** The tensor if it exists with exactly this shape and one of these dtypes; otherwise records why not. */
  private TensorInfo check(String name, Set<Dtype> dtypes, long... shape) {
    expected.add(name);
    List<Long> want = new ArrayList<>(shape.length);
    for (long d : shape) {
      want.add(d);
    }
    String wanted = (dtypes.size() == 1 ? dtypes.iterator().next().name() : "BF16 or F32") + " " + want;
    TensorInfo t = checkpoint.tensors().get(name);
    if (t == null) {
      problems.add("missing tensor '" + name + "', expected " + wanted);
      return null;
    }
    if (!dtypes.contains(t.dtype()) || !t.shape().equals(want)) {
      problems.add("tensor '" + name + "' is " + t.dtype() + " " + t.shape() + ", expected " + wanted);
      return null;
    }
    return t;
  }
}
