package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An opened gpt-oss checkpoint: its config and its tensors, memory-mapped read-only and validated.
 *
 * <p>A directory in the Hugging Face layout ({@code config.json} with {@code model.safetensors.index.json}
 * or {@code *.safetensors}) or in OpenAI's layout ({@code config.json} + {@code model.safetensors} with
 * {@code block.N.*} names) is accepted, as is a download holding the OpenAI layout under {@code original/}
 * (the Hugging Face layout wins when both are present). Tensors and {@link #weights()} are zero-copy views
 * of the mapping, readable from any thread until {@link #close()}; after that, reading them throws
 * {@link IllegalStateException}.
 */
public final class Checkpoint implements AutoCloseable {
  static final String INDEX = "model.safetensors.index.json";
  static final String CONFIG = "config.json";
  private static final long SCAN_CHUNK = 64L << 20;

  /** How the tensors of a checkpoint are named. */
  public enum Layout {
    /** {@code model.layers.N.*}, separate q/k/v, as published on Hugging Face. */
    HUGGING_FACE,
    /** {@code block.N.*} with a fused {@code qkv}, OpenAI's {@code original/} directory. */
    ORIGINAL
  }

  private final Path directory;
  private final Layout layout;
  private final GptOssConfig config;
  private final Map<String, TensorInfo> tensors;
  private final Map<Path, SafetensorsFile> files;
  private final Arena arena;
  private ModelWeights weights;

  private Checkpoint(Path directory, Layout layout, GptOssConfig config, Map<String, TensorInfo> tensors,
      Map<Path, SafetensorsFile> files, Arena arena) {
    this.directory = directory;
    this.layout = layout;
    this.config = config;
    this.tensors = tensors;
    this.files = files;
    this.arena = arena;
  }

  /**
   * Opens the checkpoint in {@code dir}, mapping each shard once and validating every header and the config.
   * Weights are bound (and checked against the config) by {@link #weights()}.
   *
   * @throws CheckpointException if the directory holds no checkpoint or any file is malformed
   */
  public static Checkpoint open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": not a directory");
    }
    Path original = dir.resolve("original");
    if (!hasWeights(dir) && Files.isDirectory(original) && hasWeights(original)) {
      dir = original;
    }
    if (!hasWeights(dir)) {
      throw new CheckpointException(dir + ": no checkpoint found: expected " + INDEX + " or *.safetensors files"
          + " (here or under original/)");
    }
    Arena arena = Arena.ofShared();
    try {
      Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = Files.isRegularFile(dir.resolve(INDEX))
          ? readIndexed(dir, arena, files)
          : readScanned(dir, arena, files);
      Layout layout = tensors.containsKey("embedding.weight") && !tensors.containsKey("model.embed_tokens.weight")
          ? Layout.ORIGINAL
          : Layout.HUGGING_FACE;
      Path configFile = dir.resolve(CONFIG);
      GptOssConfig config = layout == Layout.ORIGINAL
          ? ConfigReader.readOriginal(configFile)
          : ConfigReader.readHf(configFile);
      return new Checkpoint(dir, layout, config, Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(files), arena);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static boolean hasWeights(Path dir) {
    if (Files.isRegularFile(dir.resolve(INDEX))) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(Checkpoint::isShard);
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot list directory: " + e, e);
    }
  }

  private static boolean isShard(Path p) {
    return p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p);
  }

  /** The index decides which shard holds which tensor; shard names are not interpreted. */
  private static Map<String, TensorInfo> readIndexed(Path dir, Arena arena, Map<Path, SafetensorsFile> files) {
    Path index = dir.resolve(INDEX);
    JsonNode root;
    try {
      root = SafetensorsFile.JSON.readTree(index.toFile());
    } catch (JsonProcessingException e) {
      throw new CheckpointException(index + ": not valid JSON: " + SafetensorsFile.describe(e), e);
    } catch (IOException e) {
      throw new CheckpointException(index + ": cannot read: " + e, e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new CheckpointException(index + ": missing 'weight_map' object (tensor name -> shard file)");
    }
    Path base = dir.toAbsolutePath().normalize();
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String name = e.getKey();
      if (!e.getValue().isTextual()) {
        throw new CheckpointException(index + ": weight_map entry for tensor '" + name + "' must be a file name");
      }
      String shardName = e.getValue().textValue();
      if (!isFileName(shardName)) {
        throw new CheckpointException(index + ": weight_map entry for tensor '" + name + "' is "
            + SafetensorsFile.JSON.valueToTree(shardName) + ", which is not a file in " + dir
            + " (expected a shard's file name, without directories)");
      }
      Path file = base.resolve(shardName);
      SafetensorsFile shard = files.get(file);
      if (shard == null) {
        if (!Files.isRegularFile(file)) {
          throw new CheckpointException(index + ": tensor '" + name + "' is mapped to missing file " + file);
        }
        shard = SafetensorsFile.open(file, arena);
        files.put(file, shard);
      }
      TensorInfo t = shard.tensors().get(name);
      if (t == null) {
        throw new CheckpointException(index + ": tensor '" + name + "' is mapped to " + file
            + ", but that shard does not contain it");
      }
      tensors.put(name, t);
    }
    return tensors;
  }

  /** A plain file name: not empty, "." or "..", and free of separators and NUL (which no path may hold). */
  private static boolean isFileName(String s) {
    return !s.isEmpty() && !s.equals(".") && !s.equals("..")
        && s.chars().noneMatch(ch -> ch == '/' || ch == '\\' || ch == 0);
  }

  private static Map<String, TensorInfo> readScanned(Path dir, Arena arena, Map<Path, SafetensorsFile> files) {
    List<Path> shards;
    try (Stream<Path> s = Files.list(dir)) {
      shards = new ArrayList<>(s.filter(Checkpoint::isShard).sorted().toList());
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot list directory: " + e, e);
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Path p : shards) {
      SafetensorsFile shard = SafetensorsFile.open(p, arena);
      files.put(p, shard);
      for (TensorInfo t : shard.tensors().values()) {
        TensorInfo previous = tensors.putIfAbsent(t.name(), t);
        if (previous != null) {
          throw new CheckpointException(p + ": tensor '" + t.name() + "' is also in " + previous.file()
              + "; without an index each tensor must be in exactly one shard");
        }
      }
    }
    return tensors;
  }

  /** The directory the tensors and config were read from ({@code original/} for an OpenAI-only download). */
  public Path directory() {
    return directory;
  }

  /** How the tensors are named. */
  public Layout layout() {
    return layout;
  }

  /** The validated architecture. */
  public GptOssConfig config() {
    return config;
  }

  /** Every tensor, by name (index order, or shard then header order without an index). */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /**
   * The bytes of tensor {@code name}, a read-only view of the mapping.
   *
   * @throws CheckpointException if there is no such tensor
   */
  public MemorySegment segment(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(directory + ": no tensor named '" + name + "'");
    }
    return segment(t);
  }

  MemorySegment segment(TensorInfo t) {
    return files.get(t.file()).segment(t);
  }

  /**
   * All weights, bound as views of the mapping (computed once). Every expected tensor is checked for
   * exact shape and dtype against the config.
   *
   * @throws CheckpointException listing every missing, unexpected or mis-shaped tensor
   */
  public synchronized ModelWeights weights() {
    if (weights == null) {
      weights = WeightBinder.bind(this);
    }
    return weights;
  }

  /** Receives the number of bytes scanned so far and the total to scan. */
  @FunctionalInterface
  public interface ScanProgress {
    /** Called after each chunk. */
    void update(long done, long total);
  }

  /**
   * Reads every tensor's values, as {@code inspect --check-tensors} does: NaN or infinity in a float tensor,
   * or the E8M0 scale 255 in an MXFP4 scales tensor, would otherwise surface only as non-finite activations
   * once a token reaches them.
   *
   * @return one line per tensor holding such a value, naming its file, the tensor and the first bad element
   */
  public List<String> scanValues(ScanProgress progress) {
    long total = tensors.values().stream().mapToLong(TensorInfo::byteSize).sum();
    long done = 0;
    List<String> found = new ArrayList<>();
    for (TensorInfo t : tensors.values()) {
      ValueScan scan = ValueScan.of(t);
      MemorySegment s = segment(t);
      // Chunks of whole elements keep the progress moving through multi-gigabyte tensors.
      for (long from = 0; from < t.byteSize(); from += SCAN_CHUNK) {
        long to = Math.min(t.byteSize(), from + SCAN_CHUNK);
        long bad = scan == null ? -1 : scan.firstInvalid(s, from, to);
        done += to - from;
        progress.update(done, total);
        if (bad >= 0) {
          found.add(t.file() + ": tensor '" + t.name() + "' (" + t.dtype() + " " + t.shape() + ") holds "
              + scan.invalid() + " at element " + bad);
          done += t.byteSize() - to;
          break;
        }
      }
    }
    progress.update(total, total);
    return found;
  }

  /** Unmaps every shard; views handed out earlier become unreadable. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
