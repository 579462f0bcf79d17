package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gptoss4j.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Without {@code --add-modules jdk.incubator.vector} (the build's scalar-fallback test execution) the library
 * still loads, picks the scalar kernels for everything, sampling included, and generates.
 */
@EnabledIf("vectorApiAbsent")
class ScalarFallbackTest {

  static boolean vectorApiAbsent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty();
  }

  @Test
  void theScalarKernelsRunAndASeededGenerationReplays() {
    assertEquals("scalar", Kernels.get().name());
    GenerationRequest request = GenerationRequest.builder()
        .user("Hello")
        .maxTokens(5)
        .sampling(SamplingOptions.builder().temperature(0.9).topP(0.9).seed(3).build())
        .build();
    try (GptOss model = GptOss.load(SynthModel.dir())) {
      GenerationResult first;
      try (ChatSession session = model.newSession()) {
        first = session.generate(request);
      }
      assertEquals(5, first.tokens().size());
      try (ChatSession session = model.newSession()) {
        assertEquals(first.tokens(), session.generate(request).tokens());
      }
    }
  }
}
