package io.github.gptoss4j.spark;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The CLI's demo model for these tests: the tiny preset's shapes (4 layers, hidden 64, 8 experts) with the
 * real o200k_harmony vocabulary and random weights, written once per test JVM. Its context is cut to {@value
 * #CONTEXT} positions so that a prompt too long for it costs milliseconds to write and to reject.
 */
final class DemoCheckpoint {
  static final int CONTEXT = 1024;

  private DemoCheckpoint() {}

  private static final class Holder {
    static final Path DIR = write();

    private static Path write() {
      GptOssConfig t = Preset.TINY.config();
      GptOssConfig demo = new GptOssConfig(t.numLayers(), t.hiddenSize(), t.headDim(), t.numHeads(),
          t.numKvHeads(), t.numExperts(), t.expertsPerToken(), t.intermediateSize(), 201088, t.slidingWindow(),
          t.layerTypes(), t.rmsNormEps(), t.rope(), t.swigluLimit(), CONTEXT);
      try {
        Path root = Files.createTempDirectory("gptoss4j-spark-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
        Path dir = root.resolve("demo");
        SyntheticCheckpoint.write(
            new SyntheticCheckpoint.Options(demo, 20250805L, true, false, null, Long.MAX_VALUE), dir, (d, n) -> {});
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void delete(Path root) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is harmless
      }
    }
  }

  /** The checkpoint directory (Hugging Face layout; the embedded tokenizer is used). */
  static Path dir() {
    return Holder.DIR;
  }
}
