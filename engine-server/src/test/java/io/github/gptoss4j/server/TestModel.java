package io.github.gptoss4j.server;

import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.testkit.SyntheticCheckpoint;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model the server tests run: the tiny preset's shapes with the real o200k_harmony vocabulary (so the
 * embedded tokenizer fits), random weights, written once per test JVM into a temporary directory. Its text is
 * meaningless, so tests check the protocol and the mechanics.
 */
final class TestModel {
  static final String NAME = "demo-v1";
  private static Path dir;
  private static GptOss model;

  private TestModel() {}

  /** The checkpoint's directory, written on first use. */
  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path tmp = Files.createTempDirectory("gptoss-server-test-");
        tmp.toFile().deleteOnExit();
        GptOssConfig t = Preset.TINY.config();
        GptOssConfig config = new GptOssConfig(t.numLayers(), t.hiddenSize(), t.headDim(), t.numHeads(),
            t.numKvHeads(), t.numExperts(), t.expertsPerToken(), t.intermediateSize(), 201088, t.slidingWindow(),
            t.layerTypes(), t.rmsNormEps(), t.rope(), t.swigluLimit(), t.maxPositionEmbeddings());
        Path out = tmp.resolve(NAME);
        SyntheticCheckpoint.write(new SyntheticCheckpoint.Options(config, 20250805L, true, false, null,
            Preset.TINY.maxShardBytes() * 1024), out, (done, total) -> {});
        dir = out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * The loaded model, shared by every test class, after one short generation: the first one of a JVM runs
   * its kernels cold for seconds, which would eat into the tests' deadlines.
   */
  static synchronized GptOss model() {
    if (model == null) {
      model = GptOss.load(dir());
      try (ChatSession warmUp = model.newSession()) {
        warmUp.generate(GenerationRequest.builder().user("Hi").maxTokens(4).replyChannel("final").build());
      }
    }
    return model;
  }

  /** A server on a free loopback port over the shared model, replies opened on the final channel. */
  static GptOssServer.Builder server() {
    return GptOssServer.builder().model(model()).modelName(NAME).port(0).replyChannel("final")
        .defaultMaxTokens(128).log(new PrintWriter(new StringWriter()));
  }
}
