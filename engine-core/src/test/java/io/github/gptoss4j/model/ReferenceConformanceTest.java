package io.github.gptoss4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.KvType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward pass against OpenAI's reference implementation: logits of every position of the tiny
 * fixture's sequences (computed by {@code gpt_oss/torch/model.py} in float32 from the same weights) and its
 * greedy continuations. The fixture's README sets the tolerance at 1e-3.
 */
class ReferenceConformanceTest {
  private static final double TOLERANCE = 1e-3;

  private static Path fixture;
  private static Checkpoint checkpoint;
  private static Transformer model;
  private static JsonNode expected;

  record Case(String name, int[] tokens, int[] greedy, NpyReader.Array2D logits) {
    @Override
    public String toString() {
      return name + " (" + tokens.length + " tokens)";
    }
  }

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    fixture = Path.of(ReferenceConformanceTest.class.getResource("/tiny-gpt-oss/config.json").toURI()).getParent();
    checkpoint = Checkpoint.open(fixture);
    model = new Transformer(checkpoint.weights(), Kernels.get());
    expected = new ObjectMapper().readTree(fixture.resolve("expected/expected.json").toFile());
  }

  @AfterAll
  static void close() {
    checkpoint.close();
  }

  static Stream<Arguments> cases() throws IOException, URISyntaxException {
    if (expected == null) {
      load();
    }
    List<Arguments> cases = new ArrayList<>();
    var it = expected.get("sequences").fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode s = e.getValue();
      cases.add(
          Arguments.of(
              new Case(
                  e.getKey(),
                  ints(s.get("tokens")),
                  ints(s.get("greedy")),
                  NpyReader.read(fixture.resolve("expected").resolve(s.get("logits_file").asText())))));
    }
    return cases.stream();
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void prefillOfTheWholeSequenceMatchesTheReference(Case c) {
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, c.tokens.length)) {
      float[] logits = new float[c.tokens.length * vocab()];
      model.forward(seq, c.tokens, 0, c.tokens.length, logits, true);
      assertClose(c, 0, c.tokens.length, logits);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void tokenByTokenDecodeMatchesTheReference(Case c) {
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, 1)) {
      float[] logits = new float[vocab()];
      for (int p = 0; p < c.tokens.length; p++) {
        model.forward(seq, c.tokens, p, 1, logits, false);
        assertClose(c, p, 1, logits);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void unevenChunksThenDecodeMatchTheReference(Case c) {
    int[] chunks = {3, 5, 1, 7, 2};
    try (Sequence seq = model.newSequence(KvType.F32, Long.MAX_VALUE, 4)) {
      int p = 0;
      for (int i = 0; p < c.tokens.length; i++) {
        int n = Math.min(chunks[i % chunks.length], c.tokens.length - p);
        float[] logits = new float[n * vocab()];
        model.forward(seq, c.tokens, p, n, logits, true);
        assertClose(c, p, n, logits);
        p += n;
      }
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void greedyContinuationIsIdentical(Case c) {
    int[] generated = new int[c.greedy.length];
    try (Sequence seq = model.newSequence()) {
      float[] logits = new float[vocab()];
      model.forward(seq, c.tokens, 0, c.tokens.length, logits, false);
      for (int i = 0; i < generated.length; i++) {
        generated[i] = model.kernels().argmax(logits, 0, vocab());
        model.forward(seq, generated, i, 1, logits, false);
      }
    }
    assertArrayEquals(c.greedy, generated, c.name + ": greedy continuation");
  }

  @Test
  void bothLayoutsGiveIdenticalLogits() {
    int[] tokens = {1, 2, 3, 500, 1023, 7, 7, 7, 7, 7, 42};
    try (Checkpoint original = Checkpoint.open(fixture.resolve("original"))) {
      Transformer fromOriginal = new Transformer(original.weights(), model.kernels());
      assertArrayEquals(allLogits(model, tokens), allLogits(fromOriginal, tokens));
    }
  }

  @ParameterizedTest
  @EnumSource(KernelProvider.Impl.class)
  void resultsDoNotDependOnTheThreadCount(KernelProvider.Impl impl) {
    assumeTrue(impl == KernelProvider.Impl.SCALAR || ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the vector kernels need jdk.incubator.vector");
    int[] tokens = {5, 900, 13, 13, 77, 301, 2, 1000, 64, 8, 8, 9};
    float[] oneThread = null;
    for (int threads = 1; threads <= 3; threads++) {
      try (Kernels kernels = KernelProvider.create(impl, threads)) {
        float[] logits = allLogits(new Transformer(checkpoint.weights(), kernels), tokens);
        if (oneThread == null) {
          oneThread = logits;
        } else {
          assertArrayEquals(oneThread, logits, threads + " threads");
        }
      }
    }
  }

  private static float[] allLogits(Transformer transformer, int[] tokens) {
    try (Sequence seq = transformer.newSequence()) {
      float[] logits = new float[tokens.length * vocab()];
      transformer.forward(seq, tokens, 0, tokens.length, logits, true);
      return logits;
    }
  }

  private static int vocab() {
    return model.config().vocabSize();
  }

  /** Compares {@code n} rows of logits for positions {@code from…} with the reference. */
  private static void assertClose(Case c, int from, int n, float[] logits) {
    int vocab = vocab();
    assertEquals(vocab, c.logits.cols());
    double worst = 0;
    int worstAt = -1;
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < vocab; i++) {
        double d = Math.abs(logits[t * vocab + i] - c.logits.get(from + t, i));
        if (!(d <= worst)) {
          worst = d;
          worstAt = (from + t) * vocab + i;
        }
      }
    }
    int at = worstAt;
    double w = worst;
    assertTrue(
        worst <= TOLERANCE,
        () -> c.name + ": max |Δlogit| " + w + " at position " + at / vocab + ", token " + at % vocab);
  }
}
