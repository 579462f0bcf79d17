package io.github.gptoss4j.cli;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoint {@code generate} and {@code chat} use without {@code --model}: a small gpt-oss architecture
 * with random weights and the real o200k_harmony vocabulary (so the embedded tokenizer fits it), written on
 * first use into the user's cache directory.
 *
 * <p>It is written into a temporary directory next to its final place and renamed into place, so a
 * half-written demo (a crash, a full disk, two first runs at once) is never used. Temporary directories a
 * killed run left behind are removed once they are an hour old (a live write takes seconds). Nothing else in
 * the cache directory is touched.
 */
final class DemoModel {
  /** Overrides the cache directory (tests; the environment cannot be changed in-process). */
  static final String CACHE_PROPERTY = "gptoss.cache.dir";
  /** The demo's directory under the cache; a new name for any change to its contents. */
  static final String NAME = "demo-v1";
  static final String NOTICE =
      "demo model: random weights, so its text is meaningless; for real answers give --model DIR"
          + " (e.g. a downloaded openai/gpt-oss-20b, see README.md)";

  private static final String PARTIAL = NAME + ".partial-";
  private static final Duration STALE = Duration.ofHours(1);
  private static final long SEED = 20250805L;
  private static final int VOCAB = 201088; // o200k_harmony

  private DemoModel() {}

  /**
   * {@code $XDG_CACHE_HOME/gptoss4j} or {@code ~/.cache/gptoss4j}, unless the {@value #CACHE_PROPERTY} system
   * property names another directory.
   */
  static Path cacheDir(Map<String, String> env, String userHome) {
    String override = System.getProperty(CACHE_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    // The XDG spec says relative values are invalid and must be ignored.
    Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(userHome, ".cache");
    return base.resolve("gptoss4j");
  }

  /** The architecture: the tiny preset's shapes with the full gpt-oss vocabulary (~52 MB of weights). */
  static GptOssConfig config() {
    GptOssConfig t = Preset.TINY.config();
    return new GptOssConfig(t.numLayers(), t.hiddenSize(), t.headDim(), t.numHeads(), t.numKvHeads(),
        t.numExperts(), t.expertsPerToken(), t.intermediateSize(), VOCAB, t.slidingWindow(), t.layerTypes(),
        t.rmsNormEps(), t.rope(), t.swigluLimit(), t.maxPositionEmbeddings());
  }

  /**
   * The demo checkpoint's directory under {@code cacheDir}, written first if it is not there yet.
   *
   * @throws CliException if it cannot be written
   */
  static Path ensure(Path cacheDir, PrintWriter err) {
    Path dir = cacheDir.resolve(NAME);
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path tmp = null;
    try {
      Files.createDirectories(cacheDir);
      removeStalePartials(cacheDir);
      tmp = Files.createTempDirectory(cacheDir, PARTIAL);
      err.println("writing the demo model into " + dir + " (first use, once)...");
      err.flush();
      SyntheticCheckpoint.Options options = new SyntheticCheckpoint.Options(
          config(), SEED, true, false, null, Preset.TINY.maxShardBytes() * 1024);
      SyntheticCheckpoint.write(options, tmp, (done, total) -> {});
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        // Another first run finished first; its demo is identical.
      }
      return dir;
    } catch (IOException | RuntimeException e) {
      throw new CliException("cannot write the demo model into " + dir + ": " + e.getMessage());
    } finally {
      deleteIfLeft(tmp);
    }
  }

  /** Removes temporary directories of runs that died while writing the demo. */
  private static void removeStalePartials(Path cacheDir) throws IOException {
    Instant cutoff = Instant.now().minus(STALE);
    try (Stream<Path> entries = Files.list(cacheDir)) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(PARTIAL)).toList()) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          deleteIfLeft(p);
        }
      }
    }
  }

  /** Removes our temporary directory if it was not renamed into place. */
  private static void deleteIfLeft(Path tmp) {
    if (tmp == null || !Files.exists(tmp)) {
      return;
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: a leftover *.partial-* directory is never mistaken for the demo.
    }
  }
}
