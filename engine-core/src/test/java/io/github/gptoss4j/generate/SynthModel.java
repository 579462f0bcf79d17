package io.github.gptoss4j.generate;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.GptOssConfig.LayerType;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small random-weight gpt-oss checkpoint with the real o200k_harmony vocabulary (201088 tokens), written
 * once per test JVM by the checkpoint package's synthetic writer: hidden 32, 2 layers (sliding window 8, then
 * full attention), so sessions exercise the whole pipeline in milliseconds. Its text is meaningless.
 */
final class SynthModel {
  static final int WINDOW = 8;
  static final GptOssConfig CONFIG =
      new GptOssConfig(
          2, 32, 16, 4, 2, 4, 2, 32, 201088, WINDOW,
          List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION),
          1e-5f, new GptOssConfig.Rope(150000, 32, 4096, 32, 1), 7f, 4096);

  private SynthModel() {}

  private static final class Holder {
    static final Path DIR = write();

    private static Path write() {
      try {
        Path dir = Files.createTempDirectory("gptoss4j-generate-test");
        Path out = dir.resolve("model");
        SyntheticCheckpoint.write(
            new SyntheticCheckpoint.Options(CONFIG, 11, true, false, null, Long.MAX_VALUE), out, (done, total) -> {});
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void delete(Path dir) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind is harmless
      }
    }
  }

  /** The checkpoint directory (Hugging Face layout, no tokenizer.json: the embedded one is used). */
  static Path dir() {
    return Holder.DIR;
  }

  private static final class Shared {
    static final GptOss MODEL = GptOss.load(dir());
  }

  /**
   * One model over {@link #dir()} with the default options, shared by the test classes of a JVM (its mapping
   * goes with the JVM).
   */
  static GptOss model() {
    return Shared.MODEL;
  }
}
